/**
 * The check pipeline: scheduler → runner → assertions → state machine → results writer →
 * events. It holds the active monitors in memory (what the scheduler runs) and is told about
 * every change the service makes, so changes take effect at once.
 */
import { fail, type ProbeContext, type ProbePlugin, type ProbeProblem, type Timings } from '../../plugins/sdk.js';
import type { Logger } from '../log.js';
import type { ProbeRegistry } from '../probes/registry.js';
import type { HeartbeatWriter } from '../results/writer.js';
import { systemClock, type Clock } from '../scheduler/clock.js';
import { Histogram } from '../scheduler/histogram.js';
import type { Runner, RunOutcome } from '../scheduler/runner.js';
import { HeapScheduler, type MonitorScheduler } from '../scheduler/scheduler.js';
import { judge } from './assertions.js';
import { Evaluator, type MonitorState } from './evaluator.js';
import type { MonitoringEvents } from './events.js';
import type { Monitor } from './types.js';
import type { Assertion, MonitorStatus } from '../../contracts/monitors.js';

/** A monitor as the pipeline runs it: config already parsed by its probe's schema. */
interface Active {
  id: string;
  orgId: string;
  probe?: ProbePlugin;
  config?: unknown;
  /** Why this monitor cannot run as stored (probe not loaded, config no longer valid). */
  problem?: ProbeProblem;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  assertions: Assertion[];
  paused: boolean;
  updatedAt: number;
}

/** One check as recorded: what POST …/check answers and the heartbeat stores. */
export interface CheckRecord {
  /** ISO time the check started. */
  at: string;
  /** The monitor's status after this check. */
  status: MonitorStatus;
  ok: boolean;
  /** Milliseconds the check took. */
  latencyMs: number;
  timings: Timings;
  error: ProbeProblem | null;
  warning: ProbeProblem | null;
  metadata: Record<string, unknown>;
}

export interface EngineDeps {
  probes: ProbeRegistry;
  runner: Runner;
  writer: HeartbeatWriter;
  events: MonitoringEvents;
  log: Logger;
  clock?: Clock;
  /** Checks of new, resumed or re-targeted monitors run at once, at most this many together (default 16; 0: they wait for their slot). */
  immediateChecks?: number;
  /** A scheduler other than the process-local heap (e.g. one sharing monitors across processes). */
  scheduler?: (run: (id: string, dueAt: number) => Promise<void>) => MonitorScheduler;
}

const reasonText = (p: ProbeProblem | null) => (p ? `${p.code}: ${p.message}` : null);

export class CheckEngine {
  readonly evaluator = new Evaluator();
  /** When probes actually started relative to their slot (milliseconds), queueing included. */
  readonly lateness = new Histogram();
  readonly scheduler: MonitorScheduler;
  readonly #active = new Map<string, Active>();
  readonly #clock: Clock;

