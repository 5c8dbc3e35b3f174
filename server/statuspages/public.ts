/**
 * What visitors reach: /status/:slug (and its incident pages, feeds, badges, theme), the JSON at
 * /api/v1/public/status-pages/:slug, and the same page on its custom domain at `/`. Every answer
 * comes from the snapshot store's memory; only a password guess touches the database (its count).
 */
import { createHash } from 'node:crypto';
import type Koa from 'koa';
import { addressKey, LIMITS, type PasswordAttempts } from '../auth/attempts.js';
import { verifyPassword } from '../auth/passwords.js';
import { AppError } from '../errors.js';
import { formatPercent, uptimeLevel, type UptimeLevel } from '../../contracts/uptime.js';
import { PublicPage, Slug } from '../../contracts/status-page.js';
import { defineRoute, pathText } from '../http/routes.js';
import { ACCESS_MAX_AGE_S, accessCookieName, accessCookieValue } from './access.js';
import { readForm, refuseCrossSite } from './forms.js';
import { atomFeed, rssFeed } from './render/feeds.js';
import { badgeSvg, type BADGE_COLORS } from './render/badge.js';
import { sanitizeCss } from './render/css.js';
import { ICON_PATH, SCRIPT_PATH, STATUS_ICON, type Frame } from './render/layout.js';
import { logoSrc } from '../../contracts/status-page-requests.js';
import { incidentPageHtml, notFoundHtml, passwordPageHtml, statusPageHtml } from './render/page.js';
import { STATUS_CSS } from './render/stylesheet.js';
import type { PageView, Rendered, SnapshotStore } from './store.js';
import { subscribeForm, type Subscriptions } from './subscribe.js';
import type { ComponentStatus } from '../../contracts/vocab.js';

