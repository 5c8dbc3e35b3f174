/** Invitations to join an organization (the other account tables are auth's: auth/entities.ts). */
import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';
import { ROLES } from '../../contracts/auth.js';
import { Org, User } from '../auth/entities.js';
import { fk } from '../db/entity.js';

export const Invitation = defineEntity({
  name: 'Invitation',
  tableName: 'invitations',
  properties: {
    id: p.uuid().primary(),
    org: () => fk(Org, 'invitations', 'org_id', 'cascade'),
    email: p.text(),
    role: p.enum([...ROLES]),
    invitedBy: () => fk(User, 'invitations', 'invited_by', 'set null').nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    expiresAt: p.datetime(),
    tokenHash: p.blob().unique('invitations_token_hash_key'),
    emailed: p.boolean().default(false),
    sentAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    { name: 'invitations_org_email_key', expression: 'CREATE UNIQUE INDEX invitations_org_email_key ON invitations (org_id, lower(email))' },
    { name: 'invitations_email_idx', expression: 'CREATE INDEX invitations_email_idx ON invitations (lower(email))' },
  ],
});
export type InvitationRow = InferEntity<typeof Invitation>;

export const orgsEntities = [Invitation];
