import type { Role, Scope } from '../../contracts/auth.js';

/** Who is making a request: a signed-in person (session cookie) or a program (API key). */
export type Principal =
  | { kind: 'user'; userId: string; sessionId: string }
  | { kind: 'key'; keyId: string; orgId: string; scopes: readonly Scope[] };

/** Everything a request can ask to do inside an organization (the vocabulary lives in contracts/auth.ts). */
export type { Action } from '../../contracts/auth.js';

/** What an org-scoped route finds in ctx.state once `requireOrg(action)` let it through. */
export interface OrgState {
  principal: Principal;
  orgId: string;
  /** The user's role in the org; undefined for API keys. */
  role?: Role;
  policy: { membersCanWrite: boolean };
}
