/**
 * Raw heartbeats of one monitor, newest first: an index range, never a scan.
 * Hot path: raw SQL (a monitor's raw heartbeats, the history read beside those measured by bench:history).
 * bench:history times the uptime and daily reads (rollups.ts), not this one. It stays raw also
 * because heartbeats have no key (entities.ts): the ORM's identity map would fold two checks of a
 * monitor stored at the same instant into one.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { HeartbeatJson } from '../../contracts/monitors.js';
import { rows } from '../db/sql.js';
import type { HeartbeatRow, Selected } from './entities.js';

type Row = Selected<Pick<HeartbeatRow, 'at' | 'status' | 'ok' | 'latencyMs' | 'timings' | 'errorCode' | 'errorMessage' | 'metadata'>>;

export async function listHeartbeats(
  em: EntityManager,
  monitorId: string,
  q: { from?: Date; to?: Date; limit: number },
): Promise<HeartbeatJson[]> {
  const params: unknown[] = [monitorId];
  let where = 'monitor_id = ?';
  if (q.from) {
    where += ' AND at >= ?';
    params.push(q.from);
  }
  if (q.to) {
    where += ' AND at < ?';
    params.push(q.to);
  }
  params.push(q.limit);
  const list = await rows<Row>(
    em,
    `SELECT at, status, ok, latency_ms AS "latencyMs", timings, error_code AS "errorCode", error_message AS "errorMessage", metadata
     FROM heartbeats WHERE ${where} ORDER BY at DESC LIMIT ?`,
    params,
  );
  return list.map((r) => ({
    at: new Date(r.at).toISOString(),
    status: r.status,
    ok: r.ok,
    latencyMs: r.latencyMs,
    timings: r.timings ?? {},
    // One pair of columns holds the error of a failed check or the warning of a passing one.
    error: r.errorCode && !r.ok ? { code: r.errorCode, message: r.errorMessage ?? '' } : null,
    warning: r.errorCode && r.ok ? { code: r.errorCode, message: r.errorMessage ?? '' } : null,
    metadata: r.metadata ?? {},
  }));
}
