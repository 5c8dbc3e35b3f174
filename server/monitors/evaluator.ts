/**
 * The monitor state machine (API.md): pending → up / degraded / down. A failure counts towards
 * down; the monitor is down once failures exceed its retries (retries 0: the first failure;
 * retries 1: the second in a row). Until then its status stays what it was (pending if new), so
 * a single blip neither alerts nor flaps. One success brings it back up (degraded when it passed
 * with a warning). paused and maintenance are set from outside; results do not change them.
 */
import type { ProbeProblem } from '../../plugins/sdk.js';
import type { Verdict } from './assertions.js';
import type { MonitorStatus } from '../../contracts/monitors.js';

export interface MonitorState {
  status: MonitorStatus;
  since: Date;
  /** Failed checks in a row since the last pass. */
  failures: number;
}

export interface Transition {
  state: MonitorState;
  previous: MonitorStatus;
  changed: boolean;
  /** What caused the new status: the failure for down, the warning for degraded. */
  reason: ProbeProblem | null;
}

const HELD: ReadonlySet<MonitorStatus> = new Set(['paused', 'maintenance']);

/** The pure transition: the previous state, one verdict, the monitor's retries, the check's time. */
export function nextState(prev: MonitorState, verdict: Verdict, retries: number, at: Date): Transition {
  const failures = verdict.ok ? 0 : prev.failures + 1;
  let status: MonitorStatus;
  if (HELD.has(prev.status)) status = prev.status;
  else if (verdict.ok) status = verdict.warning ? 'degraded' : 'up';
  else status = failures > retries ? 'down' : prev.status;
  const changed = status !== prev.status;
  const reason = status === 'down' ? verdict.error ?? null : status === 'degraded' ? verdict.warning ?? null : null;
  return { state: { status, since: changed ? at : prev.since, failures }, previous: prev.status, changed, reason };
}

/** Holds every monitor's state in memory; the results writer persists the changes. */
export class Evaluator {
  readonly #states = new Map<string, MonitorState>();

  /** Starts tracking a monitor at its stored status (a restart continues where it was). */
  track(id: string, status: MonitorStatus, since: Date): void {
    if (!this.#states.has(id)) this.#states.set(id, { status, since, failures: 0 });
  }

  forget(id: string): void {
    this.#states.delete(id);
  }

  get(id: string): MonitorState | undefined {
    return this.#states.get(id);
  }

  /** A status set from outside (pause, resume, maintenance): the failure count starts over. */
  set(id: string, status: MonitorStatus, at: Date): Transition {
    const prev = this.#states.get(id) ?? { status: 'pending', since: at, failures: 0 };
    const changed = prev.status !== status;
    const state = { status, since: changed ? at : prev.since, failures: 0 };
    this.#states.set(id, state);
    return { state, previous: prev.status, changed, reason: null };
  }

  evaluate(id: string, verdict: Verdict, retries: number, at: Date): Transition {
    const prev = this.#states.get(id) ?? { status: 'pending', since: at, failures: 0 };
    const t = nextState(prev, verdict, retries, at);
    this.#states.set(id, t.state);
    return t;
  }
}
