import { EventEmitter } from 'node:events';

/**
 * Revocations other parts must act on at once (the realtime layer disconnects the sockets of a
 * revoked session, a removed member or a revoked key), and new organizations.
 */
export interface AuthEventMap {
  'org:created': [{ orgId: string }];
  'sessions:revoked': [{ sessionIds: string[] }];
  'member:removed': [{ orgId: string; userId: string }];
  'key:revoked': [{ keyId: string }];
}

export class AuthEvents extends EventEmitter<AuthEventMap> {}
