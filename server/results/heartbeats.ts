/** Raw heartbeats of one monitor, newest first: an index range, never a scan. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { HeartbeatJson, MonitorStatus, Timings } from '../../contracts/monitors.js';
import { rows } from '../db/sql.js';

interface Row {
  at: string | Date;
  status: MonitorStatus;
  ok: boolean;
  latency_ms: number | null;
  timings: Timings | null;
  error_code: string | null;
  error_message: string | null;
  metadata: Record<string, unknown> | null;
}

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
    `SELECT at, status, ok, latency_ms, timings, error_code, error_message, metadata FROM heartbeats WHERE ${where} ORDER BY at DESC LIMIT ?`,
    params,
  );
  return list.map((r) => ({
    at: new Date(r.at).toISOString(),
    status: r.status,
    ok: r.ok,
    latencyMs: r.latency_ms,
    timings: r.timings ?? {},
    // One pair of columns holds the error of a failed check or the warning of a passing one.
    error: r.error_code && !r.ok ? { code: r.error_code, message: r.error_message ?? '' } : null,
    warning: r.error_code && r.ok ? { code: r.error_code, message: r.error_message ?? '' } : null,
    metadata: r.metadata ?? {},
  }));
}
