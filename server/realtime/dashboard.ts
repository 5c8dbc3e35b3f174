import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import type { Logger } from '../log.js';
import type { Principal } from '../auth/types.js';
import type {
  Ack,
  DashboardCatchUp,
  DashboardClientEvents,
  DashboardServerEvents,
  DashboardSnapshot,
  OrgEvent,
  PackedSnapshot,
  ProblemJson,
} from '../../contracts/events.js';
import { LIMITS, TokenBucket } from './limits.js';

/** What the server keeps on each dashboard socket (never sent). */
export interface SocketData {
  principal?: Principal;
  /** Rooms this socket joined through subscribe (capped per socket). */
  subscriptions: Set<string>;
}

type DashboardSocket = Socket<DashboardClientEvents, DashboardServerEvents, Record<string, never>, SocketData>;
export type DashboardNamespace = Namespace<DashboardClientEvents, DashboardServerEvents, Record<string, never>, SocketData>;

export interface DashboardDeps {
  log: Logger;
  originAllowed(origin: string | undefined): boolean;
  /** The principal of a handshake: API key in `auth.token`, else the session cookie. */
  authenticate(socket: DashboardSocket): Promise<Principal | undefined>;
  /** May this principal watch this org's monitors? */
  canWatch(principal: Principal, orgId: string): Promise<boolean>;
  snapshot(orgId: string): Promise<DashboardSnapshot>;
  pack(snapshot: DashboardSnapshot): Promise<PackedSnapshot>;
  /** What the org's dashboards were sent after a snapshot's mark; undefined when no longer held. */
  since(mark: string, orgId: string): OrgEvent[] | undefined;
}

const orgRequest = z.strictObject({ orgId: z.uuid() });
const subscribeRequest = orgRequest.extend({ encoding: z.literal('deflate-raw').optional(), resume: z.string().max(100).optional() });
const KNOWN = new Set<string>(['subscribe', 'unsubscribe'] satisfies Array<keyof DashboardClientEvents>);

export const rooms = {
  org: (id: string) => `org:${id}`,
  session: (id: string) => `session:${id}`,
  user: (id: string) => `user:${id}`,
  key: (id: string) => `key:${id}`,
};

function problem(code: string, message: string): { ok: false; error: ProblemJson } {
  return { ok: false, error: { code, message } };
}

/**
 * `/dashboard`: signed-in people and API keys watch their orgs. Every socket sits in rooms
 * named after its session, user or key, so a revocation reaches it on any server process.
 */
export function setupDashboard(nsp: DashboardNamespace, deps: DashboardDeps): void {
  nsp.use(async (socket, next) => {
    if (!deps.originAllowed(socket.handshake.headers.origin)) {
      return next(Object.assign(new Error('FORBIDDEN_ORIGIN'), { data: { code: 'FORBIDDEN_ORIGIN', message: 'Cross-site connection refused' } }));
    }
    try {
      const principal = await deps.authenticate(socket);
      if (!principal) return next(Object.assign(new Error('UNAUTHORIZED'), { data: { code: 'UNAUTHORIZED', message: 'Sign in first' } }));
      socket.data.principal = principal;
      socket.data.subscriptions = new Set();
      next();
    } catch (err) {
      deps.log.error({ err }, 'dashboard handshake failed');
      next(new Error('INTERNAL_ERROR'));
    }
  });

  nsp.on('connection', (socket) => {
    const p = socket.data.principal!;
    void socket.join(p.kind === 'user' ? [rooms.session(p.sessionId), rooms.user(p.userId)] : [rooms.key(p.keyId)]);
    const bucket = new TokenBucket(LIMITS.burst, LIMITS.perSecond);
    let violations = 0;

    // Every client event passes here first: rate, then shape of the ack.
    socket.use((packet, next) => {
      const [event, ...args] = packet;
      const ack = args.at(-1);
      const refuse = (code: string, message: string) => {
        if (typeof ack === 'function') ack(problem(code, message));
        if (++violations >= LIMITS.maxViolations) socket.disconnect(true);
      };
      if (!bucket.take()) return refuse('RATE_LIMITED', `Too many events (${String(event)})`);
      if (JSON.stringify(typeof ack === 'function' ? args.slice(0, -1) : args).length > LIMITS.maxEventBytes) {
        return refuse('PAYLOAD_TOO_LARGE', `Events are limited to ${LIMITS.maxEventBytes} bytes`);
      }
      if (!KNOWN.has(String(event))) return refuse('UNKNOWN_EVENT', `No event named ${String(event).slice(0, 50)}`);
      next();
    });

    const handle = <T>(fn: (req: unknown) => Promise<Parameters<Ack<T>>[0]>) =>
      (req: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return; // nowhere to answer: ignore
        fn(req).then(
          (answer) => (ack as Ack<T>)(answer),
          (err) => {
            deps.log.error({ err }, 'dashboard event failed');
            (ack as Ack<T>)(problem('INTERNAL_ERROR', 'Something went wrong on our side'));
          },
        );
      };

    socket.on('subscribe', handle<DashboardSnapshot | PackedSnapshot | DashboardCatchUp>(async (req) => {
      const parsed = subscribeRequest.safeParse(req);
      if (!parsed.success) return problem('VALIDATION_FAILED', "Expected {orgId: uuid, encoding?: 'deflate-raw', resume?: string}");
      const { orgId, encoding, resume } = parsed.data;
      const room = rooms.org(orgId);
      if (!socket.data.subscriptions.has(room) && socket.data.subscriptions.size >= LIMITS.maxSubscriptions) {
        return problem('TOO_MANY_SUBSCRIPTIONS', `At most ${LIMITS.maxSubscriptions} subscriptions per connection`);
      }
      // Not a member and no such org look the same: never confirm another org exists.
      if (!(await deps.canWatch(p, orgId))) return problem('NOT_FOUND', 'Organization not found');
      // Join first: checks that end while the snapshot is built reach the client too, which
      // keeps those newer than the snapshot.
      await socket.join(room);
      // Asked again once in the room: a removal (or revocation) that made the socket leave while
      // the first answer was on its way would otherwise be undone by this join.
      if (!(await deps.canWatch(p, orgId))) {
        await socket.leave(room);
        return problem('NOT_FOUND', 'Organization not found');
      }
      socket.data.subscriptions.add(room);
      // The client has a snapshot (from REST): what was sent since its mark closes the gap up to the
      // join. What is sent between the join and this read comes both ways; clients take it once.
      const events = resume === undefined ? undefined : deps.since(resume, orgId);
      if (events) return { ok: true, data: { orgId, events } };
      try {
        const snapshot = await deps.snapshot(orgId);
        const data = encoding ? await deps.pack(snapshot) : snapshot;
        if (!socket.connected) return problem('DISCONNECTED', 'Disconnected');
        return { ok: true, data };
      } catch (err) {
        await socket.leave(room);
        socket.data.subscriptions.delete(room);
        throw err;
      }
    }));

    socket.on('unsubscribe', handle<null>(async (req) => {
      const parsed = orgRequest.safeParse(req);
      if (!parsed.success) return problem('VALIDATION_FAILED', 'Expected {orgId: uuid}');
      const room = rooms.org(parsed.data.orgId);
      await socket.leave(room);
      socket.data.subscriptions.delete(room);
      return { ok: true, data: null };
    }));
  });
}
