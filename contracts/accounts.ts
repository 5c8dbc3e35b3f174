/** People, organizations and their access as the API answers them (server/auth/ and server/orgs/ write them). */
import type { Role, Scope } from './auth.js';

export interface UserJson {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

export interface OrgJson {
  id: string;
  name: string;
  /** Members (not only admins) may create, edit and run monitors. */
  membersCanWrite: boolean;
  createdAt: string;
}

export interface MemberJson {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface InvitationJson {
  id: string;
  email: string;
  role: Role;
  /** The user who invited (or last resent); null for an API key or a deleted account. */
  invitedBy: string | null;
  createdAt: string;
  /** When the current link was issued (creation or the latest resend). */
  sentAt: string;
  expiresAt: string;
  /** `expired` once expiresAt has passed; accepted and revoked invitations no longer exist. */
  state: 'pending' | 'expired';
  /** The current link went out by e-mail (false: it was shown to the inviter instead). */
  emailed: boolean;
}

/** What the holder of a link is told before accepting. */
export interface InvitationPreview {
  org: { id: string; name: string };
  /** Name of the person who invited; null for an API key or a deleted account. */
  inviter: string | null;
  email: string;
  role: Role;
  expiresAt: string;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  /** The first characters of the key, e.g. `pp_live_AbC12x`. */
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  /** Null until first use; written at most once a minute. */
  lastUsedAt: string | null;
  /**
   * The person answerable for the key: who created it, or the person behind the key that created
   * it. Null for older keys made by a key. Their membership bounds the key's scopes.
   */
  createdBy: string | null;
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export interface AuditJson {
  id: string;
  at: string;
  action: string;
  /** Who did it; all null for PingPage itself or a failed sign-in. `email` is null once the person is gone. */
  actor: { userId: string | null; email: string | null; keyId: string | null };
  target: string | null;
  /** The address the request came from, as the server saw it. */
  ip: string | null;
  details: Record<string, unknown> | null;
}
