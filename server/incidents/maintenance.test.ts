/**
 * Maintenance windows on a fake clock: shown ahead, `maintenance` inside the window (no automatic
 * incident, the alerting stand-in), normal after; and automatic incidents outside any window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../scheduler/fake-clock.js';
import { startHarness, type Harness } from '../statuspages/testing.js';

const MIN = 60_000;
const clock = new FakeClock();
let h: Harness;
let orgId: string;
let owner: string;
let m1: string;
let m2: string;
const events: string[] = [];

const publicPage = async () => (await (await h.get('/api/v1/public/status-pages/maint')).json()) as any;
const autoIncidents = () => h.sql<{ id: string; status: string; monitor_id: string }>('SELECT id, status, monitor_id FROM incidents WHERE org_id = ? AND auto_created ORDER BY started_at', [orgId]);
/** Lets the store's coalesced rebuild run. */
const settle = () => clock.advance(2_000);

beforeAll(async () => {
  h = await startHarness({ clock, tuning: { refreshEveryMs: 24 * 60 * MIN, maintenanceReloadMs: 24 * 60 * MIN } });
  ({ orgId, userId: owner } = await h.org());
  [m1, m2] = await h.monitors(orgId, 2);
  const res = await h.api(owner, 'POST', `/orgs/${orgId}/status-pages`, {
    slug: 'maint',
    title: 'Maint',
    autoIncidents: true,
    components: [{ name: 'Database', monitorIds: [m1] }, { name: 'Website', monitorIds: [m2] }],
  });
  expect(res.status).toBe(201);
  h.sp.events.on('maintenance', (e) => events.push(e.event));
  h.sp.events.on('incident', (e) => events.push(e.event));
});
afterAll(() => h?.close());

describe('a maintenance window', () => {
  let windowId: string;

  it('is announced ahead, with no effect before it starts', async () => {
    const res = await h.api(owner, 'POST', `/orgs/${orgId}/maintenances`, {
      title: 'Database upgrade',
      description: 'Expect *short* interruptions.',
      startsAt: new Date(clock.now() + 10 * MIN).toISOString(),
      endsAt: new Date(clock.now() + 40 * MIN).toISOString(),
      monitorIds: [m1],
      statusPageIds: [(await h.api(owner, 'GET', `/orgs/${orgId}/status-pages`)).body[0].id],
    });
    expect(res.status).toBe(201);
    expect(res.body.state).toBe('scheduled');
    windowId = res.body.id;
    const page = await publicPage();
    expect(page.maintenances).toEqual([expect.objectContaining({ title: 'Database upgrade', state: 'scheduled', components: [expect.objectContaining({ name: 'Database' })] })]);
    expect(page.components[0].status).toBe('operational');
    expect(h.sp.maintenance.isInMaintenance(m1)).toBe(false);
    expect(h.sp.maintenance.isInMaintenance(m1, clock.now() + 15 * MIN)).toBe(true);
    const html = await (await h.get('/status/maint')).text();
    expect(html).toContain('<section id="maintenances" aria-labelledby="h-maintenances">');
    expect(html).toContain('Database upgrade');
  });

  it('starts by itself: the monitor is in maintenance and the component under maintenance', async () => {
    await clock.advance(10 * MIN);
    await settle();
    expect(events).toContain('maintenance.started');
    expect(h.sp.maintenance.isInMaintenance(m1)).toBe(true);
    expect(h.sp.maintenance.isInMaintenance(m2)).toBe(false);
    const page = await publicPage();
    expect(page.components.map((c: { status: string }) => c.status)).toEqual(['under_maintenance', 'operational']);
    expect(page.overall).toBe('under_maintenance');
    expect(page.maintenances[0].state).toBe('in_progress');
    expect((await h.api(owner, 'GET', `/orgs/${orgId}/maintenances?state=in_progress`)).body.map((m: { id: string }) => m.id)).toEqual([windowId]);
  });

  it('raises nothing when its monitor fails inside the window', async () => {
    h.setMonitor(m1, 'down');
    await h.sp.autoIncidents.idle();
    await settle();
    expect(await autoIncidents()).toEqual([]);
    expect((await publicPage()).components[0].status).toBe('under_maintenance');
  });

  it('ends by itself: back to normal', async () => {
    h.setMonitor(m1, 'up');
    await clock.advance(30 * MIN);
    await settle();
    expect(events).toContain('maintenance.ended');
    expect(h.sp.maintenance.isInMaintenance(m1)).toBe(false);
    const page = await publicPage();
    expect(page.components[0].status).toBe('operational');
    expect(page.overall).toBe('operational');
    expect(page.maintenances).toEqual([]);
    expect((await h.api(owner, 'GET', `/orgs/${orgId}/maintenances/${windowId}`)).body.state).toBe('completed');
  });

  it.each([
    ['an end before the start', { startsAt: '2026-12-01T10:00:00Z', endsAt: '2026-12-01T09:00:00Z' }, 'endsAt', 'ENDS_BEFORE_START'],
    ['a window over 31 days', { startsAt: '2026-12-01T00:00:00Z', endsAt: '2027-01-02T00:00:00Z' }, 'endsAt', 'WINDOW_TOO_LONG'],
    ['an end in the past', { startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-11-02T00:00:00Z' }, 'endsAt', 'ENDS_IN_PAST'],
    ['a time without offset', { startsAt: '2026-12-01 10:00', endsAt: '2026-12-01T11:00:00Z' }, 'startsAt', 'invalid_format'],
    ['another org’s monitor', { startsAt: '2026-12-01T10:00:00Z', endsAt: '2026-12-01T11:00:00Z', monitorIds: ['00000000-0000-4000-8000-000000000000'] }, 'monitorIds.0', 'UNKNOWN_MONITOR'],
  ])('refuses %s', async (_n, body, path, code) => {
    const res = await h.api(owner, 'POST', `/orgs/${orgId}/maintenances`, { title: 'x', ...body });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path, code }));
  });

  it('deleting a running window ends it at once', async () => {
    const res = await h.api(owner, 'POST', `/orgs/${orgId}/maintenances`, {
      title: 'Now',
      startsAt: new Date(clock.now() - MIN).toISOString(),
      endsAt: new Date(clock.now() + 60 * MIN).toISOString(),
      monitorIds: [m2],
    });
    expect(res.body.state).toBe('in_progress');
    expect(h.sp.maintenance.isInMaintenance(m2)).toBe(true);
    expect((await h.api(owner, 'DELETE', `/orgs/${orgId}/maintenances/${res.body.id}`)).status).toBe(204);
    expect(h.sp.maintenance.isInMaintenance(m2)).toBe(false);
  });
});

