/** Rows and stand-ins the monitoring tests share (test-only). */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { loadConfig, type Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { createLogger } from '../log.js';
import type { Principal } from '../auth/types.js';
import type { RequireOrg } from '../auth/authorize.js';
import { Membership, Org, User } from '../auth/entities.js';
import { Monitor } from './entities.js';

export const silentLog = createLogger('silent');

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: '/tmp/pingpage-unused', SESSION_SECRET: 'x'.repeat(32), ...env });
}

/** An org with one owner: enough for foreign keys and the audit log. */
export async function seedOrg(orm: Orm): Promise<{ orgId: string; userId: string; principal: Principal }> {
  const orgId = randomUUID();
  const userId = randomUUID();
  const em = orm.em.fork();
  await em.insert(Org, { id: orgId, name: 'Org ' + orgId.slice(0, 4) });
  await em.insert(User, { id: userId, email: `${userId}@example.test`, name: 'Owner', passwordHash: 'x' });
  await em.insert(Membership, { org: orgId, user: userId, role: 'owner' });
  return { orgId, userId, principal: { kind: 'user', userId, sessionId: randomUUID() } };
}

/** Monitor rows straight into the table, for tests that bypass the API's limits (1-s intervals). */
export async function seedMonitors(
  orm: Orm,
  orgId: string,
  monitors: Array<{ probe: string; config: Record<string, unknown>; intervalSeconds: number; timeoutSeconds: number; retries?: number }>,
): Promise<string[]> {
  const rows = monitors.map((m) => {
    const id = randomUUID();
    return { id, org: orgId, name: `m-${id.slice(0, 6)}`, probe: m.probe, config: m.config, intervalSeconds: m.intervalSeconds, timeoutSeconds: m.timeoutSeconds, retries: m.retries ?? 1 };
  });
  if (rows.length) await orm.em.fork().insertMany(Monitor, rows);
  return rows.map((r) => r.id);
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
