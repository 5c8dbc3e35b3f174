import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
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

async function fileAt(file: string) {
  try {
    const s = await stat(file);
    return s.isFile() ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the built client: hashed files under /assets/ are cached for a year, everything else is
 * revalidated; unknown paths that look like pages get index.html (the dashboard routes itself).
 * Paths under `skip` (the API, sockets, public pages) are never answered here.
 */
export function serveClient(root: string, skip: string[]): Middleware {
  const base = path.resolve(root);
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || skip.some((p) => ctx.path.startsWith(p))) return next();
    let rel: string;
    try {
      rel = decodeURIComponent(ctx.path);
    } catch {
      return next();
    }
    let file = path.join(base, rel);
    if (!file.startsWith(base + path.sep) && file !== base) return next();
    let info = await fileAt(file);
    if (!info && !path.extname(rel)) {
      file = path.join(base, 'index.html');
      info = await fileAt(file);
    }
    if (!info) return next();
    ctx.type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    ctx.length = info.size;
    ctx.lastModified = info.mtime;
    ctx.set('Cache-Control', rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.body = createReadStream(file); // Koa sends no body for HEAD and closes the stream
  };
}
