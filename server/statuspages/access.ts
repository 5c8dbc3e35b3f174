/**
 * Access to password-protected pages: after the right password, a cookie scoped to that page
 * by its name and its signature (HMAC over the page id, the expiry and the current password
 * hash, so changing the password logs every visitor out).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long an unlocked page stays unlocked (seconds). */
export const ACCESS_MAX_AGE_S = 30 * 86_400;

export const accessCookieName = (pageId: string) => `pp_sp_${pageId.replace(/-/g, '')}`;

function sign(secret: string, pageId: string, expires: number, passwordHash: string): string {
  return createHmac('sha256', secret).update(`status-page-access|${pageId}|${expires}|${passwordHash}`).digest('base64url');
}

export function accessCookieValue(secret: string, pageId: string, passwordHash: string, nowMs: number): string {
  const expires = Math.floor(nowMs / 1000) + ACCESS_MAX_AGE_S;
  return `${expires}.${sign(secret, pageId, expires, passwordHash)}`;
}

export function validAccess(secret: string, pageId: string, passwordHash: string, value: string | undefined, nowMs: number): boolean {
  if (!value) return false;
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return false;
  const expires = Number(m[1]);
  if (expires * 1000 <= nowMs) return false;
  const want = Buffer.from(sign(secret, pageId, expires, passwordHash));
  const got = Buffer.from(m[2]!);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** One cookie's value from a Cookie header (for Socket.IO handshakes, which have no Koa context). */
export function cookieFrom(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