describe('automatic incidents', () => {
  it('open when a monitor on the page goes down and resolve when it is back', async () => {
    events.length = 0;
    h.setMonitor(m2, 'down');
    h.setMonitor(m2, 'down'); // a repeated event opens nothing more
    await h.sp.autoIncidents.idle();
    let list = await autoIncidents();
    expect(list).toEqual([expect.objectContaining({ status: 'investigating', monitor_id: m2 })]);
    let page = await publicPage();
    expect(page.incidents[0]).toMatchObject({ title: 'Website unavailable', impact: 'major', components: [{ name: 'Website', status: 'major_outage' }] });
    expect(page.overall).toBe('major_outage');

    await clock.advance(5 * MIN);
    h.setMonitor(m2, 'up');
    await h.sp.autoIncidents.idle();
    await settle();
    list = await autoIncidents();
    expect(list).toEqual([expect.objectContaining({ status: 'resolved' })]);
    page = await publicPage();
    expect(page.overall).toBe('operational');
    expect(page.incidents[0].updates.map((u: { status: string }) => u.status)).toEqual(['resolved', 'investigating']);
    expect(events).toEqual(['incident.created', 'incident.resolved']);
  });

  it('can be resolved by an owner first; the monitor coming back then changes nothing', async () => {
    h.setMonitor(m2, 'down');
    await h.sp.autoIncidents.idle();
    const [, open] = await autoIncidents();
    await clock.advance(MIN);
    const res = await h.api(owner, 'POST', `/orgs/${orgId}/incidents/${open!.id}/updates`, { status: 'resolved', message: 'Handled by hand.' });
    expect(res.body.autoCreated).toBe(true);
    h.setMonitor(m2, 'up');
    await h.sp.autoIncidents.idle();
    const after = (await h.api(owner, 'GET', `/orgs/${orgId}/incidents/${open!.id}`)).body;
    expect(after.updates.map((u: { message: string }) => u.message)).toEqual(['Handled by hand.', 'We are investigating problems with Website.']);
  });
});
