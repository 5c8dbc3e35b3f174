import type { Middleware } from 'koa';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { SessionData } from './sessions.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origins a browser page of ours has: PUBLIC_URL's, plus loopback aliases when it was derived. */
export function allowedOrigins(config: Config): Set<string> {
  const url = new URL(config.PUBLIC_URL);
  const set = new Set([url.origin]);
  if (config.publicUrlDerived) {
    for (const host of ['localhost', '127.0.0.1', '[::1]']) set.add(`${url.protocol}//${host}${url.port ? ':' + url.port : ''}`);
  }
  return set;
}

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/**
 * State-changing requests that carry the session cookie must come from our own pages: a
 * matching Origin (or Referer), or, from a client that sends neither, the session's CSRF token.
 * API-key requests carry no ambient credential and are exempt.
 */
export function csrfGuard(config: Config): Middleware {
  const allowed = allowedOrigins(config);
  return async (ctx, next) => {
    if (SAFE.has(ctx.method) || ctx.get('authorization')) return next();
    const origin = ctx.get('origin') || (ctx.get('referer') ? originOf(ctx.get('referer')) ?? 'invalid' : '');
    if (origin) {
      if (!allowed.has(origin)) throw new AppError(403, 'CSRF_FAILED', 'Cross-site request refused');
    } else if (ctx.cookies.get('pp_session')) {
      const s = ctx.session as SessionData | null;
      if (s?.csrf && ctx.get('x-csrf-token') !== s.csrf) throw new AppError(403, 'CSRF_FAILED', 'Missing Origin or X-CSRF-Token');
    }
    await next();
  };
}
