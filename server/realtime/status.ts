import type { EventEmitter } from 'node:events';
import type { Namespace } from 'socket.io';
import { z } from 'zod';
import type { Logger } from '../log.js';
import type { PageUpdate, StatusClientEvents, StatusServerEvents } from '../../contracts/events.js';
import { LIMITS, TokenBucket } from './limits.js';

/** What the status pages give the `/status` namespace: memory only, never a query per visitor. */
export interface StatusFeed extends EventEmitter<{ update: [PageUpdate] }> {
  /**
   * The public page as this visitor may see it (their cookies, or the live token the page's script
   * fetched, unlock a password-protected page), or undefined when the slug is unknown or locked for them.
   */
  visibleSnapshot(slug: string, cookieHeader: string | undefined, token?: string): unknown | undefined;
}

type StatusNamespace = Namespace<StatusClientEvents, StatusServerEvents>;

const slugRequest = z.strictObject({
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/),
  /** A password-protected page's live token (GET <page>/live-token): its access cookie stays on the page's path. */
  token: z.string().max(100).optional(),
});
// A visitor watches a page or two; more from one socket is a crawler or a mistake.
const MAX_PAGES = 5;
const room = (slug: string) => `page:${slug}`;

/**
 * `/status`: public. `subscribe({slug})` answers the page snapshot and joins `page:<slug>`; the
 * feed's coalesced updates go to the room (serialised once for all its sockets).
 */
export function setupStatus(nsp: StatusNamespace, feed: StatusFeed, log: Logger): () => void {
  nsp.on('connection', (socket) => {
    const bucket = new TokenBucket(LIMITS.burst, LIMITS.perSecond);
    const joined = new Set<string>();
    socket.use((packet, next) => {
      const ack = packet.at(-1);
      const refuse = (code: string, message: string) => typeof ack === 'function' && ack({ ok: false, error: { code, message } });
      if (!bucket.take()) return void refuse('RATE_LIMITED', 'Too many events');
      if (JSON.stringify(packet.slice(1, typeof ack === 'function' ? -1 : undefined)).length > LIMITS.maxEventBytes) {
        return void refuse('PAYLOAD_TOO_LARGE', `Events are limited to ${LIMITS.maxEventBytes} bytes`);
      }
      if (packet[0] !== 'subscribe') return void refuse('UNKNOWN_EVENT', 'The only event is subscribe');
      next();
    });
    socket.on('subscribe', (req, ack) => {
      if (typeof ack !== 'function') return;
      const parsed = slugRequest.safeParse(req);
      if (!parsed.success) return ack({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'Expected {slug, token?}' } });
      const { slug, token } = parsed.data;
      const page = feed.visibleSnapshot(slug, socket.request.headers.cookie, token);
      if (page === undefined) return ack({ ok: false, error: { code: 'NOT_FOUND', message: 'No such status page' } });
      if (!joined.has(slug) && joined.size >= MAX_PAGES) {
        return ack({ ok: false, error: { code: 'TOO_MANY_SUBSCRIPTIONS', message: `At most ${MAX_PAGES} pages per connection` } });
      }
      joined.add(slug);
      void socket.join(room(slug));
      ack({ ok: true, data: page });
    });
  });
  const forward = (u: PageUpdate) => {
    try {
      nsp.to(room(u.slug)).emit('page:update', u);
    } catch (err) {
      log.error({ err }, 'status update not sent');
    }
  };
  feed.on('update', forward);
  return () => feed.off('update', forward);
}
