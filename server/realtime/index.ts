import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import type Koa from 'koa';
import type { Auth } from '../orgs/index.js';
import { liveKeyPrincipal } from '../auth/apikeys.js';
import { authorize } from '../auth/authorize.js';
import type { Config } from '../config.js';
import { allowedOrigins } from '../auth/csrf.js';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../log.js';
import { membership } from '../auth/memberships.js';
import { rooms, setupDashboard, type DashboardNamespace } from './dashboard.js';
import type { DashboardServerEvents, OrgEvent } from '../../contracts/events.js';
import { LIMITS } from './limits.js';
import type { DashboardFeed } from './feed.js';
import { packSnapshot } from './pack.js';
import { setupStatus, type StatusFeed } from './status.js';

export { DashboardFeed } from './feed.js';
export { forwardToDashboards } from './forward.js';
export { dashboardPreload, dashboardRoutes } from './routes.js';

export interface Realtime {
  io: Server;
  /** Sends to every dashboard watching the org, on every server process. */
  toOrg<E extends keyof DashboardServerEvents>(orgId: string, event: E, ...args: Parameters<DashboardServerEvents[E]>): void;
  /** Snapshots (every monitor's last beats, kept current by forward.ts) and what was sent since; shared with the REST route. */
  feed: DashboardFeed;
  close(): Promise<void>;
}

export interface RealtimeDeps {
  server: http.Server;
  app: Koa;
  config: Config;
  log: Logger;
  orm: Orm;
  auth: Auth;
  feed: DashboardFeed;
  /** Public status pages, once they exist. */
  statusFeed?: StatusFeed;
}

export async function createRealtime(deps: RealtimeDeps): Promise<Realtime> {
  const { config, log } = deps;
  const origins = allowedOrigins(config);
  const io = new Server(deps.server, {
    path: '/socket.io',
    serveClient: false,
    maxHttpBufferSize: LIMITS.maxHttpBufferSize,
    // No per-message deflate: with it, ws sends every frame of every socket through zlib (measured
    // with bench:realtime: dashboard p99 36 s at 333 results/s, ~200 KB of RSS per /status socket).
    // Large snapshots need another answer (e.g. compress them once, or fetch them over HTTP gzip).
    perMessageDeflate: false,
  });
  const closers: Array<() => Promise<void>> = [];
  if (config.REDIS_URL) {
    const [{ createAdapter }, { Redis }] = await Promise.all([import('@socket.io/redis-adapter'), import('ioredis')]);
    const pub = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub, { key: 'pingpage' }));
    closers.push(async () => {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    });
    log.info('realtime: Redis adapter on');
  }

  const em = () => deps.orm.em.fork();
  const { feed } = deps;
  const dashboard = io.of('/dashboard') as DashboardNamespace;
  setupDashboard(dashboard, {
    log,
    // Cross-site WebSocket hijacking: a browser always names the page's origin on a WebSocket or a
    // cross-origin request, so a foreign one is refused on both transports. Same-origin polling may
    // omit it, and programs send none. (/status is public and served on custom domains too.)
    originAllowed: (origin) => !origin || origins.has(origin),
    authenticate: (socket: Socket) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      return deps.auth.authenticate(deps.app, socket.request, typeof token === 'string' ? token : undefined);
    },
    async canWatch(p, orgId) {
      if (p.kind === 'key') {
        const now = await liveKeyPrincipal(em(), p.keyId);
        return now?.orgId === orgId && authorize(now, undefined, 'monitors:read', { membersCanWrite: false });
      }
      return (await membership(em(), orgId, p.userId)) !== undefined;
    },
    snapshot: (orgId) => feed.snapshot(orgId),
    pack: packSnapshot,
    since: (mark, orgId) => feed.replay.since(mark, orgId),
  });

  const stopStatus = deps.statusFeed ? setupStatus(io.of('/status'), deps.statusFeed, log) : () => {};

  // Revocations take effect on live sockets at once.
  const ev = deps.auth.events;
  const onSessions = ({ sessionIds }: { sessionIds: string[] }) => {
    if (sessionIds.length) dashboard.in(sessionIds.map(rooms.session)).disconnectSockets(true);
  };
  const onMember = ({ orgId, userId }: { orgId: string; userId: string }) => dashboard.in(rooms.user(userId)).socketsLeave(rooms.org(orgId));
  const onKey = ({ keyId }: { keyId: string }) => dashboard.in(rooms.key(keyId)).disconnectSockets(true);
  const stopRevocations = [ev.on('sessions:revoked', onSessions), ev.on('member:removed', onMember), ev.on('key:revoked', onKey), ev.on('key:narrowed', onKey)];

  return {
    io,
    feed,
    toOrg(orgId, event, ...args) {
      feed.sent(orgId, [event, ...args] as unknown as OrgEvent);
      (dashboard.to(rooms.org(orgId)).emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
    },
    async close() {
      for (const off of stopRevocations) off();
      stopStatus();
      io.disconnectSockets(true);
      io.engine.close(); // not io.close(): that would also close the HTTP server before it drained
      for (const c of closers) await c();
    },
  };
}
