/**
 * The two hot answers — a public page's HTML and its JSON — written straight to Node's response,
 * ahead of Koa, its request log and its middleware: about a third of the CPU per request (see
 * bench/statuspage.ts). Only GET/HEAD of pages without a password; everything else (protected
 * pages, feeds, badges, unknown slugs, errors) returns false and goes through Koa, which stays
 * the reference (fast.test.ts checks both give the same bytes and headers).
 */
import type http from 'node:http';
import type Koa from 'koa';
import { forwarded, type ProxyTrust } from '../http/proxy.js';
import { securityHeaders } from '../http/security.js';
import { decode, pageFrame, pageHtml, pageJson, publicCsp } from './public.js';
import type { PageView, Rendered, SnapshotStore } from './store.js';
import type { Subscriptions } from './subscribe.js';

export interface FastPathOptions {
  store: SnapshotStore;
  /** HSTS as the rest of the app sends it. */
  hsts: boolean;
  /** Which X-Forwarded-Host to believe (TRUST_PROXY), as the Koa app does. */
  proxy: ProxyTrust;
  scriptUrl?: string;
  /** As the Koa route has it: the page then carries the "Subscribe to updates" form. */
  subscriptions?: Pick<Subscriptions, 'email'>;
}

export interface FastPath {
  /** Answers the request and returns true, or returns false without touching it. */
  (req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Requests answered here (they bypass the request log). */
  hits: number;
}

/** The headers http/security.ts puts on every answer, read from that middleware so they cannot drift. */
function appHeaders(hsts: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  const ctx = {
    set(key: string | Record<string, string>, value?: string) {
      if (typeof key === 'string') headers[key] = value!;
      else Object.assign(headers, key);
    },
  };
  void securityHeaders({ hsts })(ctx as unknown as Koa.Context, async () => {});
  return headers;
}

const JSON_PATH = /^\/api\/v1\/public\/status-pages\/([^/?]+)$/;
const PAGE_PATH = /^\/status\/([^/?]+)\/?$/;

export function createFastPath(o: FastPathOptions): FastPath {
  const base = appHeaders(o.hsts);

  const headersOf = (view: PageView, r: Rendered, gzip: boolean, json: boolean): Record<string, string> =>
    view.memo(`fast|${r.etag}|${gzip}|${json}`, () => ({
      ...base,
      'Content-Security-Policy': view.memo('csp', () => publicCsp(view)),
      Vary: 'Accept-Encoding',
      'Cache-Control': 'public, max-age=10',
      ETag: r.etag,
      'Content-Type': r.type,
      ...(json ? { 'Access-Control-Allow-Origin': '*' } : {}),
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      'Content-Length': String((gzip ? r.gzip! : r.body).length),
    }));

  const fast = ((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const host = forwarded(req, o.proxy, 'x-forwarded-host') ?? req.headers.host;
    const domainView = o.store.viewByHost(host);

    let view: PageView | undefined;
    let json = false;
    let pageBase = '';
    let m: RegExpExecArray | null;
    if ((m = JSON_PATH.exec(path))) {
      view = o.store.viewBySlug(decode(m[1]!));
      json = true;
    } else if ((m = PAGE_PATH.exec(path))) {
      view = o.store.viewBySlug(decode(m[1]!));
      pageBase = view ? `/status/${view.record.slug}` : '';
    } else if (path === '/' && domainView) view = domainView;
    // Unknown, protected or another domain's page: Koa gives the full answer (404, password form).
    if (!view || view.record.passwordHash !== null || (domainView && view !== domainView)) return false;
    if (json && domainView) pageBase = '';

    const r = json ? pageJson(view) : pageHtml(view, pageFrame(view, pageBase, true, o.scriptUrl, o.subscriptions));
    const gzip = r.gzip !== null && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const headers = headersOf(view, r, gzip, json);
    fast.hits++;
    if (req.headers['if-none-match'] === r.etag) {
      const { 'Content-Length': _length, 'Content-Encoding': _encoding, 'Content-Type': _type, ...rest } = headers;
      res.writeHead(304, rest).end();
      return true;
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : gzip ? r.gzip : r.body);
    return true;
  }) as FastPath;
  fast.hits = 0;
  return fast;
}
