/**
 * Links in subscriber messages carry signed tokens, not stored ones: `<id>.<expires>.<hmac>`.
 * Confirmation links expire; unsubscribe links do not (expires 0), so every old e-mail keeps a
 * working one. Deleting the subscriber (unsubscribe) makes its tokens point at nothing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'confirm' | 'unsubscribe';

/** How long a confirmation link works (milliseconds). */
export const CONFIRM_TTL_MS = 7 * 86_400_000;

function mac(secret: string, purpose: TokenPurpose, id: string, expires: number): string {
  return createHmac('sha256', secret).update(`status-subscriber|${purpose}|${id}|${expires}`).digest('base64url');
}

/** `expires` in epoch seconds, 0 for never. */
export function makeToken(secret: string, purpose: TokenPurpose, subscriberId: string, expires = 0): string {
  return `${subscriberId}.${expires}.${mac(secret, purpose, subscriberId, expires)}`;
}

/** The subscriber id of a valid, unexpired token for `purpose`, else undefined. */
export function readToken(secret: string, purpose: TokenPurpose, token: unknown, nowMs: number): string | undefined {
  if (typeof token !== 'string') return undefined;
  const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const [, id, exp, sig] = m as unknown as [string, string, string, string];
  const expires = Number(exp);
  if (expires !== 0 && expires * 1000 <= nowMs) return undefined;
  const want = Buffer.from(mac(secret, purpose, id, expires));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got) ? id : undefined;
}
