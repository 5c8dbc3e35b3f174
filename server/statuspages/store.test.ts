/** Live updates for `/status`: only what changed, a burst coalesced into one, writes pushed at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageUpdate } from '../../contracts/events.js';
import { FakeClock } from '../scheduler/fake-clock.js';
import { startHarness, type Harness } from './testing.js';

const clock = new FakeClock();
let h: Harness;
let orgId: string;
let owner: string;
let monitors: string[];
let components: Array<{ id: string }>;
const updates: Array<{ at: number; update: PageUpdate }> = [];

beforeAll(async () => {
  h = await startHarness({ clock });
  ({ orgId, userId: owner } = await h.org());
  monitors = await h.monitors(orgId, 10);
  const res = await h.api(owner, 'POST', `/orgs/${orgId}/status-pages`, {
    slug: 'live',
    title: 'Live',
    components: monitors.map((m, i) => ({ name: `C${i}`, monitorIds: [m] })),
  });
  components = res.body.components;
  h.sp.hub.on('update', (update) => {
    if (update.slug === 'live') updates.push({ at: clock.now(), update });
  });
  await clock.advance(5_000);
  updates.length = 0;
});
afterAll(() => h?.close());

describe('page updates', () => {
  it('a burst of monitor changes becomes one update naming every changed component', async () => {
    for (const m of monitors) {
      h.setMonitor(m, 'down');
      await clock.advance(15);
    }
    expect(updates).toHaveLength(0); // still inside the coalescing window
    await clock.advance(2_000);
    expect(updates).toHaveLength(1);
    const u = updates[0]!.update;
    expect(u.overall).toBe('major_outage');
    expect(u.components).toHaveLength(10);
    expect(new Set(u.components!.map((c) => c.status))).toEqual(new Set(['major_outage']));
    expect(u.incidents).toBeUndefined();
    expect(h.sp.hub.snapshot('live')!.components.every((c) => c.status === 'major_outage')).toBe(true);
  });

  it('sends only the components that changed', async () => {
    updates.length = 0;
    h.setMonitor(monitors[3]!, 'up');
    await clock.advance(2_000);
    expect(updates.map((u) => u.update.components)).toEqual([[{ id: components[3]!.id, status: 'operational' }]]);
    expect(updates[0]!.update.overall).toBeUndefined(); // still a major outage elsewhere
  });

  it('a status that did not change sends nothing', async () => {
    updates.length = 0;
    h.setMonitor(monitors[3]!, 'up');
    h.setMonitor(monitors[4]!, 'down');
    await clock.advance(5_000);
    expect(updates).toHaveLength(0);
  });

  it('a steady stream of changes gives at most one update per second', async () => {
    updates.length = 0;
    const start = clock.now();
    for (let i = 0; i < 100; i++) {
      h.setMonitor(monitors[i % 10]!, i % 2 ? 'up' : 'down');
      await clock.advance(50);
    }
    await clock.advance(2_000);
    const span = clock.now() - start;
    expect(updates.length).toBeGreaterThan(1);
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(span / 1_000));
    for (let i = 1; i < updates.length; i++) expect(updates[i]!.at - updates[i - 1]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('an incident update is pushed at once, with the incident list', async () => {
    updates.length = 0;
    const res = await h.api(owner, 'POST', `/orgs/${orgId}/incidents`, {
      title: 'Database trouble',
      impact: 'minor',
      message: 'Looking into it',
      components: [{ componentId: components[0]!.id, status: 'degraded_performance' }],
    });
    expect(res.status).toBe(201);
    expect(updates).toHaveLength(1); // no clock advance: pushed as part of the write
    const u = updates[0]!.update;
    expect(u.incidents).toEqual([expect.objectContaining({ title: 'Database trouble', updates: [expect.objectContaining({ message: 'Looking into it' })] })]);
    expect(u.components).toContainEqual({ id: components[0]!.id, status: 'degraded_performance' });

    updates.length = 0;
    await h.api(owner, 'POST', `/orgs/${orgId}/incidents/${res.body.id}/updates`, { status: 'resolved', message: 'Fixed' });
    expect(updates).toHaveLength(1);
    expect((updates[0]!.update.incidents as Array<{ status: string }>)[0]!.status).toBe('resolved');
  });

  it('answers a subscriber from memory, and only for visible pages', async () => {
    expect(h.sp.hub.snapshot('live')?.title).toBe('Live');
    expect(h.sp.hub.snapshot('nope')).toBeUndefined();
    expect(h.sp.hub.canView('live', undefined)).toBe(true);
    expect(h.sp.hub.canView('nope', undefined)).toBe(false);
  });
});
