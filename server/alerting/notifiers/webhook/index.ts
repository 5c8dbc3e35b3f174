/**
 * Generic webhook: a signed JSON POST. The body is `{id, event, at, monitor, status, reason, …}`;
 * `X-PingPage-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the channel's
 * secret and `X-PingPage-Timestamp` (Unix seconds) let the receiver check origin and freshness
 * (see verifySignature and server/alerting/README.md).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { defineNotifier, secret, type AlertMessage } from '../../sdk.js';
import { post } from '../shared/post.js';
import { receiverUrl } from '../shared/schema.js';

/** Headers the notifier sets itself: a config may not override them. */
const RESERVED = /^(host|content-length|content-type|user-agent|connection|transfer-encoding|x-pingpage-.*)$/i;

/** Header names are checked on the record, so a bad one is reported at its own path. */
function checkHeaderNames(headers: Record<string, string>, ctx: z.RefinementCtx): void {
  const names = Object.keys(headers);
  if (names.length > 10) ctx.addIssue({ code: 'custom', message: 'At most 10 headers', params: { code: 'TOO_MANY_HEADERS' } });
  for (const name of names) {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'Header names are letters, digits and dashes', params: { code: 'INVALID_HEADER_NAME' } });
    } else if (RESERVED.test(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'This header is set by PingPage', params: { code: 'RESERVED_HEADER' } });
    }
  }
}

const config = z.strictObject({
  url: receiverUrl.describe('URL that receives the JSON POST'),
  headers: z
    .record(z.string(), secret(z.string().max(1000).regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'No line breaks')))
    .superRefine(checkHeaderNames)
    .default({})
    .describe('Extra request headers, e.g. Authorization (values are secret)'),
});

/** The JSON a receiver gets (API.md): the facts, plus the rendered text for humans. */
export function webhookBody(m: AlertMessage): Record<string, unknown> {
  const { event, at, monitor, status, reason, ...rest } = m.facts;
  return {
    id: m.id,
    event,
    at,
    monitor: monitor ?? null,
    status: status ?? null,
    reason: reason ?? null,
    ...rest,
    title: m.title,
    text: m.text,
    ...(m.link ? { link: m.link } : {}),
    ...(m.unsubscribeUrl ? { unsubscribeUrl: m.unsubscribeUrl } : {}),
  };
}

export function signature(secret: string, timestamp: number | string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** Seconds a receiver should accept between our timestamp and its clock (replay window). */
export const REPLAY_WINDOW_SECONDS = 300;

/**
 * What a receiver does with a delivery: recompute the HMAC over "<timestamp>.<raw body>",
 * compare in constant time, and refuse timestamps outside the replay window. Deduping on the
 * body's `id` then covers retries of the same delivery.
 */
export function verifySignature(o: {
  secret: string;
  /** The raw request body, exactly as received. */
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  /** Epoch milliseconds of the receiver's clock. */
  now: number;
  toleranceSeconds?: number;
}): boolean {
  if (!o.timestamp || !o.signature || !/^\d{1,12}$/.test(o.timestamp)) return false;
  if (Math.abs(o.now / 1000 - Number(o.timestamp)) > (o.toleranceSeconds ?? REPLAY_WINDOW_SECONDS)) return false;
  const want = Buffer.from(signature(o.secret, o.timestamp, o.body));
  const got = Buffer.from(o.signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

export default defineNotifier({
  id: 'webhook',
  version: '1.0.0',
  apiVersion: 1,
  title: 'Webhook',
  description: 'POSTs signed JSON to a URL of yours (HMAC-SHA256 with a secret shown once at creation).',
  configSchema: config,
  signed: true,
  targets: (c) => [c.url],
  async send(ctx, c, message, signal) {
    const body = JSON.stringify(webhookBody(message));
    const timestamp = Math.floor(ctx.now() / 1000);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.headers)) headers[k.toLowerCase()] = v;
    headers['x-pingpage-event'] = message.event;
    headers['x-pingpage-delivery'] = message.id;
    headers['x-pingpage-timestamp'] = String(timestamp);
    if (ctx.secret) headers['x-pingpage-signature'] = signature(ctx.secret, timestamp, body);
    const { answer: _answer, ...result } = await post(ctx, { url: c.url, body, headers }, signal);
    return result;
  },
});

