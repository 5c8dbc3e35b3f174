/** The monitors table (their results are results/entities.ts). */
import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';
import { STATUSES, type Assertion } from '../../contracts/monitors.js';
import { Org, User } from '../auth/entities.js';
import { fk } from '../db/entity.js';

export const Monitor = defineEntity({
  name: 'Monitor',
  tableName: 'monitors',
  properties: {
    id: p.uuid().primary(),
    org: () => fk(Org, 'monitors', 'org_id', 'cascade'),
    name: p.text(),
    /** A probe plugin id, e.g. 'http'. */
    probe: p.text(),
    /** The plugin's config as the user gave it (validated against the plugin's schema). */
    config: p.json<Record<string, unknown>>(),
    intervalSeconds: p.integer(),
    timeoutSeconds: p.integer(),
    /** Failures tolerated before down. */
    retries: p.integer(),
    assertions: p.json<Assertion[]>().default('[]'),
    tags: p.array().columnType('text[]').default('{}'),
    paused: p.boolean().default(false),
    status: p.enum([...STATUSES]).default('pending'),
    statusSince: p.datetime().defaultRaw('now()'),
    /** 'CODE: message' of the check that set the status. */
    statusReason: p.text().nullable(),
    createdBy: () => fk(User, 'monitors', 'created_by', 'set null').nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'monitors_org_idx', properties: ['org', 'createdAt'] }],
});
export type MonitorRow = InferEntity<typeof Monitor>;

export const monitorsEntities = [Monitor];
