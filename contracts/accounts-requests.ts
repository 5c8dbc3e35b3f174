/**
 * Accounts requests (bodies and queries): sign-up, log-in, passwords, the audit log's paging
 * (server/auth/), organizations, members, API keys and invitations (server/orgs/). Validated once
 * at the edge by the routes that declare them.
 */
import { z } from 'zod';
import { ROLES, SCOPES } from './auth.js';
import { page, passwordSchema } from './input.js';
import { ACCOUNT } from './messages.js';

const email = z.email({ error: ACCOUNT.email }).max(254);
export const signupBody = z.strictObject({
  email,
  password: passwordSchema,
  name: z.string({ error: ACCOUNT.name }).trim().min(1, { error: ACCOUNT.name }).max(100),
  orgName: z.string({ error: ACCOUNT.orgName }).trim().min(1, { error: ACCOUNT.orgName }).max(100).optional(),
  /** The secret of an invitation link (`pp_inv_…`): the new account accepts it at once. */
  invitationToken: z.string().max(200).optional(),
  /** The set-up code PingPage printed at start: the first account needs it unless created from this machine. */
  setupCode: z.string().max(64).optional(),
});
export const loginBody = z.strictObject({ email: z.string().max(254), password: z.string().max(1024) });
export const passwordBody = z.strictObject({ currentPassword: z.string().max(1024), newPassword: passwordSchema });

/** A page of a log, newest first: `limit` entries older than the entry `before` (an id from a previous page). */
export const auditQuery = z.strictObject({
  limit: page.limit(500, 100),
  before: page.before(z.string().regex(/^\d{1,19}$/)),
});
export type AuditPage = z.infer<typeof auditQuery>;

const name = z.string().trim().min(1).max(100);
export const orgBody = z.strictObject({ name });
export const orgPatch = z.strictObject({ name: name.optional(), membersCanWrite: z.boolean().optional() });
export const rolePatch = z.strictObject({ role: z.enum(ROLES) });
export const keyBody = z.strictObject({ name, scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length) });

export const memberBody = z.strictObject({ email: z.email().max(254), role: z.enum(ROLES) });
/** Accepting takes nothing but the link: the role is the invitation's. */
export const acceptBody = z.strictObject({});
