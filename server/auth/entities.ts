/**
 * Accounts: people, organizations, who belongs where, server-side sessions, API keys, the audit
 * log, sign-in throttling and instance-wide settings. Every other domain's rows belong to an
 * organization, so Org lives here, at the bottom of the domains (server/README.md).
 * The tables are made by migrations/ (the only place the schema changes); these entities
 * describe them, and migrations/entities.test.ts fails when the two disagree.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';
import { ROLES, type Scope } from '../../contracts/auth.js';
import { fk } from '../db/entity.js';

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    email: p.text(),
    name: p.text(),
    passwordHash: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
    passwordChangedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'users_email_key', expression: 'CREATE UNIQUE INDEX users_email_key ON users (lower(email))' }],
});
export type UserRow = InferEntity<typeof User>;

export const Org = defineEntity({
  name: 'Org',
  tableName: 'orgs',
  properties: {
    id: p.uuid().primary(),
    name: p.text(),
    membersCanWrite: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export type OrgRow = InferEntity<typeof Org>;

export const Membership = defineEntity({
  name: 'Membership',
  tableName: 'memberships',
  properties: {
    org: () => fk(Org, 'memberships', 'org_id', 'cascade').primary(),
    user: () => fk(User, 'memberships', 'user_id', 'cascade').primary(),
    role: p.enum([...ROLES]),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'memberships_user_idx', properties: ['user'] }],
});
export type MembershipRow = InferEntity<typeof Membership>;

export const Session = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    id: p.uuid().primary(),
    sidHash: p.blob().unique('sessions_sid_hash_key'),
    user: () => fk(User, 'sessions', 'user_id', 'cascade').nullable(),
    data: p.json<Record<string, unknown>>(),
    ip: p.text().nullable(),
    userAgent: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    lastSeenAt: p.datetime().defaultRaw('now()'),
    expiresAt: p.datetime(),
  },
  indexes: [
    { name: 'sessions_user_idx', properties: ['user'] },
    { name: 'sessions_expires_idx', properties: ['expiresAt'] },
  ],
});
export type SessionRow = InferEntity<typeof Session>;

export const ApiKey = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    id: p.uuid().primary(),
    org: () => fk(Org, 'api_keys', 'org_id', 'cascade'),
    name: p.text(),
    prefix: p.text(),
    keyHash: p.blob().unique('api_keys_key_hash_key'),
    scopes: p.array<Scope>().columnType('text[]'),
    createdBy: () => fk(User, 'api_keys', 'created_by', 'set null').nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
  indexes: [{ name: 'api_keys_org_idx', properties: ['org'] }],
});
export type ApiKeyRow = InferEntity<typeof ApiKey>;

export const AuditEntry = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    org: () => fk(Org, 'audit_log', 'org_id', 'cascade').nullable(),
    actorUser: () => fk(User, 'audit_log', 'actor_user_id', 'set null').nullable(),
    actorKey: () => fk(ApiKey, 'audit_log', 'actor_key_id', 'set null').nullable(),
    action: p.text(),
    target: p.text().nullable(),
    ip: p.text().nullable(),
    details: p.json<Record<string, unknown>>().nullable(),
    at: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    { name: 'audit_log_org_at_idx', expression: 'CREATE INDEX audit_log_org_at_idx ON audit_log (org_id, at DESC)' },
    { name: 'audit_log_account_idx', expression: 'CREATE INDEX audit_log_account_idx ON audit_log (target, id DESC) WHERE org_id IS NULL' },
  ],
});
export type AuditEntryRow = InferEntity<typeof AuditEntry>;

/** Failed sign-ins per key (an UNLOGGED table: a crash forgets them, which only forgives). */
export const LoginAttempt = defineEntity({
  name: 'LoginAttempt',
  tableName: 'login_attempts',
  properties: {
    key: p.text().primary(),
    attempts: p.integer(),
    expiresAt: p.datetime(),
    nextAt: p.datetime().nullable(),
  },
  indexes: [{ name: 'login_attempts_expires_idx', properties: ['expiresAt'] }],
});
export type LoginAttemptRow = InferEntity<typeof LoginAttempt>;

/** Instance-wide settings, one JSON value per key (the set-up code, the self-monitor, ...). */
export const InstanceSetting = defineEntity({
  name: 'InstanceSetting',
  tableName: 'instance_settings',
  properties: {
    key: p.text().primary(),
    value: p.json<unknown>(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export type InstanceSettingRow = InferEntity<typeof InstanceSetting>;

export const authEntities = [User, Org, Membership, Session, ApiKey, AuditEntry, LoginAttempt, InstanceSetting];
