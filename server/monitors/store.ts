/** The monitors table. Every org-facing query filters by org_id: another org's monitor does not exist. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { rows as queryRows, run } from '../db/sql.js';
import type { Monitor } from './types.js';
import type { Assertion, MonitorStatus } from '../../contracts/monitors.js';

interface Row {
  id: string;
  org_id: string;
  name: string;
  probe: string;
  config: Record<string, unknown>;
  interval_seconds: number;
  timeout_seconds: number;
  retries: number;
  assertions: Assertion[];
  tags: string[];
  paused: boolean;
  status: MonitorStatus;
  status_since: string | Date;
  status_reason: string | null;
  created_by: string | null;
  created_at: string | Date;
  updated_at: string | Date;
}

const COLUMNS =
  'id, org_id, name, probe, config, interval_seconds, timeout_seconds, retries, assertions, tags, paused, status, status_since, status_reason, created_by, created_at, updated_at';

function fromRow(r: Row): Monitor {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    probe: r.probe,
    config: r.config,
    intervalSeconds: r.interval_seconds,
    timeoutSeconds: r.timeout_seconds,
    retries: r.retries,
    assertions: r.assertions,
    tags: r.tags,
    paused: r.paused,
    status: r.status,
    statusSince: new Date(r.status_since),
    statusReason: r.status_reason,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}


export async function listMonitors(em: EntityManager, orgId: string): Promise<Monitor[]> {
  const rows = await queryRows<Row>(em, `SELECT ${COLUMNS} FROM monitors WHERE org_id = ? ORDER BY created_at, id`, [orgId]);
  return rows.map(fromRow);
}

/** Every monitor of every org: what the scheduler starts with. */
export async function allMonitors(em: EntityManager): Promise<Monitor[]> {
  const rows = await queryRows<Row>(em, `SELECT ${COLUMNS} FROM monitors`, []);
  return rows.map(fromRow);
}

/** Id and last change of every monitor: enough to tell which ones to re-read. */
export async function monitorVersions(em: EntityManager): Promise<Array<{ id: string; updatedAt: Date }>> {
  const rows = await queryRows<{ id: string; updated_at: string | Date }>(em, 'SELECT id, updated_at FROM monitors', []);
  return rows.map((r) => ({ id: r.id, updatedAt: new Date(r.updated_at) }));
}

export async function monitorsById(em: EntityManager, ids: readonly string[]): Promise<Monitor[]> {
  const rows = await queryRows<Row>(
    em,
    `SELECT ${COLUMNS} FROM monitors WHERE id = ANY (ARRAY(SELECT json_array_elements_text(?::json))::uuid[])`,
    [JSON.stringify(ids)],
  );
  return rows.map(fromRow);
}

export async function findMonitor(em: EntityManager, orgId: string, id: string, forUpdate = false): Promise<Monitor | undefined> {
  const rows = await queryRows<Row>(
    em,
    `SELECT ${COLUMNS} FROM monitors WHERE org_id = ? AND id = ?${forUpdate ? ' FOR UPDATE' : ''}`,
    [orgId, id],
  );
  return rows[0] && fromRow(rows[0]);
}

export type NewMonitor = Pick<Monitor, 'id' | 'orgId' | 'name' | 'probe' | 'config' | 'intervalSeconds' | 'timeoutSeconds' | 'retries' | 'assertions' | 'tags' | 'createdBy'>;

export async function insertMonitor(em: EntityManager, m: NewMonitor): Promise<Monitor> {
  const rows = await queryRows<Row>(
    em,
    `INSERT INTO monitors (id, org_id, name, probe, config, interval_seconds, timeout_seconds, retries, assertions, tags, created_by)
     VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ARRAY(SELECT json_array_elements_text(?::json)), ?) RETURNING ${COLUMNS}`,
    [m.id, m.orgId, m.name, m.probe, JSON.stringify(m.config), m.intervalSeconds, m.timeoutSeconds, m.retries, JSON.stringify(m.assertions), JSON.stringify(m.tags), m.createdBy],
  );
  return fromRow(rows[0]!);
}

export type MonitorChanges = Partial<Pick<Monitor, 'name' | 'probe' | 'config' | 'intervalSeconds' | 'timeoutSeconds' | 'retries' | 'assertions' | 'tags'>>;

const CHANGE_COLUMNS: Record<keyof MonitorChanges, [string, (v: never) => unknown]> = {
  name: ['name = ?', (v: string) => v],
  probe: ['probe = ?', (v: string) => v],
  config: ['config = ?::jsonb', (v: object) => JSON.stringify(v)],
  intervalSeconds: ['interval_seconds = ?', (v: number) => v],
  timeoutSeconds: ['timeout_seconds = ?', (v: number) => v],
  retries: ['retries = ?', (v: number) => v],
  assertions: ['assertions = ?::jsonb', (v: object) => JSON.stringify(v)],
  tags: ['tags = ARRAY(SELECT json_array_elements_text(?::json))', (v: string[]) => JSON.stringify(v)],
};

export async function updateMonitor(em: EntityManager, orgId: string, id: string, changes: MonitorChanges): Promise<Monitor | undefined> {
  const sets = ['updated_at = now()'];
  const params: unknown[] = [];
  for (const [key, value] of Object.entries(changes) as [keyof MonitorChanges, never][]) {
    if (value === undefined) continue;
    const [sql, encode] = CHANGE_COLUMNS[key];
    sets.push(sql);
    params.push(encode(value));
  }
  const rows = await queryRows<Row>(
    em,
    `UPDATE monitors SET ${sets.join(', ')} WHERE org_id = ? AND id = ? RETURNING ${COLUMNS}`,
    [...params, orgId, id],
  );
  return rows[0] && fromRow(rows[0]);
}

/** Pause, resume or maintenance: a status set by people, effective from `since`. */
export async function setPaused(em: EntityManager, orgId: string, id: string, paused: boolean, status: MonitorStatus, since: Date): Promise<Monitor | undefined> {
  const rows = await queryRows<Row>(
    em,
    `UPDATE monitors SET paused = ?, status = ?, status_since = ?, status_reason = NULL, updated_at = now()
     WHERE org_id = ? AND id = ? RETURNING ${COLUMNS}`,
    [paused, status, since, orgId, id],
  );
  return rows[0] && fromRow(rows[0]);
}

export async function deleteMonitor(em: EntityManager, orgId: string, id: string): Promise<boolean> {
  const deleted = await run(em, 'DELETE FROM monitors WHERE org_id = ? AND id = ?', [orgId, id]);
  return deleted > 0;
}
