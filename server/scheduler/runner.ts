/**
 * Runs one probe under the monitor's timeout and the server's concurrency limits, and turns
 * whatever the plugin does into a result: a throw is PROBE_CRASHED, a hang (even one that
 * ignores its AbortSignal) is TIMEOUT, garbage is PROBE_BAD_RESULT. Nothing a plugin does
 * reaches the scheduler as an exception, and nothing it started outlives its check: its timers
 * are cleared and the memory it reserved is given back when the check ends.
 */
import { fail, type MemoryReservation, type ProbeContext, type ProbePlugin, type ProbeResult } from '../../plugins/sdk.js';
import { checkResult } from './result.js';
import { KeyedSemaphore, Semaphore } from './limits.js';
import { endPluginRun, inPluginRun, outsidePluginRun, trackPluginTimers, type PluginRun } from './plugin-scope.js';

export interface RunRequest {
  probe: ProbePlugin;
  /** The config as the plugin's schema parsed it (defaults applied). */
  config: unknown;
  /** Milliseconds the run may take before its signal aborts. */
  timeoutMs: number;
}

export interface RunOutcome {
  result: ProbeResult;
  /** Epoch milliseconds when plugin.run was called (after any queueing). */
  startedAt: number;
  /** Milliseconds from the call to the result, as the runner measured it. */
  latencyMs: number;
  /** Milliseconds spent waiting for a concurrency slot. */
  queuedMs: number;
}

export interface RunnerOptions {
  context: ProbeContext;
  /** Runs at once across all monitors. */
  concurrency?: number;
  /** Runs at once against one target (host, or whatever the plugin's targetKey says). Enough for a
   * thousand monitors on one slow (300 ms) host at 30 s; few enough not to hammer it. */
  perTarget?: number;
  /** Milliseconds a plugin gets after its signal aborted before the runner stops waiting. */
  graceMs?: number;
}

export interface RunnerStats {
  runs: number;
  /** Runs whose plugin never returned; it may still hold sockets until it does. */
  abandoned: number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** The per-target key: the plugin's own, else the host of `url`, else `host[:port]`; none → no per-target limit. */
export function targetKeyOf(probe: ProbePlugin, config: unknown): string | undefined {
  try {
    const own = probe.targetKey?.(config);
    if (typeof own === 'string' && own) return own;
  } catch {
    // a broken targetKey only loses the per-target limit; the run itself reports any real fault
  }
  const c = config as { url?: unknown; host?: unknown; port?: unknown } | null;
  if (typeof c?.url === 'string') {
    try {
      return new URL(c.url).host;
    } catch {
      return undefined;
    }
  }
  if (typeof c?.host === 'string') return typeof c.port === 'number' ? `${c.host}:${c.port}` : c.host;
  return undefined;
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 300 ? message.slice(0, 299) + '…' : message;
}

export class Runner {
  readonly stats: RunnerStats = { runs: 0, abandoned: 0 };
  readonly #global: Semaphore;
  readonly #targets: KeyedSemaphore;
  readonly #context: ProbeContext;
  readonly #graceMs: number;

  constructor(opts: RunnerOptions) {
    this.#context = opts.context;
    this.#global = new Semaphore(opts.concurrency ?? 256);
    this.#targets = new KeyedSemaphore(opts.perTarget ?? 32);
    this.#graceMs = opts.graceMs ?? 1_000;
    trackPluginTimers();
  }

  /** The context one run gets: the server's, with what the plugin reserves tracked for `run`. */
  #contextFor(run: PluginRun, reservations: Set<MemoryReservation>): ProbeContext {
    const base = this.#context;
    return {
      ...base,
      resolve: (host, signal) => outsidePluginRun(() => base.resolve(host, signal)),
      memory: {
        limit: base.memory.limit,
        reserve: async (bytes, signal) => {
          const reservation = await outsidePluginRun(() => base.memory.reserve(bytes, signal));
          if (run.ended) {
            // Granted after the check ended: nothing may hold it, and nothing left of the run should go on.
            reservation.release();
            return new Promise<never>(() => {});
          }
          reservations.add(reservation);
          return reservation;
        },
      },
    };
  }

  /** Runs active, and runs waiting for a slot. */
  get load(): { active: number; queued: number } {
    return { active: this.#global.active, queued: this.#global.queued };
  }

  async run(req: RunRequest): Promise<RunOutcome> {
    const queuedAt = performance.now();
    const key = targetKeyOf(req.probe, req.config);
    // The target slot first: a busy target must not sit on global slots others could use.
    const releaseTarget = key === undefined ? () => {} : await this.#targets.acquire(key);
    const releaseGlobal = await this.#global.acquire();
    try {
      return await this.#execute(req, round(performance.now() - queuedAt));
    } finally {
      releaseGlobal();
      releaseTarget();
    }
  }

  async #execute(req: RunRequest, queuedMs: number): Promise<RunOutcome> {
    const { probe, config, timeoutMs } = req;
    const controller = new AbortController();
    const scope: PluginRun = { probe: probe.id, timers: new Set(), ended: false };
    const reservations = new Set<MemoryReservation>();
    const context = this.#contextFor(scope, reservations);
    this.stats.runs++;
    const startedAt = Date.now();
    const start = performance.now();
    // One promise per run: the probe's answer, or 'gave-up' when it ignores the abort past the grace.
    const outcome = await new Promise<{ value: unknown } | { error: unknown } | 'gave-up'>((resolve) => {
      let grace: NodeJS.Timeout | undefined;
      const deadline = setTimeout(() => {
        controller.abort(new DOMException(`Timed out after ${timeoutMs} ms`, 'TimeoutError'));
        grace = setTimeout(() => resolve('gave-up'), this.#graceMs);
      }, timeoutMs);
      const settle = (answer: { value: unknown } | { error: unknown }) => {
        clearTimeout(deadline);
        clearTimeout(grace);
        resolve(answer);
      };
      try {
        Promise.resolve(inPluginRun(scope, () => probe.run(context, config, controller.signal))).then(
          (value) => settle({ value }),
          (error: unknown) => settle({ error }),
        );
      } catch (error) {
        settle({ error });
      }
    });
    const latencyMs = round(performance.now() - start);
    endPluginRun(scope);
    for (const reservation of reservations) reservation.release();
    const timedOut = controller.signal.aborted;
    const timeout = (timings = {}, metadata = {}) =>
      fail('TIMEOUT', `No result within the ${timeoutMs} ms timeout`, { ...timings, total: latencyMs }, metadata);

    let result: ProbeResult;
    if (outcome === 'gave-up') {
      this.stats.abandoned++;
      result = timeout();
    } else if ('error' in outcome) {
      const e = outcome.error as { name?: unknown; code?: unknown; message?: unknown };
      if (e?.name === 'ProbeFailure' && typeof e.code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(e.code)) {
        result = fail(e.code, describe(e), { total: latencyMs });
      } else if (timedOut) result = timeout();
      else result = fail('PROBE_CRASHED', `The ${probe.id} probe crashed: ${describe(outcome.error)}`, { total: latencyMs });
    } else {
      const checked = checkResult(outcome.value);
      if ('problem' in checked) {
        result = fail('PROBE_BAD_RESULT', `The ${probe.id} probe returned a malformed result: ${checked.problem}`, { total: latencyMs });
      } else if (timedOut && checked.result.ok) {
        result = timeout(checked.result.timings, checked.result.metadata); // passing, but too late
      } else {
        result = checked.result;
        result.timings.total ??= latencyMs;
      }
    }
    return { result, startedAt, latencyMs, queuedMs };
  }
}
