/** Incidents over HTTP: the timeline, what the public page shows, validation, tenancy, audit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../statuspages/testing.js';

let h: Harness;
let orgId: string;
let owner: string;
let page: { id: string; components: Array<{ id: string }> };
let foreign: { orgId: string; userId: string; pageId: string; componentId: string };

beforeAll(async () => {
  h = await startHarness();
  ({ orgId, userId: owner } = await h.org());
  const monitors = await h.monitors(orgId, 2);
  page = (await h.api(owner, 'POST', `/orgs/${orgId}/status-pages`, {
    slug: 'acme',
    title: 'Acme',
    components: [{ name: 'API', monitorIds: [monitors[0]] }, { name: 'Web', monitorIds: [monitors[1]] }],
  })).body;
  const other = await h.org();
  const p = (await h.api(other.userId, 'POST', `/orgs/${other.orgId}/status-pages`, { slug: 'other', title: 'Other', components: [{ name: 'X' }] })).body;
  foreign = { ...other, pageId: p.id, componentId: p.components[0].id };
});
afterAll(() => h?.close());

const publicPage = async () => (await (await h.get('/api/v1/public/status-pages/acme')).json()) as any;

describe('an incident from start to finish', () => {
  it('opens, updates and resolves, and the page follows each step', async () => {
    const created = await h.api(owner, 'POST', `/orgs/${orgId}/incidents`, {
      title: 'API errors',
      impact: 'major',
      status: 'investigating',
      message: 'We see **errors** on the API.',
      statusPageIds: [page.id],
      components: [{ componentId: page.components[0]!.id, status: 'major_outage' }],
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({ title: 'API errors', impact: 'major', status: 'investigating', autoCreated: false, resolvedAt: null, statusPageIds: [page.id] });
    let pub = await publicPage();
    expect(pub.overall).toBe('major_outage');
    expect(pub.components.map((c: { status: string }) => c.status)).toEqual(['major_outage', 'operational']);
    expect(pub.incidents).toHaveLength(1);

    const identified = await h.api(owner, 'POST', `/orgs/${orgId}/incidents/${id}/updates`, {
      status: 'identified',
      message: 'A bad deploy; rolling back.',
      components: [{ componentId: page.components[0]!.id, status: 'partial_outage' }],
    });
    expect(identified.status).toBe(200);
    expect(identified.body.updates.map((u: { status: string }) => u.status)).toEqual(['identified', 'investigating']);
    pub = await publicPage();
    expect(pub.components[0].status).toBe('partial_outage');

    const resolved = await h.api(owner, 'POST', `/orgs/${orgId}/incidents/${id}/updates`, { status: 'resolved', message: 'All good.' });
    expect(resolved.body.status).toBe('resolved');
    expect(resolved.body.resolvedAt).not.toBeNull();
    expect(resolved.body.components).toEqual([{ componentId: page.components[0]!.id, status: 'operational' }]);
    pub = await publicPage();
    expect(pub.overall).toBe('operational');
    expect(pub.incidents[0].status).toBe('resolved'); // recently resolved stays listed

    const detail = await (await h.get(`/status/acme/incidents/${id}`)).text();
    expect(detail.match(/class="upd-head"/g)).toHaveLength(3);
    expect(detail).toContain('<strong>errors</strong>');
    const html = await (await h.get('/status/acme')).text();
    expect(html).toContain('Past incidents');
    expect(html).toContain(`/status/acme/incidents/${id}`);

    const list = await h.api(owner, 'GET', `/orgs/${orgId}/incidents?status=resolved`);
    expect(list.body.map((i: { id: string }) => i.id)).toContain(id);
    expect((await h.api(owner, 'GET', `/orgs/${orgId}/incidents?status=open`)).body.map((i: { id: string }) => i.id)).not.toContain(id);

    const log = await h.sql<{ action: string }>('SELECT action FROM audit_log WHERE target = ? ORDER BY id', [id]);
    expect(log.map((l) => l.action)).toEqual(['incident.created', 'incident.update_posted', 'incident.update_posted']);
  });

  it('can be edited, have an update corrected, and be deleted', async () => {
    const created = (await h.api(owner, 'POST', `/orgs/${orgId}/incidents`, { title: 'Typo', impact: 'minor', message: 'Teh site is slow', statusPageIds: [page.id] })).body;
    const patched = await h.api(owner, 'PATCH', `/orgs/${orgId}/incidents/${created.id}`, { title: 'Slow site', impact: 'none' });
    expect(patched.body).toMatchObject({ title: 'Slow site', impact: 'none' });
    const fixed = await h.api(owner, 'PATCH', `/orgs/${orgId}/incidents/${created.id}/updates/${created.updates[0].id}`, { message: 'The site is slow' });
    expect(fixed.body.updates[0].message).toBe('The site is slow');
    expect((await publicPage()).incidents.map((i: { title: string }) => i.title)).toContain('Slow site');
    expect((await h.api(owner, 'DELETE', `/orgs/${orgId}/incidents/${created.id}`)).status).toBe(204);
    expect((await publicPage()).incidents.map((i: { title: string }) => i.title)).not.toContain('Slow site');
  });
});

describe('bad input', () => {
  it.each([
    ['an unknown impact', { title: 't', impact: 'huge', message: 'm' }, 'impact', 'invalid_value'],
    ['an unknown status', { title: 't', impact: 'minor', status: 'fixed', message: 'm' }, 'status', 'invalid_value'],
    ['an empty message', { title: 't', impact: 'minor', message: '  ' }, 'message', 'too_small'],
    ['a message over 10,000 characters', { title: 't', impact: 'minor', message: 'x'.repeat(10_001) }, 'message', 'too_big'],
    ['an unknown field', { title: 't', impact: 'minor', message: 'm', severity: 1 }, '', 'unrecognized_keys'],
    ['another org’s page', { title: 't', impact: 'minor', message: 'm', statusPageIds: ['$page'] }, 'statusPageIds.0', 'UNKNOWN_STATUS_PAGE'],
    ['another org’s component', { title: 't', impact: 'minor', message: 'm', components: [{ componentId: '$component', status: 'major_outage' }] }, 'components.0.componentId', 'UNKNOWN_COMPONENT'],
    ['an unknown component status', { title: 't', impact: 'minor', message: 'm', components: [{ componentId: '$component', status: 'down' }] }, 'components.0.status', 'invalid_value'],
    ['a start an hour from now', { title: 't', impact: 'minor', message: 'm', startedAt: new Date(Date.now() + 3_600_000).toISOString() }, 'startedAt', 'IN_THE_FUTURE'],
  ])('refuses %s: 400 with the field path', async (_n, body, path, code) => {
    const input = JSON.parse(JSON.stringify(body).replace('$page', foreign.pageId).replace('$component', foreign.componentId));
    const res = await h.api(owner, 'POST', `/orgs/${orgId}/incidents`, input);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path, code }));
  });

  it('another org sees none of this org’s incidents: 404', async () => {
    const mine = (await h.api(owner, 'POST', `/orgs/${orgId}/incidents`, { title: 'Mine', impact: 'minor', message: 'm' })).body;
    for (const [method, path, body] of [
      ['GET', `/incidents/${mine.id}`, undefined],
      ['PATCH', `/incidents/${mine.id}`, { title: 'x' }],
      ['DELETE', `/incidents/${mine.id}`, undefined],
      ['POST', `/incidents/${mine.id}/updates`, { status: 'resolved', message: 'x' }],
    ] as const) {
      expect((await h.api(foreign.userId, method, `/orgs/${foreign.orgId}${path}`, body)).status).toBe(404);
    }
    expect((await h.api(owner, 'GET', `/orgs/${orgId}/incidents/${mine.id}`)).body.status).toBe('investigating');
  });

  it('a member may read incidents but not write them', async () => {
    const member = await h.addUser(orgId, 'member');
    expect((await h.api(member, 'GET', `/orgs/${orgId}/incidents`)).status).toBe(200);
    expect((await h.api(member, 'POST', `/orgs/${orgId}/incidents`, { title: 't', impact: 'minor', message: 'm' })).status).toBe(403);
  });
});
