/**
 * Every monitor of the instance, read when the check engine starts.
 * Hot path: raw SQL (every monitor at the scheduler's start, measured by bench:scheduler).
 * bench:scheduler's time to all scheduled reads its 12,000 monitors here: as entities they cost
 * about four times this query, as the query builder's mapped rows (its date parser) about 1.5
 * times. Columns are aliased to the entity's property names (foreign keys as the Monitor type
 * names them: orgId, createdBy); timestamps arrive as text (results/entities.ts Selected).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { rows } from '../db/sql.js';
import type { Selected } from '../results/entities.js';
import type { MonitorRow } from './entities.js';
import type { Monitor } from './types.js';

type Row = Selected<
  Pick<
    MonitorRow,
    'id' | 'name' | 'probe' | 'config' | 'intervalSeconds' | 'timeoutSeconds' | 'retries' | 'assertions' | 'tags' | 'paused' | 'status' | 'statusSince' | 'statusReason' | 'createdAt' | 'updatedAt'
  >
> & { orgId: MonitorRow['org']['id']; createdBy: string | null };

/** Every monitor of every org: what the scheduler starts with. */
export async function allMonitors(em: EntityManager): Promise<Monitor[]> {
  const list = await rows<Row>(
    em,
    `SELECT id, org_id AS "orgId", name, probe, config, interval_seconds AS "intervalSeconds", timeout_seconds AS "timeoutSeconds", retries,
       assertions, tags, paused, status, status_since AS "statusSince", status_reason AS "statusReason", created_by AS "createdBy",
       created_at AS "createdAt", updated_at AS "updatedAt"
     FROM monitors`,
  );
  return list.map((r) => ({ ...r, statusSince: new Date(r.statusSince), createdAt: new Date(r.createdAt), updatedAt: new Date(r.updatedAt) }));
}
