/**
 * One send: an outbox row (or a test) → its channel or subscriber → a rendered message → the
 * notifier, under a timeout. A notifier that throws, hangs past its signal or answers garbage
 * gives a failed result with a clear code, never a stuck or crashed worker.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { systemResolve } from '../../plugins/sdk.js';
import type { Clock } from '../scheduler/clock.js';
import { channelById, type Channel } from './channels/store.js';
import { buildMessage } from './messages.js';
import type { OutboxRow } from './outbox.js';
import type { NotifierRegistry } from './registry.js';
import type { AlertMessage, NotifierContext, NotifierPlugin, SendResult } from './sdk.js';
import { pageById, subscriberById } from './subscribers/store.js';
import { CONFIRM_TTL_MS, makeToken } from './subscribers/tokens.js';

/** The operator's SMTP server for subscriber e-mail: the email notifier's config without `to`. */
export type SystemMail = Record<string, unknown>;

export interface SenderDeps {
  em: () => EntityManager;
  registry: NotifierRegistry;
  /** The outbound policy's resolver: every user-given target goes through it. */
  resolve: NotifierContext['resolve'];
  /** The resolver for what visitors gave (subscriber webhooks): the deny rules always (publicInputPolicy). */
  resolvePublic: NotifierContext['resolve'];
  clock: Clock;
  /** PUBLIC_URL without a trailing slash. */
  publicUrl: string;
  /** Signs subscriber links. */
  secret: string;
  /** Milliseconds one send may take. */
  timeoutMs: number;
  systemMail?: SystemMail;
  userAgent?: string;
}

export interface TimedResult extends SendResult {
  /** Milliseconds the send took. */
  durationMs: number;
}

const fail = (code: string, message: string, retryable = false): SendResult => ({ ok: false, error: { code, message }, retryable });

/** A notifier's answer as it must look; anything else is the plugin's fault, reported as such. */
function wellFormed(r: unknown): r is SendResult {
  if (!r || typeof r !== 'object' || typeof (r as SendResult).ok !== 'boolean') return false;
  const e = (r as SendResult).error;
  return e === undefined || (typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.message === 'string');
}

export class Sender {
  constructor(private readonly deps: SenderDeps) {}

