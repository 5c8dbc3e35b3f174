/**
 * Monitors for the API: tenancy (every query by org), validation of config by the chosen probe,
 * alert settings (kept by alerting, changed in the monitor's transaction), audit entries, and
 * telling the check engine about every change so it applies at once.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type Actor } from '../auth/audit.js';
import type { Orm } from '../db/orm.js';
import { AppError, notFound } from '../errors.js';
import { issueDetails } from '../http/errors.js';
import { plainError } from '../../contracts/messages.js';
import type { Logger } from '../log.js';
import { alwaysRefused, targetHost, type OutboundPolicy } from '../outbound/policy.js';
import { judgeConfig } from '../plugin-config/parse.js';
import type { ProbeRegistry } from '../probes/registry.js';
import { listHeartbeats } from '../results/heartbeats.js';
import { purgeMonitorHistory } from '../results/retention.js';
import { daily, uptime } from '../results/rollups.js';
import type { UptimeWindow } from '../../contracts/uptime.js';
import type { MonitorAlertSettings } from './alerts.js';
import type { CheckEngine, CheckRecord } from './engine.js';
import type { MonitoringEvents } from './events.js';
import { mergedLimits, monitorBodies, type CreateMonitorInput, type PatchMonitorInput } from '../../contracts/monitors-requests.js';
import * as store from './store.js';
import { monitorJson, type Monitor } from './types.js';
import type { z } from 'zod';
import { MonitorJson, MonitorWithAlerts } from '../../contracts/monitors.js';

export type { Actor };

export interface MonitorServiceDeps {
  orm: Orm;
  probes: ProbeRegistry;
  engine: CheckEngine;
  events: MonitoringEvents;
  log: Logger;
  /** The operator's outbound policy: targets it refuses whatever it says are refused when saved. */
  policy: OutboundPolicy;
  /** Alerting's, from main.ts; without it monitors carry no `alerts`. */
  alerts?: MonitorAlertSettings;
}

const validationFailed = (details: unknown) => new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', details);

export class MonitorService {
  /** The create and update bodies, with `alerts` as alerting validates it. */
  readonly bodies: ReturnType<typeof monitorBodies>;
  /** The schema of a monitor answer: with `alerts` when alerting keeps them (its policies are the contract's). */
  readonly answer: z.ZodType<MonitorJson, MonitorJson>;

  constructor(private readonly deps: MonitorServiceDeps) {
    this.bodies = monitorBodies(deps.alerts?.schema);
    this.answer = deps.alerts ? MonitorWithAlerts : MonitorJson;
  }

