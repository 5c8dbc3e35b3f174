/**
 * The public pages' two forms (the password form and "Subscribe to updates") are plain HTML
 * POSTs, read here before the app's JSON body parser, and refused when another site sends them.
 */
import type Koa from 'koa';
import { AppError } from '../errors.js';

/**
 * Refuses a POST another site made a visitor's browser send. The Origin must name this host;
 * `Origin: null` (a no-referrer page, a sandboxed frame) passes only when the browser also says
 * Sec-Fetch-Site: same-origin. Clients that send neither header are not browsers and carry no
 * visitor's cookies or address to abuse.
 */
export function refuseCrossSite(ctx: Koa.Context): void {
  const site = ctx.get('sec-fetch-site');
  const origin = ctx.get('origin');
  const crossSite = (site !== '' && site !== 'same-origin' && site !== 'none') || (origin !== '' && origin !== 'null' && hostOf(origin) !== ctx.host.toLowerCase());
  if (crossSite) throw new AppError(403, 'CSRF_FAILED', 'Cross-site request refused');
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** A small urlencoded form body (anything else reads as an empty form); 413 past `limit` bytes. */
export async function readForm(ctx: Koa.Context, limit: number): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) return new URLSearchParams();
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new AppError(413, 'PAYLOAD_TOO_LARGE', 'The form is too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
