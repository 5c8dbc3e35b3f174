/** The vocabularies of access: what an API key may be granted, and a member's role in an organization. */

export const SCOPES = ['monitors:read', 'monitors:write', 'status-pages:read', 'status-pages:write', 'incidents:write', 'org:admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const ROLES = ['owner', 'admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Everything a request can ask to do inside an organization. The server decides each one from the
 * principal's role (people) or scopes (API keys); routes name the action, never a role.
 */
export const ACTIONS = [
  'org:read', 'org:update', 'org:delete', 'members:read', 'members:manage', 'owners:manage', 'keys:manage',
  'audit:read', 'monitors:read', 'monitors:write', 'status-pages:read', 'status-pages:write', 'incidents:write',
  'channels:manage',
] as const;
export type Action = (typeof ACTIONS)[number];
