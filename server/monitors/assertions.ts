/** Applies a monitor's extra assertions to a probe result: the verdict the state machine judges. */
import type { ProbeProblem, ProbeResult } from '../../plugins/sdk.js';
import type { Assertion } from '../../contracts/monitors.js';

export interface Verdict {
  /** The check passed: the probe said ok and no failure-level assertion fired. */
  ok: boolean;
  /** Why it failed: the probe's error first, else the first failing assertion. */
  error?: ProbeProblem;
  /** Set when it passed with something to look at: the probe's warning or a warning-level assertion. */
  warning?: ProbeProblem;
}

function fired(a: Assertion, latencyMs: number): ProbeProblem | undefined {
  switch (a.type) {
    case 'latency':
      return latencyMs > a.maxMs
        ? { code: 'LATENCY_ABOVE_LIMIT', message: `Took ${Math.round(latencyMs)} ms, limit ${a.maxMs} ms` }
        : undefined;
  }
}

export function judge(result: ProbeResult, latencyMs: number, assertions: readonly Assertion[]): Verdict {
  if (!result.ok) return { ok: false, error: result.error ?? { code: 'FAILED', message: 'The check failed' } };
  let warning = result.warning;
  for (const a of assertions) {
    const problem = fired(a, latencyMs);
    if (!problem) continue;
    if (a.severity === 'failure') return { ok: false, error: problem };
    warning ??= problem;
  }
  return warning ? { ok: true, warning } : { ok: true };
}
