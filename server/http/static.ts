import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** One file of the build, held in memory with the compressed copies the build wrote next to it. */
interface Held {
  type: string;
  body: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  etag: string;
  mtime: Date;
}

/** Larger files (source maps) are read from disk each time rather than held. */
const HOLD_LIMIT = 256 * 1024;

const etagOf = (body: Buffer) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;

async function readIfFile(file: string): Promise<{ body: Buffer; mtime: Date } | undefined> {
  try {
    const s = await stat(file);
    return s.isFile() ? { body: await readFile(file), mtime: s.mtime } : undefined;
  } catch {
    return undefined;
  }
}

async function load(file: string): Promise<Held | undefined> {
  const read = await readIfFile(file);
  if (!read) return undefined;
  const [br, gzip] = await Promise.all([readIfFile(file + '.br'), readIfFile(file + '.gz')]);
  return {
    type: TYPES[path.extname(file)] ?? 'application/octet-stream',
    body: read.body,
    br: br?.body,
    gzip: gzip?.body,
    etag: etagOf(read.body),
    mtime: read.mtime,
  };
}

/**
 * index.html with a preload of the data its page starts with, so the browser fetches it while it
 * loads the scripts. Built per answer (the URL names the org), uncompressed: about a kilobyte.
 */
function withPreload(index: Held, url: string): Held {
  const link = `<link rel="preload" href="${escapeAttribute(url)}" as="fetch" crossorigin>`;
  const body = Buffer.from(index.body.toString('utf8').replace('</head>', `  ${link}\n  </head>`));
  return { type: index.type, body, etag: etagOf(body), mtime: index.mtime };
}

const escapeAttribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Serves the built client from memory: hashed files under /assets/ are cached for a year, everything
 * else is revalidated (ETag); brotli or gzip as the browser accepts, from the copies the build
 * wrote (client-build.ts). Unknown paths that look like pages get index.html (the dashboard routes
 * itself), with a preload of what `preload` names for that page. Paths under `skip` (the API,
 * sockets, public pages) are never answered here, but for the pages `named` maps to a file of the
 * build (`/api/docs` → docs.html). The build
 * does not change while the server runs (a rebuild means a restart), so what was read stays valid.
 */
export function serveClient(root: string, skip: string[], preload?: (pagePath: string) => string | undefined, named: Record<string, string> = {}): Middleware {
  const base = path.resolve(root);
  const held = new Map<string, Promise<Held | undefined>>();
  const get = async (file: string): Promise<Held | undefined> => {
    const known = held.get(file);
    if (known) return known;
    const loading = load(file);
    const h = await loading;
    // Hold what exists and is small; a missing file may appear with the next build, a map is large.
    if (h && h.body.length <= HOLD_LIMIT) held.set(file, loading);
    return h;
  };

  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const own = Object.hasOwn(named, ctx.path) ? named[ctx.path] : undefined;
    if (!own && skip.some((p) => ctx.path.startsWith(p))) return next();
    let rel: string;
    try {
      rel = own ? '/' + own : decodeURIComponent(ctx.path);
    } catch {
      return next();
    }
    // A dot-named file or folder (the build's list of inputs, Vite's manifest) is the build's own.
    if (rel.split('/').some((part) => part.startsWith('.'))) return next();
    const file = path.join(base, rel);
    if (!file.startsWith(base + path.sep) && file !== base) return next();
    // The build's files all have an extension: a path without one is a page of the dashboard.
    const page = !path.extname(rel);
    let h = await get(page ? path.join(base, 'index.html') : file);
    if (!h) return next();
    const data = page ? preload?.(ctx.path) : undefined;
    if (data) h = withPreload(h, data);

    ctx.set('Cache-Control', rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.set('ETag', h.etag);
    ctx.lastModified = h.mtime;
    if (h.br || h.gzip) ctx.vary('Accept-Encoding');
    ctx.type = h.type;
    ctx.status = 200; // `fresh` compares validators only for a successful answer
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    if (h.br && ctx.acceptsEncodings('br', 'identity') === 'br') {
      ctx.set('Content-Encoding', 'br');
      ctx.body = h.br;
    } else if (h.gzip && ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = h.gzip;
    } else ctx.body = h.body; // Koa sends no body for HEAD
  };
}
