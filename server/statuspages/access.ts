/**
 * Access to password-protected pages: after the right password, a cookie scoped to that page
 * by its name, its path and its signature (HMAC over the page id, the expiry and the current
 * password hash, so changing the password logs every visitor out). The page's live script gets a
 * short-lived token signed the same way for its Socket.IO subscription, since the cookie (path
 * `/status/<slug>`) does not travel to `/socket.io/`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long an unlocked page stays unlocked (seconds). */
export const ACCESS_MAX_AGE_S = 30 * 86_400;

/** How long a live token opens a subscription (seconds); the script asks for a new one at each (re)connect. */
export const LIVE_TOKEN_MAX_AGE_S = 300;

export const accessCookieName = (pageId: string) => `pp_sp_${pageId.replace(/-/g, '')}`;

type Purpose = 'status-page-access' | 'status-page-live';

function sign(purpose: Purpose, secret: string, pageId: string, expires: number, passwordHash: string): string {
  return createHmac('sha256', secret).update(`${purpose}|${pageId}|${expires}|${passwordHash}`).digest('base64url');
}

function signed(purpose: Purpose, maxAgeS: number, secret: string, pageId: string, passwordHash: string, nowMs: number): string {
  const expires = Math.floor(nowMs / 1000) + maxAgeS;
  return `${expires}.${sign(purpose, secret, pageId, expires, passwordHash)}`;
}

function valid(purpose: Purpose, secret: string, pageId: string, passwordHash: string, value: string | undefined, nowMs: number): boolean {
  if (!value) return false;
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return false;
  const expires = Number(m[1]);
  if (expires * 1000 <= nowMs) return false;
  const want = Buffer.from(sign(purpose, secret, pageId, expires, passwordHash));
  const got = Buffer.from(m[2]!);
  return want.length === got.length && timingSafeEqual(want, got);
}

export const accessCookieValue = (secret: string, pageId: string, passwordHash: string, nowMs: number) =>
  signed('status-page-access', ACCESS_MAX_AGE_S, secret, pageId, passwordHash, nowMs);

export const validAccess = (secret: string, pageId: string, passwordHash: string, value: string | undefined, nowMs: number) =>
  valid('status-page-access', secret, pageId, passwordHash, value, nowMs);

export const liveToken = (secret: string, pageId: string, passwordHash: string, nowMs: number) =>
  signed('status-page-live', LIVE_TOKEN_MAX_AGE_S, secret, pageId, passwordHash, nowMs);

export const validLiveToken = (secret: string, pageId: string, passwordHash: string, value: string | undefined, nowMs: number) =>
  valid('status-page-live', secret, pageId, passwordHash, value, nowMs);

/** One cookie's value from a Cookie header (for Socket.IO handshakes, which have no Koa context). */
export function cookieFrom(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
