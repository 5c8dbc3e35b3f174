/**
 * Rough edge 3 of issue 13: resolved incidents stayed under "Current incidents" for 24 h with a red
 * border, and an open incident was also listed under "Past incidents". Current means open; a
 * resolved one moves to the history at once, with a short green "resolved" note on top for an hour.
 * Through the real routes, database and renderer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './testing.js';
import { parseXml, textOf, walk, type XmlElement } from './xml.js';

let h: Harness;
let orgId: string;
let owner: string;
let pageId: string;

beforeAll(async () => {
  h = await startHarness();
  ({ orgId, userId: owner } = await h.org());
  const [m] = await h.monitors(orgId, 1);
  const page = await h.api(owner, 'POST', `/orgs/${orgId}/status-pages`, { slug: 'acme', title: 'Acme', components: [{ name: 'API', monitorIds: [m] }] });
  expect(page.status).toBe(201);
  pageId = page.body.id;
});
afterAll(() => h?.close());

const byId = (root: XmlElement, id: string) => [...walk(root)].find((e) => e.attrs.id === id);
const hidden = (e: XmlElement | undefined) => e?.attrs.hidden !== undefined;

async function declare(title: string) {
  const res = await h.api(owner, 'POST', `/orgs/${orgId}/incidents`, { title, impact: 'major', message: 'Looking into it', statusPageIds: [pageId] });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function view() {
  const html = await (await h.get('/status/acme')).text();
  const root = parseXml(html);
  const json = (await (await h.get('/api/v1/public/status-pages/acme')).json()) as { incidents: Array<{ id: string; status: string }> };
  return { root, json, html };
}

describe('current and past incidents on the public page', () => {
  it('lists an open incident as current only, never under "Past incidents"', async () => {
    const id = await declare('Checkout errors');
    const { root, json } = await view();
    const current = byId(root, 'incidents')!;
    expect(hidden(current)).toBe(false);
    expect(byId(current, `i-${id}`)).toBeDefined();
    expect(byId(byId(root, 'history')!, `h-${id}`)).toBeUndefined();
    expect(hidden(byId(root, 'resolved'))).toBe(true);
    expect(json.incidents.map((i) => [i.id, i.status])).toEqual([[id, 'investigating']]);
  });

  it('moves a resolved incident to the history at once, with a green resolved note on top for an hour', async () => {
    const [id] = (await h.sql<{ id: string }>('SELECT id FROM incidents WHERE title = ?', ['Checkout errors'])).map((r) => r.id);
    expect((await h.api(owner, 'POST', `/orgs/${orgId}/incidents/${id}/updates`, { status: 'resolved', message: 'Fixed' })).status).toBe(200);

    const { root, json } = await view();
    // Not current any more: the section is hidden and empty.
    expect(hidden(byId(root, 'incidents'))).toBe(true);
    expect(byId(root, `i-${id}`)).toBeUndefined();
    // In the history, resolved.
    const past = byId(byId(root, 'history')!, `h-${id}`)!;
    expect(textOf(past)).toMatch(/^Checkout errors Resolved resolved after (\d+ min( \d+ s)?|\d+ s)$/);
    // The note: styled as resolved (the green pill and note, no impact border), linking to the incident.
    const notes = byId(root, 'resolved')!;
    expect(hidden(notes)).toBe(false);
    const note = byId(notes, `r-${id}`)!;
    expect(note.attrs.class).toBe('note resolved');
    expect([...walk(note)].map((e) => e.attrs.class).filter(Boolean)).toEqual(['note resolved', 'pill i-resolved', 'empty']);
    expect([...walk(note)].find((e) => e.name === 'a')!.attrs.href).toBe(`/status/acme/incidents/${id}`);
    expect(textOf(note)).toMatch(/^Resolved Checkout errors resolved \d+ \w+ \d{4}, \d\d:\d\d UTC, after (\d+ min( \d+ s)?|\d+ s)$/);
    expect(json.incidents.map((i) => [i.id, i.status])).toEqual([[id, 'resolved']]);

    // An hour later the note is gone; the history keeps it.
    await h.sql("UPDATE incidents SET resolved_at = now() - interval '61 minutes' WHERE id = ?", [id]);
    await h.sp.store.refreshPages([pageId]);
    const later = await view();
    expect(hidden(byId(later.root, 'resolved'))).toBe(true);
    expect(byId(later.root, `r-${id}`)).toBeUndefined();
    expect(byId(byId(later.root, 'history')!, `h-${id}`)).toBeDefined();
    expect(later.json.incidents).toEqual([]);
  });

  it('a reopened incident is current again and leaves the history', async () => {
    const [id] = (await h.sql<{ id: string }>('SELECT id FROM incidents WHERE title = ?', ['Checkout errors'])).map((r) => r.id);
    expect((await h.api(owner, 'POST', `/orgs/${orgId}/incidents/${id}/updates`, { status: 'identified', message: 'It is back' })).status).toBe(200);
    const { root } = await view();
    expect(byId(byId(root, 'incidents')!, `i-${id}`)).toBeDefined();
    expect(byId(byId(root, 'history')!, `h-${id}`)).toBeUndefined();
    expect(byId(root, `r-${id}`)).toBeUndefined();
  });
});
