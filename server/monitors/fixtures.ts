/** Rows and stand-ins the monitoring tests share (test-only). */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { loadConfig, type Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { createLogger } from '../log.js';
import type { Principal } from '../auth/types.js';
import type { RequireOrg } from '../auth/authorize.js';
import { run } from '../db/sql.js';

export const silentLog = createLogger('silent');

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: '/tmp/pingpage-unused', SESSION_SECRET: 'x'.repeat(32), ...env });
}

/** An org with one owner: enough for foreign keys and the audit log. */
export async function seedOrg(orm: Orm): Promise<{ orgId: string; userId: string; principal: Principal }> {
  const orgId = randomUUID();
  const userId = randomUUID();
  const em = orm.em.fork();
  await run(em, 'INSERT INTO orgs (id, name) VALUES (?, ?)', [orgId, 'Org ' + orgId.slice(0, 4)]);
  await run(em, 'INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, ?, ?)', [userId, `${userId}@example.test`, 'Owner', 'x']);
  await run(em, 'INSERT INTO memberships (org_id, user_id, role) VALUES (?, ?, ?)', [orgId, userId, 'owner']);
  return { orgId, userId, principal: { kind: 'user', userId, sessionId: randomUUID() } };
}

/** Monitor rows straight into the table, for tests that bypass the API's limits (1-s intervals). */
export async function seedMonitors(
  orm: Orm,
  orgId: string,
  monitors: Array<{ probe: string; config: object; intervalSeconds: number; timeoutSeconds: number; retries?: number }>,
): Promise<string[]> {
  const ids: string[] = [];
  for (const m of monitors) {
    const id = randomUUID();
    ids.push(id);
    await run(
      orm.em.fork(),
      `INSERT INTO monitors (id, org_id, name, probe, config, interval_seconds, timeout_seconds, retries)
       VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)`,
      [id, orgId, `m-${id.slice(0, 6)}`, m.probe, JSON.stringify(m.config), m.intervalSeconds, m.timeoutSeconds, m.retries ?? 1],
    );
  }
  return ids;
}

/** Middleware that treats every request as `principal`'s, for routes outside an org (GET /probes needs someone). */
export function signedInAs(principal: Principal): Middleware {
  return async (ctx, next) => {
    ctx.state.principal = principal;
    await next();
  };
}

/** A guard that lets every request through as `principal` (route wiring is tested with the real one). */
export function allowAll(principal: Principal): RequireOrg {
  return () => async (ctx, next) => {
    ctx.state.principal = principal;
    ctx.state.orgId = ctx.params.org as string;
    await next();
  };
}
