/**
 * Monitor alerts: status changes and certificate facts in, outbox rows out. Each decision runs
 * in one transaction that locks the monitor's alert state, decides (decide.ts) and writes the
 * outbox rows, so a change is alerted at most once whichever process or retry sees it. Changes
 * of one monitor are handled in order in this process.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../log.js';
import type { Clock } from '../scheduler/clock.js';
import { certThreshold, decideCertificate, decideChange, decideSweep, type Outcome, type StateChange } from './decide.js';
import type { MaintenanceCheck } from './maintenance.js';
import { enqueueForChannels } from './outbox.js';
import { effectivePolicy } from './policies/store.js';
import type { AlertPolicy } from '../../contracts/alerting.js';
import { lockState, monitorFacts, parseReason, saveState, sweepCandidates, unseenChanges } from './states.js';

export interface MonitorAlertsDeps {
  em: () => EntityManager;
  clock: Clock;
  log: Logger;
  maintenance: MaintenanceCheck;
  /** Called after rows were queued (wakes the worker). */
  queued: () => void;
}

/** A certificate fact from a check: whole days until it expires (negative once expired). */
export interface CertificateFact {
  monitorId: string;
  orgId: string;
  daysLeft: number;
  /** Epoch ms of the check. */
  at: number;
}

/** How often the same certificate threshold is re-checked in the database at most (ms). */
const CERT_RECHECK_MS = 3_600_000;

export class MonitorAlerts {
  readonly #chains = new Map<string, Promise<unknown>>();
  readonly #certSeen = new Map<string, { threshold: number | null; at: number }>();

  constructor(private readonly deps: MonitorAlertsDeps) {}

  /** Runs `task` after the previous task of the same monitor (in this process). */
  #serial<T>(monitorId: string, task: () => Promise<T>): Promise<T> {
    const prev = this.#chains.get(monitorId) ?? Promise.resolve();
    const next = prev.then(task, task);
    const tail = next.catch(() => undefined);
    this.#chains.set(monitorId, tail);
    void tail.then(() => {
      if (this.#chains.get(monitorId) === tail) this.#chains.delete(monitorId);
    });
    return next;
  }

  /**
   * Decides under the monitor's lock and queues what the decision says. Answers the number of
   * outbox rows written.
   */
  async #decide(monitorId: string, orgId: string, decide: (em: EntityManager, policy: AlertPolicy) => Promise<Outcome | undefined>): Promise<number> {
    const now = this.deps.clock.now();
    const written = await this.deps.em().transactional(async (em) => {
      const { policy } = await effectivePolicy(em, orgId, monitorId);
      const outcome = await decide(em, policy);
      if (!outcome) return 0;
      await saveState(em, monitorId, outcome.state, now);
      if (outcome.alerts.length === 0) return 0;
      const facts = await monitorFacts(em, monitorId);
      const monitor = { id: monitorId, name: facts?.name ?? monitorId };
      let n = 0;
      for (const a of outcome.alerts) {
        n += await enqueueForChannels(em, { key: a.key, orgId, monitorId, facts: { ...a.facts, monitor } }, policy.channelIds, now);
      }
      return n;
    });
    if (written > 0) this.deps.queued();
    return written;
  }

  async #quiet(monitorId: string, status: string, at: number): Promise<boolean> {
    return status === 'maintenance' || (await this.deps.maintenance.isInMaintenance(monitorId, at));
  }

  /** A status change from the evaluator (or a replayed one): idempotent by (monitor, since, status). */
  onStateChange(change: StateChange): Promise<number> {
    return this.#serial(change.monitorId, () =>
      this.#decide(change.monitorId, change.orgId, async (em, policy) => {
        const state = await lockState(em, change.monitorId);
        if (!state) return undefined; // the monitor was deleted meanwhile
        const quiet = await this.#quiet(change.monitorId, change.status, Date.parse(change.since));
        return decideChange(state, change, policy, quiet);
      }),
    );
  }

  /**
   * A check reported its certificate's days left. Cheap when nothing changes: the database is
   * asked only when a new threshold is reached, or hourly while one is pending.
   */
  onCertificate(fact: CertificateFact): Promise<number> {
    const threshold = certThreshold(fact.daysLeft);
    const seen = this.#certSeen.get(fact.monitorId);
    if (seen && seen.threshold === threshold && fact.at - seen.at < CERT_RECHECK_MS) return Promise.resolve(0);
    this.#certSeen.set(fact.monitorId, { threshold, at: fact.at });
    return this.#serial(fact.monitorId, () =>
      this.#decide(fact.monitorId, fact.orgId, async (em, policy) => {
        const state = await lockState(em, fact.monitorId);
        if (!state) return undefined;
        const quiet = await this.#quiet(fact.monitorId, state.status, fact.at);
        return decideCertificate(state, fact.monitorId, fact.daysLeft, fact.at, policy, quiet);
      }),
    );
  }

  /** Reminders, the end of flapping, downs held back by maintenance. Answers rows written. */
  async sweep(limit = 500): Promise<number> {
    const now = this.deps.clock.now();
    const candidates = await sweepCandidates(this.deps.em(), now, limit);
    let written = 0;
    for (const c of candidates) {
      written += await this.#serial(c.monitorId, () =>
        this.#decide(c.monitorId, c.orgId, async (em, policy) => {
          const state = await lockState(em, c.monitorId);
          if (!state) return undefined;
          const quiet = await this.#quiet(c.monitorId, state.status, now);
          const facts = await monitorFacts(em, c.monitorId);
          return decideSweep(state, c.monitorId, policy, quiet, now, parseReason(facts?.reason ?? null));
        }),
      );
    }
    return written;
  }

  /** Replays stored status changes alerting never saw (lost events, a crash before the alert). */
  async catchUp(limit = 500): Promise<number> {
    const unseen = await unseenChanges(this.deps.em(), limit);
    let written = 0;
    for (const s of unseen) {
      written += await this.onStateChange({
        monitorId: s.monitorId,
        orgId: s.orgId,
        status: s.status,
        previous: s.seen ?? 'pending',
        since: s.since,
        reason: parseReason(s.reason),
      });
    }
    return written;
  }
}