const HTML = 'text/html; charset=utf-8';
const CSS_VERSION = createHash('sha1').update(STATUS_CSS).digest('hex').slice(0, 10);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The public pages' CSP: no inline script or style; images from here, data: and the logo's origin. */
export function publicCsp(view: PageView | undefined): string {
  const logo = logoSrc(view?.record.logoUrl ?? null);
  const logoOrigin = logo && /^https?:/.test(logo) ? ' ' + new URL(logo).origin : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${logoOrigin}`,
    "connect-src 'self'",
    "font-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export interface PublicOptions {
  store: SnapshotStore;
  /** The dashboard's URL (PUBLIC_URL): absolute links in feeds of pages without a custom domain. */
  publicUrl: string;
  /** Epoch ms; the store's clock. */
  now: () => number;
  secret: string;
  /** Password guesses, counted before bcrypt (shared with every server process). */
  attempts: PasswordAttempts;
  /** URL of the built live script (default /assets/status.js). */
  scriptUrl?: string;
  /** Subscribers (alerting): public pages then offer "Subscribe to updates". */
  subscriptions?: Subscriptions;
}

const BADGE: Record<ComponentStatus, [string, keyof typeof BADGE_COLORS]> = {
  operational: ['operational', 'green'],
  degraded_performance: ['degraded', 'yellow'],
  partial_outage: ['partial outage', 'orange'],
  major_outage: ['major outage', 'red'],
  under_maintenance: ['maintenance', 'blue'],
};

const LEVEL_COLOR: Record<UptimeLevel, keyof typeof BADGE_COLORS> = { good: 'green', fair: 'yellow', poor: 'orange', bad: 'red' };

/**
 * The page's JSON, declared for the OpenAPI document only (`served: 'ahead'`): `publicStatusPages`
 * below answers it ahead of sessions and the body parser, and the fast path (fast.ts) ahead of
 * Koa for pages without a password. Both read memory only: the hot path of a bad day.
 */
export const publicPageRoute = defineRoute()({
  served: 'ahead',
  method: 'get',
  path: '/public/status-pages/:slug',
  tag: 'Public',
  auth: 'none',
  summary: 'A public status page as JSON',
  description:
    'From memory, never the database. Cacheable for 10 s with an ETag (304 on If-None-Match); pages without a password allow any origin (Access-Control-Allow-Origin: *). A page with a password answers 401 PASSWORD_REQUIRED until its unlock form has set the access cookie. On a custom domain only that page answers.',
  params: { slug: pathText(Slug, "The status page's slug") },
  responses: { 200: PublicPage },
  errors: [401],
});

/**
 * Mount before the JSON body parser and the session middleware: visitors then cost no session
 * lookup, and the password form's urlencoded POST reaches this handler.
 */
export function publicStatusPages(o: PublicOptions): Koa.Middleware {
  const { store } = o;

  return async (ctx, next) => {
    const domainView = store.viewByHost(ctx.host); // X-Forwarded-Host only from a proxy TRUST_PROXY trusts
    const path = ctx.path;

    if (path === '/status/_/status.css') return sendStatic(ctx, STATUS_CSS, 'text/css; charset=utf-8');
    if (path === ICON_PATH) return sendStatic(ctx, STATUS_ICON, 'image/svg+xml');

    let view: PageView | undefined;
    let base: string;
    let rest: string;
    const onStatusPath = /^\/status\/([^/]+)(\/.*)?$/.exec(path);
    const json = /^\/api\/v1\/public\/status-pages\/([^/]+)$/.exec(path);
    if (json) {
      view = store.viewBySlug(decode(json[1]!));
      if (domainView && view !== domainView) view = undefined; // another page never answers on this domain
      if (!view) throw new AppError(404, 'NOT_FOUND', 'Status page not found');
      return serve(ctx, view, domainView ? '' : `/status/${view.record.slug}`, '/.json');
    }
    if (onStatusPath) {
      view = store.viewBySlug(decode(onStatusPath[1]!));
      if (domainView && view !== domainView) view = undefined;
      base = view ? `/status/${view.record.slug}` : '';
      rest = onStatusPath[2] ?? '';
      if (!view) return notFound(ctx, undefined);
    } else if (domainView) {
      view = domainView;
      base = '';
      rest = path === '/' ? '' : path;
      if (!isPagePath(rest)) return next();
    } else return next();
    return serve(ctx, view, base, rest.replace(/\/$/, ''));
  };

  async function serve(ctx: Koa.Context, view: PageView, base: string, rest: string): Promise<void> {
    const record = view.record;
    const isProtected = record.passwordHash !== null;
    const unlocked = !isProtected || store.unlocked(view, ctx.cookies.get(accessCookieName(record.id)));
    ctx.set('Content-Security-Policy', view.memo('csp', () => publicCsp(view)));
    ctx.set('Vary', isProtected ? 'Accept-Encoding, Cookie' : 'Accept-Encoding');
    if (isProtected) ctx.set('X-Robots-Tag', 'noindex, nofollow');
    const frame = pageFrame(view, base, unlocked, o.scriptUrl, o.subscriptions);

    if (rest === '/unlock') return unlock(ctx, view, frame);
    if (rest === '/subscriptions' && o.subscriptions) return subscribeForm(ctx, view, frame, o.subscriptions);
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw new AppError(405, 'METHOD_NOT_ALLOWED', `${ctx.method} is not allowed here`, undefined, { Allow: 'GET, HEAD' });
    if (rest === '/theme.css') return send(ctx, view.rendered(`theme|${unlocked}`, 'text/css; charset=utf-8', () => themeCss(view, unlocked)), isProtected);

    if (!unlocked) {
      if (rest === '') {
        ctx.status = 401;
        ctx.type = HTML;
        ctx.set('Cache-Control', 'private, no-store');
        ctx.body = passwordPageHtml(frame, null);
        return;
      }
      throw new AppError(401, 'PASSWORD_REQUIRED', 'This status page is protected by a password');
    }

    const pageUrl = record.customDomain && !base ? `${ctx.protocol}://${record.customDomain}` : `${o.publicUrl}/status/${record.slug}`;
    if (rest === '') return send(ctx, pageHtml(view, frame), isProtected);
    if (rest === '/live-token') {
      const token = store.liveToken(view);
      if (!token) return notFound(ctx, view); // a public page's subscription needs none
      ctx.set('Cache-Control', 'private, no-store');
      ctx.body = { token };
      return;
    }
    if (rest === '/.json') {
      if (!isProtected) ctx.set('Access-Control-Allow-Origin', '*');
      return send(ctx, pageJson(view), isProtected);
    }
    if (rest === '/feed.atom') return send(ctx, view.rendered(`atom|${pageUrl}`, 'application/atom+xml; charset=utf-8', () => atomFeed(record, view.derived, pageUrl)), isProtected);
    if (rest === '/feed.rss') return send(ctx, view.rendered(`rss|${pageUrl}`, 'application/rss+xml; charset=utf-8', () => rssFeed(record, view.derived, pageUrl)), isProtected);
    const incident = /^\/incidents\/([^/]+)$/.exec(rest);
    if (incident) {
      const found = view.derived.history.find((i) => i.id === incident[1]);
      if (!found) return notFound(ctx, view);
      return send(ctx, view.rendered(`incident|${base}|${found.id}`, HTML, () => incidentPageHtml(frame, view.derived, found, isProtected)), isProtected);
    }
    const badge = /^(?:\/components\/([^/]+))?\/badge\.svg$/.exec(rest);
    if (badge) {
      const uptime = ctx.query.type === 'uptime';
      const componentId = badge[1];
      const component = componentId ? view.page.components.find((c) => c.id === componentId) : undefined;
      if (componentId && !component) return notFound(ctx, view);
      const key = `badge|${componentId ?? ''}|${uptime}`;
      ctx.set('Cross-Origin-Resource-Policy', 'cross-origin'); // badges are meant to be embedded elsewhere
      return send(
        ctx,
        view.rendered(key, 'image/svg+xml; charset=utf-8', () => {
          if (uptime) {
            const value = component ? component.uptime90d : view.page.uptime90d;
            const color = value === null ? 'grey' : LEVEL_COLOR[uptimeLevel(value)];
            return badgeSvg(component ? `${component.name} uptime` : 'uptime', value === null ? 'no data' : formatPercent(value), color);
          }
          const [message, color] = BADGE[component ? component.status : view.page.overall];
          return badgeSvg(component ? component.name : 'status', message, color);
        }),
        isProtected,
        'public, max-age=60',
      );
    }
    return notFound(ctx, view);
  }

  async function unlock(ctx: Koa.Context, view: PageView, frame: Frame): Promise<void> {
    if (ctx.method !== 'POST') throw new AppError(405, 'METHOD_NOT_ALLOWED', 'Use POST', undefined, { Allow: 'POST' });
    refuseCrossSite(ctx);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.set('X-Robots-Tag', 'noindex, nofollow');
    const hash = view.record.passwordHash;
    const home = frame.base || '/';
    if (!hash) return void ctx.redirect(home);
    const password = (await readForm(ctx, 4096)).get('password') ?? undefined;
    const ip = addressKey(ctx.ip);
    const { statusPage } = LIMITS;
    let judged: Awaited<ReturnType<PasswordAttempts['judge']>>;
    try {
      judged = await o.attempts.judge(
        [
          [statusPage.address, ip],
          [statusPage.pageAddress, `${view.record.id}|${ip}`],
        ],
        undefined,
        async () => password !== undefined && (await verifyPassword(password, hash)),
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 429) throw err;
      const wait = Number(err.headers?.['Retry-After'] ?? 1);
      const minutes = Math.ceil(wait / 60);
      ctx.status = 429;
      ctx.set('Retry-After', String(wait));
      ctx.type = HTML;
      ctx.body = passwordPageHtml(frame, err.code === 'BUSY' ? 'The server is busy. Try again in a moment.' : `Too many attempts. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`);
      return;
    }
    if (!judged.ok) {
      ctx.status = 401;
      ctx.type = HTML;
      ctx.body = passwordPageHtml(frame, 'Wrong password.');
      return;
    }
    await judged.attempt.succeeded();
    // Scoped to the page's own path (or `/` on its custom domain, which serves only this page):
    // the browser never sends it with another page's requests.
    ctx.cookies.set(accessCookieName(view.record.id), accessCookieValue(o.secret, view.record.id, hash, o.now()), {
      path: home,
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure,
      maxAge: ACCESS_MAX_AGE_S * 1000,
      signed: false,
      overwrite: true,
    });
    ctx.status = 303;
    ctx.redirect(home);
  }
}

