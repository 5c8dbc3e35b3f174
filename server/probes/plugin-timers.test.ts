/**
 * Issue 12, hole 9: a plugin's timers do not outlive its check. An external plugin leaves
 * intervals (global and node:timers) and a late timeout behind; once the check has answered,
 * none of them fires again.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, type TestClient } from '../testing/client.js';

interface Ticks {
  global: number;
  timers: number;
  late: number;
  cleared: number;
}
const ticks = ((globalThis as { leakyTicks?: Ticks }).leakyTicks = { global: 0, timers: 0, late: 0, cleared: 0 });

const dir = mkdtempSync(path.join(os.tmpdir(), 'pp-leaky-'));
symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'));
writeFileSync(
  path.join(dir, 'leaky.mjs'),
  `import { z } from 'zod';
  import { setInterval as timersInterval } from 'node:timers';
  const ticks = globalThis.leakyTicks;
  export default {
    id: 'leaky', version: '1.0.0', apiVersion: 1, title: 'Leaky', description: 'Leaves its timers running',
    configSchema: z.strictObject({}),
    async run() {
      setInterval(() => ticks.global++, 1);
      timersInterval(() => ticks.timers++, 1);
      setTimeout(() => ticks.late++, 30);
      // Its own timers work while the check runs, clearTimeout included.
      clearTimeout(setTimeout(() => ticks.cleared++, 1));
      await new Promise((resolve) => {
        const wait = setInterval(() => ticks.global >= 2 && ticks.timers >= 2 && (clearInterval(wait), resolve()), 1);
      });
      return { ok: true, timings: {}, metadata: {} };
    },
  };`,
);

let app: TestApp;
let client: TestClient;
let orgId: string;
beforeAll(async () => {
  app = await startTestApp({ PINGPAGE_PLUGINS: path.join(dir, 'leaky.mjs') });
  ({ client, orgId } = await signUp(app.url, 'owner@example.com'));
});
afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('timers a plugin leaves behind', () => {
  it('are cleared when its check ends: no interval ticks and no late timeout fires afterwards', async () => {
    const monitor = await client.post(`/orgs/${orgId}/monitors`, { name: 'Leaky', probe: 'leaky', config: {}, intervalSeconds: 3600 });
    const check = await client.post(`/orgs/${orgId}/monitors/${monitor.body.id}/check`);
    expect(check.body).toMatchObject({ ok: true, status: 'up' });
    const after = { ...ticks };
    expect(after.global).toBeGreaterThanOrEqual(2);
    expect(after.timers).toBeGreaterThanOrEqual(2);

    // Long enough for every one of them to have fired, in this process's own timer order, were they alive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ticks).toEqual({ ...after, late: 0, cleared: 0 });
  });
});
