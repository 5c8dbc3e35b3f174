import { EventEmitter } from 'node:events';

/**
 * Revocations other parts must act on at once (the realtime layer disconnects the sockets of a
 * revoked session, a removed member, a revoked or narrowed key), and new organizations.
 */
export interface AuthEventMap {
  'org:created': [{ orgId: string }];
  'sessions:revoked': [{ sessionIds: string[] }];
  'member:removed': [{ orgId: string; userId: string }];
  'key:revoked': [{ keyId: string }];
  /** The key lost scopes (its creator's role was lowered): what a socket was let in with may no longer hold. */
  'key:narrowed': [{ keyId: string }];
}

export class AuthEvents extends EventEmitter<AuthEventMap> {}
