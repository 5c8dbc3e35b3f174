/**
 * Notification channels for the API: tenancy, validation of config by the chosen notifier,
 * the outbound policy for every target, masked secrets, the audit log and the test send.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ProbeFailure } from '../../../plugins/sdk.js';
import { recordAudit, type Actor } from '../../auth/audit.js';
import { AppError, notFound } from '../../errors.js';
import { resolveTarget, targetHost, type Lookup, type OutboundPolicy } from '../../outbound/policy.js';
import { judgeConfig } from '../../plugin-config/parse.js';
import type { Clock } from '../../scheduler/clock.js';
import type { Sender, TimedResult } from '../deliver.js';
import type { ChannelJson, ChannelWithSecret, LastDelivery } from '../../../contracts/alerting.js';
import { buildMessage } from '../messages.js';
import { addToDefault, defaultChannelIds, removeFromDefault } from '../policies/store.js';
import type { NotifierRegistry } from '../registry.js';
import type { CreateChannelInput, PatchChannelInput } from '../../../contracts/alerting-requests.js';
import * as store from './store.js';

export type { Actor };

export interface ChannelServiceDeps {
  em: () => EntityManager;
  registry: NotifierRegistry;
  policy: OutboundPolicy;
  lookup?: Lookup;
  sender: Sender;
  clock: Clock;
  publicUrl: string;
}

const validationFailed = (details: unknown) => new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', details);
const newSecret = () => 'whsec_' + randomBytes(32).toString('base64url');

export class ChannelService {
  constructor(private readonly deps: ChannelServiceDeps) {}

  #json(c: store.Channel, usedForAllMonitors: boolean, last?: LastDelivery): ChannelJson {
    return {
      id: c.id,
      name: c.name,
      notifier: c.notifier,
      config: this.deps.registry.secrets.mask(c.notifier, c.config),
      template: c.template,
      enabled: c.enabled,
      signed: c.signingSecret !== null,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
      lastDelivery: last ?? null,
      usedForAllMonitors,
    };
  }

  /**
   * The notifier's schema judges the config once its secrets are settled against `stored` (paths
   * under `config.`); every target must pass the policy.
   */
  async #checkConfig(notifier: string, config: Record<string, unknown>, stored?: Record<string, unknown>): Promise<Record<string, unknown>> {
    const plugin = this.deps.registry.get(notifier);
    if (!plugin) {
      throw new AppError(400, 'UNKNOWN_NOTIFIER', `There is no notifier "${notifier}"`, [
        { path: 'notifier', code: 'unknown_notifier', message: `Known notifiers: ${this.deps.registry.ids().join(', ')}` },
      ]);
    }
    const parsed = judgeConfig(plugin.configSchema, this.deps.registry.secrets.edit(notifier, config, stored));
    for (const target of plugin.targets?.(parsed) ?? []) await this.#checkTarget(target);
    return parsed as Record<string, unknown>;
  }

  /** A refused address is refused now; a name that does not resolve yet is left to the send. */
  async #checkTarget(target: string): Promise<void> {
    try {
      await resolveTarget(this.deps.policy, targetHost(target), AbortSignal.timeout(5_000), this.deps.lookup);
    } catch (err) {
      if (err instanceof ProbeFailure && err.code === 'TARGET_FORBIDDEN') {
        throw new AppError(400, 'TARGET_FORBIDDEN', err.message, [{ path: 'config', code: 'target_forbidden', message: err.message }]);
      }
    }
  }

  async #find(em: EntityManager, orgId: string, id: string, forUpdate = false): Promise<store.Channel> {
    const c = await store.findChannel(em, orgId, id, forUpdate);
    if (!c) throw notFound('Notification channel');
    return c;
  }

  #audit(em: EntityManager, orgId: string, actor: Actor, action: string, c: store.Channel, details?: Record<string, unknown>) {
    return recordAudit(em, { orgId, principal: actor.principal, ip: actor.ip, action, target: c.id, details: { name: c.name, notifier: c.notifier, ...details } });
  }

  async list(orgId: string): Promise<ChannelJson[]> {
    const em = this.deps.em();
    const channels = await store.listChannels(em, orgId);
    const last = await store.lastDeliveries(em, channels.map((c) => c.id));
    const forAll = await defaultChannelIds(em, orgId);
    return channels.map((c) => this.#json(c, forAll.has(c.id), last.get(c.id)));
  }

  async get(orgId: string, id: string): Promise<ChannelJson> {
    return this.#withLast(await this.#find(this.deps.em(), orgId, id));
  }

  async #withLast(c: store.Channel): Promise<ChannelJson> {
    const em = this.deps.em();
    return this.#json(c, (await defaultChannelIds(em, c.orgId)).has(c.id), (await store.lastDeliveries(em, [c.id])).get(c.id));
  }

  /** Puts the channel in or out of the org's default policy, audited as the defaults' change. */
  async #useForAll(em: EntityManager, orgId: string, actor: Actor, c: store.Channel, use: boolean): Promise<void> {
    await (use ? addToDefault(em, orgId, c.id) : removeFromDefault(em, orgId, c.id));
    const channels = (await defaultChannelIds(em, orgId)).size;
    await recordAudit(em, { orgId, principal: actor.principal, ip: actor.ip, action: 'alert_defaults.updated', details: { channels, [use ? 'added' : 'removed']: c.name } });
  }

  async create(orgId: string, actor: Actor, input: CreateChannelInput): Promise<ChannelWithSecret> {
    const config = await this.#checkConfig(input.notifier, input.config);
    const signed = this.deps.registry.get(input.notifier)!.signed === true;
    const secret = signed ? newSecret() : null;
    const [c, forAll] = await this.deps.em().transactional(async (em) => {
      // One creation at a time per org, so exactly one channel is its first.
      // (A lock on a name, not a row: a function the query builder does not speak.)
      await em.execute('SELECT pg_advisory_xact_lock(hashtext(?))', [`channels:${orgId}`]);
      const first = (await store.listChannels(em, orgId)).length === 0;
      const created = await store.insertChannel(em, {
        id: randomUUID(),
        orgId,
        name: input.name,
        notifier: input.notifier,
        config,
        signingSecret: secret,
        template: input.template,
        enabled: input.enabled,
        createdBy: actor.principal?.kind === 'user' ? actor.principal.userId : null,
      });
      await this.#audit(em, orgId, actor, 'notification_channel.created', created);
      // The first channel serves every monitor unless told otherwise: otherwise it would alert nobody.
      const use = input.useForAllMonitors ?? first;
      if (use) await this.#useForAll(em, orgId, actor, created, true);
      return [created, use] as const;
    });
    return { ...this.#json(c, forAll), ...(secret ? { secret } : {}) };
  }

  async update(orgId: string, actor: Actor, id: string, patch: PatchChannelInput): Promise<ChannelWithSecret> {
    const current = await this.#find(this.deps.em(), orgId, id);
    const changes: store.ChannelChanges = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.template !== undefined) changes.template = patch.template;
    if (patch.enabled !== undefined) changes.enabled = patch.enabled;
    if (patch.config !== undefined) {
      changes.config = await this.#checkConfig(current.notifier, patch.config, current.config);
    }
    let secret: string | undefined;
    if (patch.rotateSecret) {
      if (!this.deps.registry.get(current.notifier)?.signed) {
        throw validationFailed([{ path: 'rotateSecret', code: 'not_signed', message: `The ${current.notifier} notifier does not sign its deliveries` }]);
      }
      changes.signingSecret = secret = newSecret();
    }
    const c = await this.deps.em().transactional(async (em) => {
      await this.#find(em, orgId, id, true);
      const updated = await store.updateChannel(em, orgId, id, changes);
      await this.#audit(em, orgId, actor, 'notification_channel.updated', updated, { fields: Object.keys(patch) });
      if (patch.useForAllMonitors !== undefined) await this.#useForAll(em, orgId, actor, updated, patch.useForAllMonitors);
      return updated;
    });
    return { ...(await this.#withLast(c)), ...(secret ? { secret } : {}) };
  }

  async remove(orgId: string, actor: Actor, id: string): Promise<void> {
    await this.deps.em().transactional(async (em) => {
      const current = await this.#find(em, orgId, id, true);
      await store.deleteChannel(em, orgId, id);
      await this.#audit(em, orgId, actor, 'notification_channel.deleted', current);
    });
  }

  /** Sends a test message now, outside the outbox, and answers how it went. */
  async test(orgId: string, id: string): Promise<TimedResult> {
    const c = await this.#find(this.deps.em(), orgId, id);
    const at = new Date(this.deps.clock.now()).toISOString();
    const message = buildMessage({ id: randomUUID(), orgId, facts: { event: 'test', at }, template: null, publicUrl: this.deps.publicUrl });
    return this.deps.sender.toChannel(c, message);
  }
}