/**
 * The frame of a page's documents under `base`, computed once per build. Password-protected
 * pages offer no subscriptions: their news is not public.
 */
export function pageFrame(view: PageView, base: string, unlocked: boolean, scriptUrl = SCRIPT_PATH, subscriptions?: Pick<Subscriptions, 'email'>): Frame {
  const subscribe = subscriptions && view.record.passwordHash === null ? { email: subscriptions.email } : undefined;
  return view.memo(`frame|${base}|${unlocked}|${scriptUrl}|${subscribe ? (subscribe.email ? 'email' : 'webhook') : 'none'}`, () => ({
    record: view.record,
    base,
    themeVersion: view.rendered(`theme|${unlocked}`, 'text/css; charset=utf-8', () => themeCss(view, unlocked)).etag.slice(1, 11),
    cssVersion: CSS_VERSION,
    scriptUrl,
    ...(subscribe ? { subscribe } : {}),
  }));
}

/** The status page itself (visible to this visitor) under the frame's base. */
export function pageHtml(view: PageView, frame: Frame): Rendered {
  const offer = frame.subscribe ? (frame.subscribe.email ? 'email' : 'webhook') : 'none';
  return view.rendered(`html|${frame.base}|${frame.scriptUrl}|${offer}`, HTML, () => statusPageHtml(frame, view.derived, view.record.passwordHash !== null));
}

