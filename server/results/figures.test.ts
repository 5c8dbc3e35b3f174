/**
 * Bug 2 of issue 13: one monitor read 99.93 % on the dashboard row, 58.33 % on its page, 62.50 % on
 * its status-page component and 87.5 % on the badge. Here one history (retries, an outage, a check
 * run by hand, a maintenance window, a pause; a monitor six hours old) is recorded the way the
 * check engine records it, through the real writer and event bus, at chosen times, and the figure is
 * read back every way a person can read it: each must be the one number the definition gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardMonitor, DashboardSnapshot, HeartbeatEvent } from '../../contracts/events.js';
import { FakeClock } from '../scheduler/fake-clock.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, type TestClient } from '../testing/client.js';
import { connected, emitAck, openSocket } from '../testing/sockets.js';
import { HISTORY_CHECKS, HISTORY_INTERVAL, HISTORY_PERCENT, HISTORY_PRINTED, HISTORY_TIME, UptimeHistory } from '../testing/uptime-history.js';
import type { MonitorStatus } from '../../contracts/monitors.js';
import { addCheck, beatLetter, formatPercent, NO_CHECKED_TIME, uptimePercent, windowStart, type CheckedTime, type UptimeWindow } from '../../contracts/uptime.js';


let app: TestApp;
let owner: TestClient;
let orgId: string;
let monitorId: string;
let history: UptimeHistory;

beforeAll(async () => {
  // A clock that never moves and no check at creation: the scheduler runs nothing, every check below is the test's.
  app = await startTestApp({}, { monitoring: { clock: new FakeClock(Date.now()), immediateChecks: 0 } });
  ({ client: owner, orgId } = await signUp(app.url, 'ada@example.com', { orgName: 'Acme' }));
  const res = await owner.post(`/orgs/${orgId}/monitors`, { name: 'API', probe: 'http', config: { url: 'http://127.0.0.1:9/' }, intervalSeconds: HISTORY_INTERVAL, retries: 2 });
  expect(res.status).toBe(201);
  monitorId = res.body.id;
  history = new UptimeHistory(app, orgId, monitorId);
  // Six hours old: younger than every window.
  await app.orm.em.getConnection().execute('UPDATE monitors SET created_at = ? WHERE id = ?', [new Date(history.base), monitorId]);
});
afterAll(() => app?.stop());

describe('one history, one uptime', () => {
  let live: number | null = null;

  it('the dashboard: the snapshot, then each pushed check added the way the browser adds it', async () => {
    history.firstPart();
    await app.monitoring.writer.flush();
    const socket = openSocket(app.url, '/dashboard', { cookie: owner.cookie });
    try {
      await connected(socket);
      const pushed: HeartbeatEvent[] = [];
      socket.on('heartbeat', (e: HeartbeatEvent) => pushed.push(e));
      const ack = await emitAck<{ ok: true; data: DashboardSnapshot }>(socket, 'subscribe', { orgId });
      const row = ack.data.monitors.find((m) => m.id === monitorId)!;
      expect(row.beats.s).toBe('m'.repeat(20) + 'u'.repeat(30)); // the strip: the last 50 checks

      history.secondPart();
      await expect.poll(() => pushed.length).toBe(HISTORY_CHECKS[1]);
      // MonitorRow.addBeat: the previous check is the strip's last, the interval the row's.
      let checked = row.checked24h;
      let last = row.beats.dt.reduce((a, b) => a + b, 0);
      for (const e of pushed) {
        const t = Math.floor(Date.parse(e.at) / 1000);
        checked = addCheck(checked, beatLetter(e.status, e.ok), last, t, row.intervalSeconds);
        last = t;
      }
      expect(checked).toEqual(HISTORY_TIME);
      live = uptimePercent(checked);
      expect(live).toBe(HISTORY_PERCENT);
    } finally {
      socket.close();
    }
    await app.monitoring.writer.flush();
  });

  it('the server: its dashboard snapshot, the API windows and the daily bars', async () => {
    const dash = await owner.get<{ monitors: DashboardMonitor[] }>(`/orgs/${orgId}/dashboard`);
    const row = dash.body.monitors.find((m) => m.id === monitorId)!;
    expect(row.checked24h).toEqual(HISTORY_TIME);
    expect(row.uptime24h).toBe(HISTORY_PERCENT);
    const api = await owner.get(`/orgs/${orgId}/monitors/${monitorId}/uptime?windows=24h,7d,30d,90d`);
    expect(api.body).toEqual({ '24h': HISTORY_PERCENT, '7d': HISTORY_PERCENT, '30d': HISTORY_PERCENT, '90d': HISTORY_PERCENT });
    expect(live).toBe(HISTORY_PERCENT);
    // The daily bars hold every check (the history may span two UTC days), and a day with checks has its figure.
    const days = (await owner.get<Array<{ uptime: number | null; checks: number }>>(`/orgs/${orgId}/monitors/${monitorId}/daily?days=2`)).body;
    expect(days.reduce((n, d) => n + d.checks, 0)).toBe(HISTORY_CHECKS[0] + HISTORY_CHECKS[1]);
    for (const d of days) if (d.checks) expect(d.uptime).not.toBeNull();
  });

  it('the status page: the component, the whole page, its HTML, and both badges', async () => {
    const created = await owner.post(`/orgs/${orgId}/status-pages`, { slug: 'acme', title: 'Acme', components: [{ name: 'API', monitorIds: [monitorId] }] });
    expect(created.status).toBe(201);
    await app.statusPages.store.refreshAll();
    const pub = await owner.get(`/public/status-pages/acme`);
    expect(pub.body.components[0].uptime90d).toBe(HISTORY_PERCENT);
    expect(pub.body.uptime90d).toBe(HISTORY_PERCENT);
    const html = await (await fetch(`${app.url}/status/acme`)).text();
    expect(html).toContain(`${HISTORY_PRINTED} uptime`);
    for (const path of ['/status/acme/badge.svg?type=uptime', `/status/acme/components/${created.body.components[0].id}/badge.svg?type=uptime`]) {
      const svg = await (await fetch(app.url + path)).text();
      expect(svg).toMatch(new RegExp(`<title>(API )?uptime: ${HISTORY_PRINTED.replace('.', '\\.')}</title>`));
    }
    expect(formatPercent(HISTORY_PERCENT)).toBe(HISTORY_PRINTED);
  });

  it('a monitor older than the window: each window its own figure, every way the same, as the definition counts it', async () => {
    const HOUR = 3_600_000;
    const res = await owner.post(`/orgs/${orgId}/monitors`, { name: 'Old', probe: 'http', config: { url: 'http://127.0.0.1:9/' }, intervalSeconds: 3600 });
    const id = res.body.id as string;
    const start = windowStart('24h', Date.now());
    // Hourly checks at half past, for 30 days; none within 90 min of where the 24 h window starts,
    // so the hour turning while the test runs changes nothing. Down 6 hours ten days ago and 2 hours
    // today, maintenance 3 hours two days ago, a day paused five days ago.
    const checks: Array<{ at: number; status: MonitorStatus; ok: boolean }> = [];
    const top = Math.floor(Date.now() / HOUR) * HOUR;
    for (let k = 30 * 24; k >= 1; k--) {
      const at = top - k * HOUR + HOUR / 2;
      if (Math.abs(at - start) < 1.5 * HOUR || (k > 5 * 24 && k <= 6 * 24)) continue;
      const status: MonitorStatus = (k > 240 && k <= 246) || (k > 3 && k <= 5) ? 'down' : k > 48 && k <= 51 ? 'maintenance' : 'up';
      checks.push({ at, status, ok: status !== 'down' });
    }
    for (const c of checks) {
      app.monitoring.writer.enqueue({ monitorId: id, at: new Date(c.at), status: c.status, ok: c.ok, latencyMs: 5, timings: {}, metadata: {}, intervalSeconds: 3600 });
      app.monitoring.events.emit('heartbeat', { monitorId: id, orgId, at: new Date(c.at).toISOString(), status: c.status, ok: c.ok, latencyMs: 5, intervalSeconds: 3600 });
    }
    await app.monitoring.writer.flush();
    const page = await owner.post(`/orgs/${orgId}/status-pages`, { slug: 'old', title: 'Old', components: [{ name: 'Old', monitorIds: [id] }] });
    await app.statusPages.store.refreshAll();

    // The definition, folded over the list above.
    const now = Date.now();
    const reference = (w: UptimeWindow) => {
      let t: CheckedTime = NO_CHECKED_TIME;
      checks.forEach((c, i) => {
        if (c.at >= windowStart(w, now)) t = addCheck(t, beatLetter(c.status, c.ok), i ? Math.floor(checks[i - 1]!.at / 1000) : undefined, Math.floor(c.at / 1000), 3600);
      });
      return uptimePercent(t);
    };
    const day = reference('24h');
    const ninety = reference('90d');
    expect(day).toBe(90.909); // 20 of 22 hours up
    expect(ninety).not.toBe(day);

    const api = (await owner.get(`/orgs/${orgId}/monitors/${id}/uptime?windows=24h,90d`)).body;
    const dash = (await owner.get<{ monitors: DashboardMonitor[] }>(`/orgs/${orgId}/dashboard`)).body.monitors.find((m) => m.id === id)!;
    const component = (await owner.get('/public/status-pages/old')).body.components[0].uptime90d;
    const svg = await (await fetch(`${app.url}/status/old/components/${page.body.components[0].id}/badge.svg?type=uptime`)).text();
    expect({ api24h: api['24h'], dashboard: dash.uptime24h, api90d: api['90d'], component, badge: /uptime: ([^<]+)<\/title>/.exec(svg)![1] }).toEqual({
      api24h: day,
      dashboard: day,
      api90d: ninety,
      component: ninety,
      badge: formatPercent(ninety!),
    });
  });

  it('a visitor learns no figure the page hides: not in the JSON, not in the badges', async () => {
    const mixed = await owner.post(`/orgs/${orgId}/status-pages`, {
      slug: 'mixed',
      title: 'Mixed',
      components: [{ name: 'Shown', monitorIds: [monitorId] }, { name: 'Hidden', monitorIds: [monitorId, (await owner.get(`/orgs/${orgId}/monitors`)).body.find((m: { name: string }) => m.name === 'Old').id], showUptime: false }],
    });
    const hidden = await owner.post(`/orgs/${orgId}/status-pages`, { slug: 'hidden', title: 'Hidden', showUptime: false, components: [{ name: 'API', monitorIds: [monitorId] }] });
    expect([mixed.status, hidden.status]).toEqual([201, 201]);
    await app.statusPages.store.refreshAll();
    const badge = async (path: string) => /uptime: ([^<]+)<\/title>/.exec(await (await fetch(app.url + path)).text())![1];

    const m = (await owner.get('/public/status-pages/mixed')).body;
    expect([m.uptime90d, m.components[0].uptime90d, m.components[1].uptime90d]).toEqual([HISTORY_PERCENT, HISTORY_PERCENT, null]); // the Old monitor counts nowhere
    expect(await badge('/status/mixed/badge.svg?type=uptime')).toBe(HISTORY_PRINTED);
    expect(await badge(`/status/mixed/components/${mixed.body.components[1].id}/badge.svg?type=uptime`)).toBe('no data');

    const h = (await owner.get('/public/status-pages/hidden')).body;
    expect([h.uptime90d, h.components[0].uptime90d]).toEqual([null, null]);
    expect(await badge('/status/hidden/badge.svg?type=uptime')).toBe('no data');
    expect(await badge(`/status/hidden/components/${hidden.body.components[0].id}/badge.svg?type=uptime`)).toBe('no data');
    expect(await (await fetch(`${app.url}/status/hidden`)).text()).not.toContain('uptime</');
  });

  it('a monitor nobody checked has no figure anywhere, not 0 % and not 100 %', async () => {
    const res = await owner.post(`/orgs/${orgId}/monitors`, { name: 'New', probe: 'http', config: { url: 'http://127.0.0.1:9/' }, intervalSeconds: HISTORY_INTERVAL });
    const api = await owner.get(`/orgs/${orgId}/monitors/${res.body.id}/uptime?windows=24h,90d`);
    expect(api.body).toEqual({ '24h': null, '90d': null });
    const dash = await owner.get<{ monitors: DashboardMonitor[] }>(`/orgs/${orgId}/dashboard`);
    expect(dash.body.monitors.find((m) => m.id === res.body.id)).toMatchObject({ uptime24h: null, checked24h: { upSeconds: 0, downSeconds: 0 } });
  });
});