  #em(): EntityManager {
    return this.deps.orm.em.fork();
  }

  /**
   * The stored monitor with its live status (the stored one may trail by a flush), its alert
   * settings and its secrets masked: every answer and dashboard event is made here.
   */
  #json(m: Monitor, alerts: unknown): MonitorJson {
    const live = this.deps.engine.stateOf(m.id);
    const config = this.deps.probes.secrets.mask(m.probe, m.config);
    return monitorJson({ ...m, config, ...(live ? { status: live.status, statusSince: live.since } : {}) }, alerts);
  }

  /** The alert settings that apply to the monitor; undefined without alerting. */
  #alertsOf(em: EntityManager, m: Monitor): Promise<unknown> {
    return this.deps.alerts ? this.deps.alerts.of(em, m.orgId, m.id) : Promise.resolve(undefined);
  }

  /**
   * Applies a body's `alerts` (the schema admits the field only with alerting) in the caller's
   * transaction: settings of the monitor's own, null back to the org default, undefined unchanged.
   */
  #applyAlerts(em: EntityManager, m: Monitor, input: unknown, actor: Actor): Promise<unknown> {
    const alerts = this.deps.alerts;
    if (!alerts || input === undefined) return this.#alertsOf(em, m);
    return input === null ? alerts.reset(em, m.orgId, m.id, actor) : alerts.set(em, m.orgId, m.id, input, actor);
  }

  async #find(em: EntityManager, orgId: string, id: string, forUpdate = false): Promise<Monitor> {
    const m = await store.findMonitor(em, orgId, id, forUpdate);
    if (!m) throw notFound('Monitor');
    return m;
  }

  /**
   * The config to store: its secrets settled against `stored` (masked ones kept while the target
   * stays), judged by the probe's own schema (paths under `config.`), targets no policy allows refused.
   */
  #settleConfig(probeId: string, config: Record<string, unknown>, stored?: Record<string, unknown>): Record<string, unknown> {
    const probe = this.deps.probes.get(probeId);
    if (!probe) {
      throw new AppError(400, 'UNKNOWN_PROBE', `There is no probe "${probeId}"`, [
        { path: 'probe', code: 'unknown_probe', message: `Known probes: ${this.deps.probes.ids().join(', ')}` },
      ]);
    }
    const edit = this.deps.probes.secrets.edit(probeId, config, stored);
    const parsed = judgeConfig(probe.configSchema, edit) as Record<string, unknown>;
    for (const target of this.deps.probes.targets(probeId, parsed)) {
      const refusal = alwaysRefused(this.deps.policy, target);
      if (!refusal) continue;
      const host = targetHost(target);
      const key = Object.keys(config).find((k) => config[k] === target || String(config[k]).replace(/^\[(.*)\]$/, '$1') === host);
      throw new AppError(400, 'TARGET_FORBIDDEN', refusal, [{ path: key ? `config.${key}` : 'config', code: 'target_forbidden', message: refusal }]);
    }
    return edit.config;
  }

  #audit(em: EntityManager, orgId: string, actor: Actor, action: string, m: Monitor, details?: Record<string, unknown>) {
    return recordAudit(em, { orgId, principal: actor.principal, ip: actor.ip, action, target: m.id, details: { name: m.name, ...details } });
  }

  async list(orgId: string): Promise<MonitorJson[]> {
    const em = this.#em();
    const monitors = await store.listMonitors(em, orgId);
    const alerts = await this.deps.alerts?.forMonitors(em, orgId, monitors.map((m) => m.id));
    return monitors.map((m) => this.#json(m, alerts?.get(m.id)));
  }

  async get(orgId: string, id: string): Promise<MonitorJson> {
    const em = this.#em();
    const m = await this.#find(em, orgId, id);
    return this.#json(m, await this.#alertsOf(em, m));
  }

  async create(orgId: string, actor: Actor, input: CreateMonitorInput): Promise<MonitorJson> {
    const config = this.#settleConfig(input.probe, input.config);
    const { alerts: alertsInput, ...fields } = { ...input, config };
    const [m, alerts] = await this.#em().transactional(async (em) => {
      const created = await store.insertMonitor(em, {
        ...fields,
        id: randomUUID(),
        orgId,
        createdBy: actor.principal?.kind === 'user' ? actor.principal.userId : null,
      });
      await this.#audit(em, orgId, actor, 'monitor.created', created, { probe: created.probe });
      // Refused channels roll the monitor back with them.
      return [created, await this.#applyAlerts(em, created, alertsInput, actor)] as const;
    });
    this.deps.engine.upsert(m, { checkNow: true });
    return this.#announce(m, alerts);
  }

  async update(orgId: string, actor: Actor, id: string, input: PatchMonitorInput): Promise<MonitorJson> {
    const { alerts: alertsInput, ...patch } = input;
    let retargeted = false;
    const [m, alerts] = await this.#em().transactional(async (em) => {
      const current = await this.#find(em, orgId, id, true);
      if (patch.probe !== undefined || patch.config !== undefined) {
        if (patch.probe !== undefined && patch.probe !== current.probe && patch.config === undefined) {
          throw validationFailed([{ path: 'config', code: 'required', message: 'A new probe needs its config' }]);
        }
        const probe = patch.probe ?? current.probe;
        // Secrets carry over within the same probe only.
        patch.config = this.#settleConfig(probe, patch.config ?? current.config, probe === current.probe ? current.config : undefined);
      }
      const limits = mergedLimits.safeParse({ ...current, ...patch }, { error: plainError });
      if (!limits.success) throw validationFailed(issueDetails(limits.error));
      const updated = (await store.updateMonitor(em, orgId, id, patch))!;
      retargeted = updated.probe !== current.probe || !isDeepStrictEqual(updated.config, current.config);
      await this.#audit(em, orgId, actor, 'monitor.updated', updated, { fields: Object.keys(input) });
      return [updated, await this.#applyAlerts(em, updated, alertsInput, actor)] as const;
    });
    // A new target is checked at once: the old status says nothing about it.
    this.deps.engine.upsert(m, { checkNow: retargeted });
    return this.#announce(m, alerts);
  }

  async remove(orgId: string, actor: Actor, id: string): Promise<void> {
    const m = await this.#em().transactional(async (em) => {
      const current = await this.#find(em, orgId, id, true);
      await store.deleteMonitor(em, orgId, id);
      await this.#audit(em, orgId, actor, 'monitor.deleted', current);
      return current;
    });
    this.deps.engine.remove(id);
    this.deps.events.emit('monitor:delete', { orgId, monitorId: id });
    purgeMonitorHistory(this.deps.orm, id).catch((err: unknown) =>
      this.deps.log.warn({ err: (err as Error).message, monitorId: m.id }, 'could not purge a deleted monitor\'s history; retention will'),
    );
  }

  pause(orgId: string, actor: Actor, id: string): Promise<MonitorJson> {
    return this.#setPaused(orgId, actor, id, true);
  }

  resume(orgId: string, actor: Actor, id: string): Promise<MonitorJson> {
    return this.#setPaused(orgId, actor, id, false);
  }

  async #setPaused(orgId: string, actor: Actor, id: string, paused: boolean): Promise<MonitorJson> {
    const since = new Date();
    const status = paused ? 'paused' : 'pending';
    const changed = await this.#em().transactional(async (em) => {
      const current = await this.#find(em, orgId, id, true);
      if (current.paused === paused) return undefined;
      const updated = (await store.setPaused(em, orgId, id, paused, status, since))!;
      await this.#audit(em, orgId, actor, paused ? 'monitor.paused' : 'monitor.resumed', updated);
      return [updated, await this.#alertsOf(em, updated)] as const;
    });
    if (!changed) return this.get(orgId, id);
    const [m, alerts] = changed;
    this.deps.engine.setStatus(m, status, since, { checkNow: !paused });
    return this.#announce(m, alerts);
  }

  /** Runs the probe now, records the result like a scheduled run, and returns it. */
  async check(orgId: string, id: string): Promise<CheckRecord> {
    return this.deps.engine.check(await this.#find(this.#em(), orgId, id));
  }

  async heartbeats(orgId: string, id: string, q: { from?: Date; to?: Date; limit: number }) {
    const em = this.#em();
    await this.#find(em, orgId, id);
    return listHeartbeats(em, id, q);
  }

  async uptime(orgId: string, id: string, windows: readonly UptimeWindow[]) {
    const em = this.#em();
    await this.#find(em, orgId, id);
    return uptime(em, id, windows);
  }

  async daily(orgId: string, id: string, days: number) {
    const em = this.#em();
    await this.#find(em, orgId, id);
    return daily(em, id, days);
  }

  #announce(m: Monitor, alerts: unknown): MonitorJson {
    const json = this.#json(m, alerts);
    this.deps.events.emit('monitor:upsert', { orgId: m.orgId, monitor: json });
    return json;
  }
}
