import type { Middleware } from 'koa';
import { z } from 'zod';
import { AppError, forbidden, notFound, unauthorized } from '../errors.js';
import type { Guard } from '../http/routes.js';
import { ACTIONS, type Role, type Scope } from '../../contracts/auth.js';
import type { Action, OrgState, Principal } from './types.js';

const ALL: readonly Action[] = ACTIONS;

const BY_ROLE: Record<Role, ReadonlySet<Action>> = {
  owner: new Set(ALL),
  admin: new Set(ALL.filter((a) => a !== 'org:delete' && a !== 'owners:manage')),
  member: new Set<Action>(['org:read', 'members:read', 'monitors:read', 'status-pages:read']),
};

const BY_SCOPE: Record<Scope, readonly Action[]> = {
  'monitors:read': ['org:read', 'monitors:read'],
  'monitors:write': ['org:read', 'monitors:read', 'monitors:write'],
  'status-pages:read': ['org:read', 'status-pages:read'],
  'status-pages:write': ['org:read', 'status-pages:read', 'status-pages:write'],
  'incidents:write': ['org:read', 'status-pages:read', 'incidents:write'],
  // Programs may administer an org, but owners and the org's existence stay with people.
  'org:admin': ALL.filter((a) => a !== 'org:delete' && a !== 'owners:manage'),
};

export interface OrgPolicy {
  /** The org lets members create, edit and run monitors. */
  membersCanWrite: boolean;
}

/** The one decision every org-scoped request goes through. */
export function authorize(principal: Principal, role: Role | undefined, action: Action, policy: OrgPolicy): boolean {
  if (principal.kind === 'key') return principal.scopes.some((s) => BY_SCOPE[s].includes(action));
  if (!role) return false;
  if (role === 'member' && action === 'monitors:write') return policy.membersCanWrite;
  return BY_ROLE[role].has(action);
}

/** The API key scopes that allow `action` (none for what only people may do, e.g. org:delete). */
export function scopesAllowing(action: Action): Scope[] {
  return (Object.keys(BY_SCOPE) as Scope[]).filter((s) => BY_SCOPE[s].includes(action));
}

/**
 * The 403 for a principal `action` is refused to. For an API key it names the scopes that would
 * allow it (`details.requiredScopes`, any one of them), or says that keys never may.
 */
export function denied(principal: Principal, action: Action): AppError {
  if (principal.kind !== 'key') return forbidden();
  const requiredScopes = scopesAllowing(action);
  const message = requiredScopes.length
    ? `This API key lacks the scope this needs: ${requiredScopes.length > 1 ? 'one of ' : ''}${requiredScopes.join(', ')} (it has ${principal.scopes.join(', ')})`
    : 'API keys may not do this, whatever their scopes: sign in as a person';
  return new AppError(403, 'FORBIDDEN', message, { requiredScopes });
}

/**
 * The scopes of `scopes` a person with `role` could have granted: a scope survives when every
 * action it grants is one the role allows (BY_ROLE, whatever the org's policy). No role (not a
 * member) allows none.
 */
export function scopesWithin(role: Role | null, scopes: readonly Scope[]): Scope[] {
  if (!role) return [];
  return scopes.filter((s) => BY_SCOPE[s].every((a) => BY_ROLE[role].has(a)));
}

/** Guards a route that is not about one org but still needs someone: a signed-in person or any valid API key. */
export const requirePrincipal: Middleware = async (ctx, next) => {
  if (!ctx.state.principal) throw unauthorized();
  await next();
};

/** Looks up a user's membership: role and the org's policy, or undefined when not a member. */
export type MembershipLookup = (orgId: string, userId: string) => Promise<{ role: Role; policy: OrgPolicy } | undefined>;
/** The org's policy, or undefined when the org does not exist. */
export type PolicyLookup = (orgId: string) => Promise<OrgPolicy | undefined>;

const uuid = z.uuid();

/**
 * Guards a route under `/orgs/:org`: 401 without a principal, 404 for an org that does not exist
 * or is not the principal's (never 403: that would confirm it exists), 403 when the role or
 * scopes do not allow `action`. Sets ctx.state.orgId / role for the handler.
 */
export function orgGuard(lookups: { membership: MembershipLookup; policy: PolicyLookup }) {
  return (action: Action): Middleware<OrgState> =>
    async (ctx, next) => {
      const principal = ctx.state.principal as Principal | undefined;
      if (!principal) throw unauthorized();
      const orgId = ctx.params?.org as string | undefined;
      if (!orgId || !uuid.safeParse(orgId).success) throw notFound('Organization');
      let role: Role | undefined;
      let policy: OrgPolicy | undefined;
      if (principal.kind === 'user') {
        const m = await lookups.membership(orgId, principal.userId);
        if (!m) throw notFound('Organization');
        ({ role, policy } = m);
      } else {
        if (principal.orgId !== orgId) throw notFound('Organization');
        policy = await lookups.policy(orgId);
        if (!policy) throw notFound('Organization');
      }
      if (!authorize(principal, role, action, policy)) throw denied(principal, action);
      ctx.state.orgId = orgId;
      ctx.state.role = role;
      ctx.state.policy = policy;
      await next();
    };
}

export type RequireOrg = ReturnType<typeof orgGuard>;

/** Inside a guarded route: may this principal also do `action` (e.g. manage owners)? */
export function can(state: OrgState, action: Action): boolean {
  return authorize(state.principal, state.role, action, state.policy);
}

/**
 * What the route mounter (http/routes.ts) puts before a route declared with `auth`: nothing for
 * `none`; someone signed in or holding a key for `session` and `session-or-key` (routes for people
 * only refuse keys themselves, each with its reason); the org guard for an org permission.
 */
export function routeGuard(requireOrg: RequireOrg): Guard {
  return (auth) => {
    if (auth === 'none') return [];
    if (auth === 'session' || auth === 'session-or-key') return [requirePrincipal];
    return [requireOrg(auth) as Middleware];
  };
}
