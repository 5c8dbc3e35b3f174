/**
 * The public side of subscriptions, served at the root (no session, no API key):
 *   POST /api/v1/public/status-pages/:slug/subscribers   {email} | {webhookUrl}, componentIds?  → 202
 *   GET  /status/:slug/subscriptions/confirm?token=…       a page with a "Confirm" button
 *   POST /status/:slug/subscriptions/confirm?token=…       confirms
 *   GET  /status/:slug/subscriptions/unsubscribe?token=…   a page with an "Unsubscribe" button
 *   POST /status/:slug/subscriptions/unsubscribe?token=…   unsubscribes (also RFC 8058 one-click)
 * Links only show a button: mail scanners fetch every link in a message, and must neither
 * confirm a subscription nobody asked for nor end one. The router reads its own small JSON
 * body, so it works mounted before or after the app's body parser. The status page's own form
 * (POST /status/:slug/subscriptions, rendered by the status pages) signs up through the same
 * SignUps: one per-IP limit, one schema.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { FailureLimiter } from '../../auth/limiter.js';
import { AppError } from '../../errors.js';
import { parse } from '../../http/body.js';
import { defineRoute, pathText } from '../../http/routes.js';
import { Slug, SubscribeAnswer } from '../../../contracts/status-page.js';
import { subscriptionHtml, SUBSCRIPTION_CSP } from './html.js';
import { subscribeBody } from '../../../contracts/alerting-requests.js';
import type { LinkOutcome, SubscriberService } from './service.js';

/** Sign-ups per IP address per window. */
export const SIGNUPS_PER_IP = 10;
const SIGNUP_WINDOW_MS = 60 * 60_000;
const BODY_LIMIT = 8 * 1024;

/**
 * The sign-up, declared for the OpenAPI document only (`served: 'ahead'`): `subscriberRoutes`
 * below serves it from alerting's `publicRouter`, mounted before sessions and the JSON parser, so
 * the attempt is counted before its body is read.
 */
export const subscribeRoute = defineRoute()({
  served: 'ahead',
  method: 'post',
  path: '/public/status-pages/:slug/subscribers',
  tag: 'Public',
  auth: 'none',
  summary: 'Subscribe by email or webhook; a confirmation is sent',
  description:
    `Either \`email\` or \`webhookUrl\`, and optionally the components to follow (none: the whole page). Every attempt counts, valid or not: ${SIGNUPS_PER_IP} an hour per address, then 429 RATE_LIMITED with Retry-After. ` +
    'The answer is the same whether the address is new, waiting for its confirmation or already subscribed. A page with a password takes no subscribers (403 SUBSCRIPTIONS_CLOSED); without SMTP, only webhooks (400 EMAIL_UNAVAILABLE).',
  params: { slug: pathText(Slug, "The status page's slug") },
  body: subscribeBody,
  responses: { 202: SubscribeAnswer },
  errors: [403, 415, 429],
});

async function jsonOf(ctx: Koa.Context): Promise<unknown> {
  if (ctx.request.body !== undefined) return ctx.request.body;
  if (ctx.req.readableEnded) return undefined;
  if (!ctx.is('application/json')) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send JSON with Content-Type: application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new AppError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${BODY_LIMIT} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError(400, 'INVALID_JSON', 'The request body is not valid JSON');
  }
}

/** Drains a form body we do not need (RFC 8058 sends "List-Unsubscribe=One-Click"). */
async function discardBody(ctx: Koa.Context): Promise<void> {
  if (ctx.req.readableEnded) return;
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) if ((size += chunk.length) > BODY_LIMIT) break;
}

/** Sign-ups from any door (the JSON API, the status page's form): rate-limited per IP, validated, queued. */
export class SignUps {
  readonly #perIp: FailureLimiter;

  constructor(
    private readonly service: SubscriberService,
    now?: () => number,
  ) {
    this.#perIp = new FailureLimiter(SIGNUPS_PER_IP, SIGNUP_WINDOW_MS, 100_000, now);
  }

  /** `read` gives the body once the address is let in; throws AppError (429, 400, 403, 404) when refused. */
  async signUp(slug: string, ip: string, read: () => Promise<unknown>): Promise<void> {
    const wait = this.#perIp.blockedFor(ip);
    if (wait > 0) throw new AppError(429, 'RATE_LIMITED', 'Too many sign-ups from this address; try again later', undefined, { 'Retry-After': String(wait) });
    this.#perIp.fail(ip); // every attempt counts, valid or not
    await this.service.subscribe(slug, parse(subscribeBody, await read()));
  }
}

export function subscriberRoutes(service: SubscriberService, signUps: SignUps): Router {
  const r = new Router();

  const html = (ctx: Koa.Context, status: number, body: string) => {
    ctx.status = status;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set({ 'Content-Security-Policy': SUBSCRIPTION_CSP, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    ctx.body = body;
  };
  const invalid = (ctx: Koa.Context) =>
    html(ctx, 404, subscriptionHtml({ title: 'Link not valid', message: 'This link is not valid any more. Subscribe again from the status page if you need to.' }));
  const action = (ctx: Koa.Context) => ctx.path + '?token=' + encodeURIComponent(String(ctx.query.token ?? ''));

  r.post('/api/v1/public/status-pages/:slug/subscribers', async (ctx) => {
    await signUps.signUp(ctx.params.slug!, ctx.ip || 'unknown', () => jsonOf(ctx as unknown as Koa.Context));
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 202;
    ctx.body = { status: 'confirmation_sent' } satisfies SubscribeAnswer;
  });

  const show = (ctx: Koa.Context, o: LinkOutcome, title: string, message: string, label: string) =>
    o.ok ? html(ctx, 200, subscriptionHtml({ title, message, form: { action: action(ctx), label }, pageUrl: o.pageUrl })) : invalid(ctx);

  r.get('/status/:slug/subscriptions/confirm', async (ctx) => {
    const o = await service.checkLink(ctx.params.slug!, 'confirm', ctx.query.token);
    show(ctx as unknown as Koa.Context, o, o.ok ? `Subscribe to ${o.page.title}` : '', 'Confirm that you want to get updates from this status page.', 'Confirm subscription');
  });
  r.post('/status/:slug/subscriptions/confirm', async (ctx) => {
    await discardBody(ctx as unknown as Koa.Context);
    const o = await service.confirm(ctx.params.slug!, ctx.query.token);
    if (!o.ok) return invalid(ctx as unknown as Koa.Context);
    html(ctx as unknown as Koa.Context, 200, subscriptionHtml({ title: 'Subscribed', message: `You will get updates from ${o.page.title}. Every message has a link to unsubscribe.`, pageUrl: o.pageUrl }));
  });
  r.get('/status/:slug/subscriptions/unsubscribe', async (ctx) => {
    const o = await service.checkLink(ctx.params.slug!, 'unsubscribe', ctx.query.token);
    show(ctx as unknown as Koa.Context, o, o.ok ? `Unsubscribe from ${o.page.title}` : '', 'You will get no more updates from this status page.', 'Unsubscribe');
  });
  r.post('/status/:slug/subscriptions/unsubscribe', async (ctx) => {
    await discardBody(ctx as unknown as Koa.Context);
    const o = await service.unsubscribe(ctx.params.slug!, ctx.query.token);
    // Unsubscribing twice is not an error: the outcome the visitor wanted holds either way.
    html(ctx as unknown as Koa.Context, 200, subscriptionHtml({ title: 'Unsubscribed', message: 'You will get no more updates from this status page.', ...(o.ok ? { pageUrl: o.pageUrl } : {}) }));
  });
  return r;
}