export function pageJson(view: PageView): Rendered {
  return view.rendered('json', 'application/json; charset=utf-8', () => JSON.stringify(view.page));
}

function themeCss(view: PageView, unlocked: boolean): string {
  const color = view.record.brandColor && /^#[0-9a-fA-F]{6}$/.test(view.record.brandColor) ? view.record.brandColor : null;
  const custom = unlocked && view.record.customCss ? '\n' + sanitizeCss(view.record.customCss) : '';
  return `${color ? `:root { --brand: ${color}; }` : ''}${custom}\n`;
}

function isPagePath(rest: string): boolean {
  return /^(|\/|\/unlock|\/live-token|\/subscriptions|\/theme\.css|\/feed\.atom|\/feed\.rss|\/badge\.svg|\/incidents\/[^/]+|\/components\/[^/]+\/badge\.svg)$/.test(rest);
}

export function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
}

function send(ctx: Koa.Context, r: Rendered, isProtected: boolean, cacheControl = 'public, max-age=10'): void {
  ctx.set('Cache-Control', isProtected ? 'private, no-store' : cacheControl);
  ctx.set('ETag', r.etag);
  if (ctx.get('if-none-match') === r.etag) {
    ctx.status = 304;
    return;
  }
  ctx.type = r.type;
  if (r.gzip && /\bgzip\b/.test(ctx.get('accept-encoding'))) {
    ctx.set('Content-Encoding', 'gzip');
    ctx.body = r.gzip;
  } else ctx.body = r.body;
}

function sendStatic(ctx: Koa.Context, body: string, type: string): void {
  ctx.set('Cache-Control', 'public, max-age=3600');
  ctx.type = type;
  ctx.body = body;
}

function notFound(ctx: Koa.Context, view: PageView | undefined): void {
  ctx.set('Content-Security-Policy', publicCsp(view));
  ctx.set('Cache-Control', 'no-cache');
  ctx.status = 404;
  ctx.type = HTML;
  ctx.body = notFoundHtml();
}
