import type { EventBus } from '../bus.js';

/**
 * Revocations other parts must act on at once (the realtime layer disconnects the sockets of a
 * revoked session, a removed member, a revoked or narrowed key), and new organizations.
 */
export interface AuthEventMap {
  'org:created': { orgId: string };
  'sessions:revoked': { sessionIds: string[] };
  'member:removed': { orgId: string; userId: string };
  'key:revoked': { keyId: string };
  /** The key lost scopes (its creator's role was lowered): what a socket was let in with may no longer hold. */
  'key:narrowed': { keyId: string };
}

/** The server's one bus (server/events.ts), as auth sees it. */
export type AuthEvents = EventBus<AuthEventMap>;
