/**
 * Status-page subscriptions: sign-up with double opt-in (e-mail, or a webhook that must follow
 * the link it is sent), confirmation, unsubscription. A sign-up never tells whether the address
 * was already subscribed, and a pending one is re-sent at most every RESEND_MS.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ProbeFailure } from '../../../plugins/sdk.js';
import type { SubscribeInput } from '../../../contracts/alerting-requests.js';
import { AppError, notFound } from '../../errors.js';
import { resolveTarget, type Lookup, type OutboundPolicy } from '../../outbound/policy.js';
import type { Clock } from '../../scheduler/clock.js';
import { enqueueForSubscribers } from '../outbox.js';
import * as store from './store.js';
import { readToken } from './tokens.js';

/** A pending subscription's confirmation is sent again at most this often (milliseconds). */
export const RESEND_MS = 10 * 60_000;

export interface SubscriberServiceDeps {
  em: () => EntityManager;
  clock: Clock;
  /** publicInputPolicy(): a visitor's URL meets the deny rules, whatever the operator allows members. */
  policy: OutboundPolicy;
  lookup?: Lookup;
  /** Signs the links. */
  secret: string;
  publicUrl: string;
  /** The server can send subscriber e-mail (SMTP configured). */
  mail: boolean;
  queued: () => void;
}

export type LinkOutcome = { ok: true; page: store.PageFacts; pageUrl: string } | { ok: false };

export class SubscriberService {
  constructor(private readonly deps: SubscriberServiceDeps) {}

  /** POST …/subscribers: answers nothing (202) whether new, pending or already confirmed. */
  async subscribe(slug: string, input: SubscribeInput): Promise<void> {
    const em = this.deps.em();
    const page = await store.pageBySlug(em, slug);
    if (!page) throw notFound('Status page');
    if (page.protected) throw new AppError(403, 'SUBSCRIPTIONS_CLOSED', 'This status page is private and takes no subscribers');
    const foreign = new Set(await store.foreignComponents(em, page.id, input.componentIds));
    if (foreign.size) {
      throw new AppError(
        400,
        'VALIDATION_FAILED',
        'The request is not valid',
        input.componentIds.flatMap((id, i) => (foreign.has(id) ? [{ path: `componentIds.${i}`, code: 'unknown_component', message: 'No such component on this page' }] : [])),
      );
    }
    if (input.email && !this.deps.mail) throw new AppError(400, 'EMAIL_UNAVAILABLE', 'This server cannot send e-mail; subscribe with a webhook');
    if (input.webhookUrl) await this.#checkTarget(input.webhookUrl);
    const email = input.email?.toLowerCase();
    const componentIds = [...new Set(input.componentIds)];
    const now = this.deps.clock.now();
    const written = await em.transactional(async (tx) => {
      let s = await store.findByAddress(tx, page.id, { email, webhookUrl: input.webhookUrl });
      s ??= await store.insertSubscriber(
        tx,
        { id: randomUUID(), pageId: page.id, email: email ?? null, webhookUrl: input.webhookUrl ?? null, componentIds, secret: 'whsec_' + randomBytes(32).toString('base64url') },
        now,
      );
      if (s.confirmedAt) return 0; // already subscribed: changing what it follows needs its own confirmation flow
      if (s.confirmSentAt && now - s.confirmSentAt.getTime() < RESEND_MS) return 0;
      const n = await store.noteConfirmationSent(tx, s.id, componentIds, now);
      return enqueueForSubscribers(
        tx,
        {
          key: `confirm:${s.id}:${n}`,
          orgId: page.orgId,
          facts: { event: 'subscription.confirm', at: new Date(now).toISOString(), page: { slug: page.slug, title: page.title, url: this.#pageUrl(page.slug) } },
        },
        [s.id],
        now,
      );
    });
    if (written > 0) this.deps.queued();
  }

  /** Refused now when it resolves to a refused address; every delivery checks again (the name may move). */
  async #checkTarget(url: string): Promise<void> {
    try {
      await resolveTarget(this.deps.policy, new URL(url).hostname, AbortSignal.timeout(5_000), this.deps.lookup);
    } catch (err) {
      if (err instanceof ProbeFailure && err.code === 'TARGET_FORBIDDEN') {
        throw new AppError(400, 'TARGET_FORBIDDEN', err.message, [{ path: 'webhookUrl', code: 'target_forbidden', message: err.message }]);
      }
    }
  }

  #pageUrl(slug: string): string {
    return `${this.deps.publicUrl}/status/${encodeURIComponent(slug)}`;
  }

  /** The subscriber a link's token names on the page `slug`, if it is valid. */
  async #fromToken(slug: string, purpose: 'confirm' | 'unsubscribe', token: unknown): Promise<{ s: store.Subscriber; page: store.PageFacts } | undefined> {
    const id = readToken(this.deps.secret, purpose, token, this.deps.clock.now());
    if (!id) return undefined;
    const em = this.deps.em();
    const s = await store.subscriberById(em, id);
    if (!s) return undefined;
    const page = await store.pageById(em, s.pageId);
    return page && page.slug === slug ? { s, page } : undefined;
  }

  /** The confirm link was opened: is it valid? (GET shows a button; nothing changes yet.) */
  async checkLink(slug: string, purpose: 'confirm' | 'unsubscribe', token: unknown): Promise<LinkOutcome> {
    const found = await this.#fromToken(slug, purpose, token);
    return found ? { ok: true, page: found.page, pageUrl: this.#pageUrl(found.page.slug) } : { ok: false };
  }

  async confirm(slug: string, token: unknown): Promise<LinkOutcome> {
    const found = await this.#fromToken(slug, 'confirm', token);
    if (!found) return { ok: false };
    await store.confirmSubscriber(this.deps.em(), found.s.id, this.deps.clock.now());
    return { ok: true, page: found.page, pageUrl: this.#pageUrl(found.page.slug) };
  }

  async unsubscribe(slug: string, token: unknown): Promise<LinkOutcome> {
    const found = await this.#fromToken(slug, 'unsubscribe', token);
    if (!found) return { ok: false };
    await store.deleteSubscriber(this.deps.em(), found.s.id);
    return { ok: true, page: found.page, pageUrl: this.#pageUrl(found.page.slug) };
  }
}
