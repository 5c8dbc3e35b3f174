/** The vocabularies of access: what an API key may be granted, and a member's role in an organization. */

export const SCOPES = ['monitors:read', 'monitors:write', 'status-pages:read', 'status-pages:write', 'incidents:write', 'org:admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const ROLES = ['owner', 'admin', 'member'] as const;
export type Role = (typeof ROLES)[number];