  #context(secret: string | null | undefined, resolve = this.deps.resolve): NotifierContext {
    return {
      resolve,
      userAgent: this.deps.userAgent ?? 'PingPage/0.1.0 (alerts)',
      ...(secret ? { secret } : {}),
      now: () => this.deps.clock.now(),
    };
  }

  /** Runs a notifier under the timeout; never throws, never waits much past the signal. */
  async run(plugin: NotifierPlugin, ctx: NotifierContext, config: unknown, message: AlertMessage): Promise<TimedResult> {
    const started = performance.now();
    const signal = AbortSignal.timeout(this.deps.timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    let onAbort = () => {};
    // A plugin that ignores its signal still loses the race a second after it fired.
    const late = new Promise<SendResult>((resolve) => {
      onAbort = () => {
        timer = setTimeout(() => resolve(fail('TIMEOUT', 'The receiver did not answer in time', true)), 1_000);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    let result: SendResult;
    try {
      const answer = await Promise.race([plugin.send(ctx, config, message, signal), late]);
      result = wellFormed(answer) ? answer : fail('NOTIFIER_CRASHED', `The ${plugin.id} notifier returned something that is not a result`, true);
    } catch (err) {
      result = fail('NOTIFIER_CRASHED', `The ${plugin.id} notifier threw: ${(err as Error)?.message ?? String(err)}`, true);
    } finally {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(timer);
    }
    return { ...result, durationMs: Math.round(performance.now() - started) };
  }

  #parse(plugin: NotifierPlugin, config: unknown): { ok: true; config: unknown } | { ok: false; result: SendResult } {
    const parsed = (plugin.configSchema as z.ZodType).safeParse(config);
    if (parsed.success) return { ok: true, config: parsed.data };
    const issue = parsed.error.issues[0]!;
    return { ok: false, result: fail('CONFIG_INVALID', `config.${issue.path.join('.')}: ${issue.message}`) };
  }

  /** Sends `message` through `channel` now (the test button, and every channel delivery). */
  async toChannel(channel: Channel, message: AlertMessage): Promise<TimedResult> {
    const plugin = this.deps.registry.get(channel.notifier);
    if (!plugin) return { ...fail('UNKNOWN_NOTIFIER', `The ${channel.notifier} notifier is not loaded on this server`), durationMs: 0 };
    const parsed = this.#parse(plugin, channel.config);
    if (!parsed.ok) return { ...parsed.result, durationMs: 0 };
    return this.run(plugin, this.#context(plugin.signed ? channel.signingSecret : undefined), parsed.config, message);
  }

  /** Sends `message` to one address through the operator's SMTP server (subscribers, invitations). */
  async toAddress(email: string, message: AlertMessage): Promise<SendResult> {
    const plugin = this.deps.registry.get('email');
    if (!plugin || !this.deps.systemMail) return fail('EMAIL_NOT_CONFIGURED', 'This server has no SMTP settings for e-mail', true);
    const parsed = this.#parse(plugin, { ...this.deps.systemMail, to: [email] });
    if (!parsed.ok) return parsed.result;
    // The operator's own mail server: not a user-given target, so no outbound policy.
    return this.run(plugin, this.#context(undefined, systemResolve), parsed.config, message);
  }

  /** Delivers one claimed outbox row. */
  async deliver(row: OutboxRow): Promise<SendResult> {
    if (row.channelId) {
      const channel = await channelById(this.deps.em(), row.channelId);
      if (!channel) return fail('CHANNEL_DELETED', 'The channel was deleted before delivery');
      if (!channel.enabled) return fail('CHANNEL_DISABLED', 'The channel was turned off before delivery');
      const message = buildMessage({ id: row.id, orgId: row.orgId, facts: row.facts, template: channel.template, publicUrl: this.deps.publicUrl });
      return this.toChannel(channel, message);
    }
    if (row.subscriberId) return this.#toSubscriber(row, row.subscriberId);
    return fail('NO_TARGET', 'The delivery has neither a channel nor a subscriber');
  }

  async #toSubscriber(row: OutboxRow, subscriberId: string): Promise<SendResult> {
    const em = this.deps.em();
    const s = await subscriberById(em, subscriberId);
    if (!s) return fail('UNSUBSCRIBED', 'The subscriber is gone');
    const confirming = row.event === 'subscription.confirm';
    if (!confirming && !s.confirmedAt) return fail('NOT_CONFIRMED', 'The subscription was never confirmed');
    const page = await pageById(em, s.pageId);
    if (!page) return fail('PAGE_DELETED', 'The status page is gone');
    const base = `${this.deps.publicUrl}/status/${encodeURIComponent(page.slug)}/subscriptions`;
    const now = this.deps.clock.now();
    const facts = confirming
      ? {
          ...row.facts,
          confirmUrl: `${base}/confirm?token=${makeToken(this.deps.secret, 'confirm', s.id, Math.floor((now + CONFIRM_TTL_MS) / 1000))}`,
          ...(s.webhookUrl ? { signingSecret: s.secret } : {}),
        }
      : row.facts;
    const message = buildMessage({
      id: row.id,
      orgId: row.orgId,
      facts,
      publicUrl: this.deps.publicUrl,
      unsubscribeUrl: `${base}/unsubscribe?token=${makeToken(this.deps.secret, 'unsubscribe', s.id)}`,
    });
    if (s.email) return this.toAddress(s.email, message);
    const webhook = this.deps.registry.get('webhook');
    if (!webhook || !s.webhookUrl) return fail('UNKNOWN_NOTIFIER', 'The webhook notifier is not loaded on this server');
    const parsed = this.#parse(webhook, { url: s.webhookUrl });
    if (!parsed.ok) return parsed.result;
    return this.run(webhook, this.#context(s.secret, this.deps.resolvePublic), parsed.config, message);
  }
}
