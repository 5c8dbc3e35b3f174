/** People, organizations and their access as the API answers them (server/auth/ and server/orgs/ write them). */
import { z } from 'zod';
import { ROLES, SCOPES } from './auth.js';
import { Id, Time } from './wire.js';

const Role = z.enum(ROLES);

export const UserJson = z
  .object({
    id: Id,
    email: z.string(),
    name: z.string(),
    createdAt: Time,
  })
  .meta({ id: 'User' });
export type UserJson = z.infer<typeof UserJson>;

export const OrgJson = z
  .object({
    id: Id,
    name: z.string(),
    membersCanWrite: z.boolean().describe('Members (not only admins) may create, edit and run monitors'),
    createdAt: Time,
  })
  .meta({ id: 'Organization' });
export type OrgJson = z.infer<typeof OrgJson>;

/** An organization with the caller's role in it: null for an API key. */
export const OrgWithRole = OrgJson.extend({ role: Role.nullable().describe("The caller's role; null for an API key") }).meta({ id: 'OrganizationWithRole' });
export type OrgWithRole = z.infer<typeof OrgWithRole>;

/** An organization a person belongs to, and their role there. */
export const OrgRef = z.object({ id: Id, name: z.string(), role: Role }).meta({ id: 'OrganizationRef' });
export type OrgRef = z.infer<typeof OrgRef>;

/** GET /auth/me. */
export const MeJson = z
  .object({
    user: UserJson,
    orgs: z.array(OrgRef),
    csrfToken: z.string().describe('Send as X-CSRF-Token on writes from a client that sends no Origin'),
  })
  .meta({ id: 'Me' });
export type MeJson = z.infer<typeof MeJson>;

/** POST /auth/signup (the session cookie comes with it). */
export const SignedUpJson = z
  .object({
    user: UserJson,
    org: OrgJson.nullable().describe('The organization the account got of its own (the first user, open signup, or orgName)'),
    joined: OrgRef.nullable().describe('The organization joined through invitationToken'),
  })
  .meta({ id: 'SignedUp' });
export type SignedUpJson = z.infer<typeof SignedUpJson>;

export const MemberJson = z
  .object({
    userId: Id,
    email: z.string(),
    name: z.string(),
    role: Role,
    joinedAt: Time,
  })
  .meta({ id: 'Member' });
export type MemberJson = z.infer<typeof MemberJson>;

export const InvitationJson = z
  .object({
    id: Id,
    email: z.string(),
    role: Role,
    invitedBy: Id.nullable().describe('The user who invited (or last resent); null for an API key or a deleted account'),
    createdAt: Time,
    sentAt: Time.describe('When the current link was issued (creation or the latest resend)'),
    expiresAt: Time,
    state: z.enum(['pending', 'expired']).describe('`expired` once expiresAt has passed; accepted and revoked invitations no longer exist'),
    emailed: z.boolean().describe('The current link went out by e-mail (false: it was shown to the inviter instead)'),
  })
  .meta({ id: 'Invitation' });
export type InvitationJson = z.infer<typeof InvitationJson>;

/** An invitation as made or resent: its link comes with it once, unless it was e-mailed. */
export const IssuedInvitation = InvitationJson.extend({
  pending: z.literal(true),
  link: z.string().optional().describe('The invitation link, only when it was not e-mailed: the one time anyone sees it'),
}).meta({ id: 'IssuedInvitation' });
export type IssuedInvitation = z.infer<typeof IssuedInvitation>;

/** What the holder of a link is told before accepting. */
export const InvitationPreview = z
  .object({
    org: z.object({ id: Id, name: z.string() }),
    inviter: z.string().nullable().describe('Name of the person who invited; null for an API key or a deleted account'),
    email: z.string(),
    role: Role,
    expiresAt: Time,
  })
  .meta({ id: 'InvitationPreview' });
export type InvitationPreview = z.infer<typeof InvitationPreview>;

export const ApiKeyInfo = z
  .object({
    id: Id,
    name: z.string(),
    prefix: z.string().describe('The first characters of the key, e.g. `pp_live_AbC12x`'),
    scopes: z.array(z.enum(SCOPES)),
    createdAt: Time,
    lastUsedAt: Time.nullable().describe('Null until first use; written at most once a minute'),
    createdBy: Id.nullable().describe(
      'The person answerable for the key: who created it, or the person behind the key that created it. Null for older keys made by a key. Their membership bounds the key\'s scopes.',
    ),
  })
  .meta({ id: 'ApiKey' });
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

/** POST /orgs/:org/api-keys: the key in clear, in this answer only. */
export const CreatedApiKey = ApiKeyInfo.extend({ key: z.string().describe('`pp_live_…`: shown once, stored only as a hash') }).meta({ id: 'CreatedApiKey' });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const SessionInfo = z
  .object({
    id: Id,
    createdAt: Time,
    lastSeenAt: Time,
    expiresAt: Time,
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    current: z.boolean().describe('The session of this request'),
  })
  .meta({ id: 'Session' });
export type SessionInfo = z.infer<typeof SessionInfo>;

export const AuditJson = z
  .object({
    id: z.string().regex(/^\d+$/).describe('Increasing; the `before` cursor of the next page'),
    at: Time,
    action: z.string(),
    actor: z
      .object({ userId: Id.nullable(), email: z.string().nullable(), keyId: Id.nullable() })
      .describe('Who did it; all null for PingPage itself or a failed sign-in. `email` is null once the person is gone.'),
    target: z.string().nullable(),
    ip: z.string().nullable().describe('The address the request came from, as the server saw it'),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditJson = z.infer<typeof AuditJson>;
