import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { loadConfig } from '../config.js';
import { startPingPage } from '../main.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, type TestClient } from '../testing/client.js';
import { ensureSelfMonitor } from './self.js';

interface Listed {
  id: string;
  name: string;
  probe: string;
  config: { url: string };
  tags: string[];
}

const waitFor = async <T>(fn: () => Promise<T | undefined>, ms = 5_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('self-monitoring (on by default in the product)', () => {
  let app: TestApp;
  let owner: TestClient;
  let orgA: string;

  beforeAll(async () => {
    app = await startTestApp({ PINGPAGE_SELF_MONITOR: 'true', PINGPAGE_SIGNUP: 'open', PINGPAGE_PRIVATE_TARGETS: 'allow' });
  });
  afterAll(() => app?.stop());

  it("gives the first organization a monitor of the install's own /readyz, which checks up, made by PingPage", async () => {
    ({ client: owner, orgId: orgA } = await signUp(app.url, 'owner@example.com'));
    const mine = await waitFor(async () => ((await owner.get(`/orgs/${orgA}/monitors`)).body as Listed[]).find((m) => m.name === 'PingPage'));
    expect(mine).toMatchObject({ probe: 'http', config: { url: `${app.config.PUBLIC_URL}/readyz` }, tags: ['pingpage'] });
    const check = await owner.post(`/orgs/${orgA}/monitors/${mine.id}/check`);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ ok: true });
    const audit = (await owner.get(`/orgs/${orgA}/audit-log`)).body as Array<{ action: string; target: string; actor: { userId: string | null; keyId: string | null } }>;
    expect(audit.find((e) => e.action === 'monitor.created' && e.target === mine.id)?.actor).toMatchObject({ userId: null, keyId: null });
  });

  it('gives later organizations none', async () => {
    const { client, orgId } = await signUp(app.url, 'second@example.com');
    await new Promise((r) => setTimeout(r, 300));
    expect((await client.get(`/orgs/${orgId}/monitors`)).body).toEqual([]);
  });

  it('made once: deleted, it stays deleted after a restart; racing processes make one', async () => {
    const [mine] = ((await owner.get(`/orgs/${orgA}/monitors`)).body as Listed[]).filter((m) => m.name === 'PingPage');
    expect((await owner.delete(`/orgs/${orgA}/monitors/${mine!.id}`)).status).toBe(204);
    const again = await startPingPage(loadConfig({ DATABASE_URL: app.db.url, PORT: '0', DATA_DIR: app.config.DATA_DIR, LOG_LEVEL: 'silent' }), {
      log: createLogger('silent'),
    });
    try {
      expect(((await owner.get(`/orgs/${orgA}/monitors`)).body as Listed[]).filter((m) => m.name === 'PingPage')).toEqual([]);
      // A fresh install state (the record gone), two processes at once: one monitor.
      await app.orm.em.fork().getConnection().execute("DELETE FROM instance_settings WHERE key = 'self_monitor'");
      const log = createLogger('silent');
      await Promise.all([
        ensureSelfMonitor(app.orm.em.fork(), app.monitoring.service, app.config.PUBLIC_URL, log),
        ensureSelfMonitor(again.orm.em.fork(), again.monitoring.service, again.config.PUBLIC_URL, log),
      ]);
      expect(((await owner.get(`/orgs/${orgA}/monitors`)).body as Listed[]).filter((m) => m.name === 'PingPage')).toHaveLength(1);
    } finally {
      await again.close();
    }
  });
});

describe('self-monitoring off', () => {
  let app: TestApp;
  afterAll(() => app?.stop());

  it('PINGPAGE_SELF_MONITOR=false makes no monitor', async () => {
    app = await startTestApp({ PINGPAGE_SELF_MONITOR: 'false' });
    const { client, orgId } = await signUp(app.url, 'owner@example.com');
    await new Promise((r) => setTimeout(r, 300));
    expect((await client.get(`/orgs/${orgId}/monitors`)).body).toEqual([]);
  });
});