  constructor(private readonly deps: EngineDeps) {
    this.#clock = deps.clock ?? systemClock;
    const run = (id: string, dueAt: number) => this.#runScheduled(id, dueAt);
    this.scheduler = deps.scheduler?.(run) ?? new HeapScheduler(run, { clock: this.#clock, immediateRuns: deps.immediateChecks });
  }

  get size(): number {
    return this.#active.size;
  }

  has(id: string): boolean {
    return this.#active.has(id);
  }

  /**
   * Adds or changes a monitor's definition. Its status is taken from `m` only when it is new here.
   * `checkNow`: also check it at once (new, resumed, re-targeted), then keep its slots.
   */
  upsert(m: Monitor, opts: { checkNow?: boolean } = {}): void {
    const active = this.#prepare(m);
    this.#active.set(m.id, active);
    this.evaluator.track(m.id, m.status, m.statusSince);
    this.scheduler.upsert({ id: m.id, intervalMs: active.intervalMs, paused: m.paused });
    if (opts.checkNow && !m.paused) this.scheduler.runSoon(m.id);
  }

  remove(id: string): void {
    this.#active.delete(id);
    this.evaluator.forget(id);
    this.scheduler.remove(id);
  }

  /** The live status, which may be ahead of the stored one by a flush. */
  stateOf(id: string): MonitorState | undefined {
    return this.evaluator.get(id);
  }

  /** A status set by people (pause, resume, maintenance), already stored by the caller. */
  setStatus(m: Monitor, status: MonitorStatus, at: Date, opts: { checkNow?: boolean } = {}): void {
    this.upsert(m, opts);
    const t = this.evaluator.set(m.id, status, at);
    if (t.changed) {
      this.deps.events.emit('monitor:status', { monitorId: m.id, orgId: m.orgId, status, previous: t.previous, since: at.toISOString(), reason: null });
    }
  }

  /**
   * Makes the active set match the stored monitors (changes made by other processes, org
   * deletions). Reads versions only; full rows just for monitors that are new or changed.
   */
  async reconcile(versions: ReadonlyArray<{ id: string; updatedAt: Date }>, load: (ids: string[]) => Promise<Monitor[]>): Promise<void> {
    const seen = new Set<string>();
    const changed: string[] = [];
    for (const v of versions) {
      seen.add(v.id);
      if (this.#active.get(v.id)?.updatedAt !== v.updatedAt.getTime()) changed.push(v.id);
    }
    for (const id of [...this.#active.keys()]) if (!seen.has(id)) this.remove(id);
    for (const m of changed.length ? await load(changed) : []) {
      const a = this.#active.get(m.id);
      if (a && a.paused !== m.paused) this.setStatus(m, m.status, m.statusSince);
      else this.upsert(m);
    }
  }

  /** Runs `m` now (the API's check), records it like a scheduled run and returns the record. */
  async check(m: Monitor): Promise<CheckRecord> {
    if (!this.#active.has(m.id)) this.upsert(m);
    const active = this.#prepare(m);
    const outcome = await this.#run(active);
    const record = this.#record(this.#active.get(m.id) ?? active, outcome);
    // Whoever asked reads the figures next (uptime, daily bars): they must hold this check. An
    // unreachable database keeps it queued; the writer's own ticks retry.
    await this.deps.writer.flush().catch(() => {});
    return record;
  }

  #prepare(m: Monitor): Active {
    const base = {
      id: m.id,
      orgId: m.orgId,
      intervalMs: m.intervalSeconds * 1000,
      timeoutMs: m.timeoutSeconds * 1000,
      retries: m.retries,
      assertions: m.assertions,
      paused: m.paused,
      updatedAt: m.updatedAt.getTime(),
    };
    const probe = this.deps.probes.get(m.probe);
    if (!probe) return { ...base, problem: { code: 'UNKNOWN_PROBE', message: `The ${m.probe} probe is not loaded on this server` } };
    let stored = m.config;
    try {
      stored = probe.upgradeConfig?.(m.config) ?? m.config;
    } catch (err) {
      this.deps.log.warn({ monitorId: m.id, probe: m.probe, err: (err as Error)?.message }, 'the probe could not upgrade a stored config');
    }
    const parsed = probe.configSchema.safeParse(stored);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      this.deps.log.warn({ monitorId: m.id, probe: m.probe, issue: issue.message }, 'stored monitor config no longer valid for its probe');
      return { ...base, probe, problem: { code: 'CONFIG_INVALID', message: `config.${issue.path.join('.')}: ${issue.message}` } };
    }
    return { ...base, probe, config: parsed.data };
  }

  async #run(a: Active): Promise<RunOutcome> {
    if (a.problem || !a.probe) {
      const p = a.problem ?? { code: 'UNKNOWN_PROBE', message: 'No probe' };
      return { result: fail(p.code, p.message, { total: 0 }), startedAt: this.#clock.now(), latencyMs: 0, queuedMs: 0 };
    }
    return this.deps.runner.run({ probe: a.probe, config: a.config, timeoutMs: a.timeoutMs });
  }

  async #runScheduled(id: string, dueAt: number): Promise<void> {
    const active = this.#active.get(id);
    if (!active) return;
    const outcome = await this.#run(active);
    this.lateness.record(outcome.startedAt - dueAt);
    const current = this.#active.get(id);
    if (!current) return; // deleted while it ran: nothing to record it against
    this.#record(current, outcome);
  }

  #record(a: Active, { result, startedAt, latencyMs: measured }: RunOutcome): CheckRecord {
    const at = new Date(startedAt);
    const latencyMs = result.timings.total ?? measured;
    const verdict = judge(result, latencyMs, a.assertions);
    const t = this.evaluator.evaluate(a.id, verdict, a.retries, at);
    const status = t.state.status;
    const intervalSeconds = a.intervalMs / 1000;
    this.deps.writer.enqueue(
      { monitorId: a.id, at, status, ok: verdict.ok, latencyMs, error: verdict.error ?? verdict.warning, timings: result.timings, metadata: result.metadata, intervalSeconds },
      t.changed ? { monitorId: a.id, status, since: t.state.since, reason: reasonText(t.reason) } : undefined,
    );
    const { events } = this.deps;
    events.emit('heartbeat', { monitorId: a.id, orgId: a.orgId, at: at.toISOString(), status, ok: verdict.ok, latencyMs, error: verdict.error, warning: verdict.warning, metadata: result.metadata, intervalSeconds });
    if (t.changed) {
      events.emit('monitor:status', { monitorId: a.id, orgId: a.orgId, status, previous: t.previous, since: t.state.since.toISOString(), reason: t.reason });
    }
    return {
      at: at.toISOString(),
      status,
      ok: verdict.ok,
      latencyMs,
      timings: result.timings,
      error: verdict.error ?? null,
      warning: verdict.warning ?? null,
      metadata: result.metadata,
    };
  }
}

/** The context every probe run gets: the policy-checked resolver, our User-Agent, the memory budget. */
export function probeContext(resolve: ProbeContext['resolve'], memory: ProbeContext['memory']): ProbeContext {
  return { resolve, userAgent: 'PingPage/0.1.0 (uptime monitor)', memory };
}
