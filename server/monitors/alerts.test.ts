/** A monitor's `alerts` through the whole app: alerting's policies, read and written with the monitor. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { monitorAlertSettings } from '../alerting/index.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, type TestClient } from '../testing/client.js';

let app: TestApp;
let owner: TestClient;
let orgId: string;
let stranger: TestClient;
let strangerOrg: string;
let strangerChannel: string;
const FLAPPING = { changes: 4, windowMinutes: 30 };
// Port 9 on loopback: nothing listens, and the hour-long interval keeps checks out of the way.
const monitor = (name: string, extra: Record<string, unknown> = {}) => ({ name, probe: 'tcp', config: { host: '127.0.0.1', port: 9 }, intervalSeconds: 3600, ...extra });

async function channel(client: TestClient, org: string, name: string): Promise<string> {
  // Kept out of the org's defaults, which these tests set themselves.
  const res = await client.post(`/orgs/${org}/notification-channels`, { name, notifier: 'webhook', config: { url: 'https://hooks.example/in' }, useForAllMonitors: false });
  expect(res.status).toBe(201);
  return res.body.id;
}

beforeAll(async () => {
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open' });
  ({ client: owner, orgId } = await signUp(app.url, 'owner@example.com', { orgName: 'Acme' }));
  ({ client: stranger, orgId: strangerOrg } = await signUp(app.url, 'stranger@example.com', { orgName: 'Other' }));
  strangerChannel = await channel(stranger, strangerOrg, 'Theirs');
});
afterAll(() => app?.stop());

describe("a monitor's alerts", () => {
  it('are created with the monitor and read back by GET, the list and the alert-policy route', async () => {
    const ops = await channel(owner, orgId, 'Ops');
    const created = await owner.post(`/orgs/${orgId}/monitors`, monitor('With alerts', { alerts: { channelIds: [ops], remindEveryMinutes: 30, onDegraded: true } }));
    expect(created.status).toBe(201);
    const alerts = { channelIds: [ops], remindEveryMinutes: 30, onDegraded: true, flapping: FLAPPING, inherited: false };
    expect(created.body.alerts).toEqual(alerts);
    const id = created.body.id;
    expect((await owner.get(`/orgs/${orgId}/monitors/${id}`)).body.alerts).toEqual(alerts);
    expect((await owner.get(`/orgs/${orgId}/monitors`)).body.find((m: { id: string }) => m.id === id).alerts).toEqual(alerts);
    expect((await owner.get(`/orgs/${orgId}/monitors/${id}/alert-policy`)).body).toEqual(alerts);
    const audit = (await owner.get(`/orgs/${orgId}/audit-log`)).body as Array<{ action: string; target: string }>;
    expect(audit).toContainEqual(expect.objectContaining({ action: 'monitor.created', target: id }));
    expect(audit).toContainEqual(expect.objectContaining({ action: 'alert_policy.updated', target: id }));
  });

  it("without alerts, follow the org's default (inherited) and carry it", async () => {
    const plain = await owner.post(`/orgs/${orgId}/monitors`, monitor('No alerts'));
    expect(plain.body.alerts).toEqual({ channelIds: [], remindEveryMinutes: null, onDegraded: false, flapping: FLAPPING, inherited: true });
    const fallback = await channel(owner, orgId, 'Default');
    expect((await owner.req('PUT', `/orgs/${orgId}/alert-defaults`, { channelIds: [fallback], remindEveryMinutes: 60 })).status).toBe(200);
    const one = await owner.get(`/orgs/${orgId}/monitors/${plain.body.id}`);
    expect(one.body.alerts).toEqual({ channelIds: [fallback], remindEveryMinutes: 60, onDegraded: false, flapping: FLAPPING, inherited: true });
    expect((await owner.req('PUT', `/orgs/${orgId}/alert-defaults`, { channelIds: [] })).status).toBe(200);
  });

  it('are replaced as a whole by PATCH, kept by a PATCH without them, and reset to the default by null', async () => {
    const [a, b] = [await channel(owner, orgId, 'A'), await channel(owner, orgId, 'B')];
    const { body: m } = await owner.post(`/orgs/${orgId}/monitors`, monitor('Patched', { alerts: { channelIds: [a], remindEveryMinutes: 15 } }));
    const path = `/orgs/${orgId}/monitors/${m.id}`;
    const patched = await owner.patch(path, { alerts: { channelIds: [b, a], onDegraded: true } });
    expect(patched.status).toBe(200);
    expect(patched.body.alerts).toEqual({ channelIds: [a, b].sort(), remindEveryMinutes: null, onDegraded: true, flapping: FLAPPING, inherited: false });
    expect((await owner.get(path)).body.alerts).toEqual(patched.body.alerts);

    const renamed = await owner.patch(path, { name: 'Renamed' });
    expect(renamed.body).toMatchObject({ name: 'Renamed', alerts: patched.body.alerts });

    const reset = await owner.patch(path, { alerts: null });
    expect(reset.body.alerts).toEqual({ channelIds: [], remindEveryMinutes: null, onDegraded: false, flapping: FLAPPING, inherited: true });
    expect((await owner.get(`${path}/alert-policy`)).body.inherited).toBe(true);

    const audit = (await owner.get(`/orgs/${orgId}/audit-log`)).body as Array<{ action: string; target: string; details: Record<string, unknown> | null }>;
    const mine = audit.filter((e) => e.target === m.id).map((e) => [e.action, e.details?.fields ?? e.details?.channels ?? null]);
    expect(mine).toEqual([
      ['alert_policy.reset', null],
      ['monitor.updated', ['alerts']],
      ['monitor.updated', ['name']],
      ['alert_policy.updated', 2],
      ['monitor.updated', ['alerts']],
      ['alert_policy.updated', 1],
      ['monitor.created', null],
    ]);
  });

  it.each([
    ["another org's channel", () => ({ channelIds: [strangerChannel] }), 'alerts.channelIds.0', 'unknown_channel'],
    ['a channel that does not exist', () => ({ channelIds: [randomUUID()] }), 'alerts.channelIds.0', 'unknown_channel'],
    ['a malformed channel id', () => ({ channelIds: ['x'] }), 'alerts.channelIds.0', 'invalid_format'],
    ['a zero reminder interval', () => ({ remindEveryMinutes: 0 }), 'alerts.remindEveryMinutes', 'too_small'],
    ['an unknown field', () => ({ channelIds: [], sms: true }), 'alerts', 'unrecognized_keys'],
  ])('with %s are refused with 400, and nothing is created or changed', async (_n, alerts, path, code) => {
    const mine = await channel(owner, orgId, 'Mine');
    const { body: existing } = await owner.post(`/orgs/${orgId}/monitors`, monitor('Kept', { alerts: { channelIds: [mine] } }));
    const before = (await owner.get(`/orgs/${orgId}/monitors`)).body;

    const created = await owner.post(`/orgs/${orgId}/monitors`, monitor('Refused', { alerts: alerts() }));
    expect(created.status).toBe(400);
    expect(created.body.error.code).toBe('VALIDATION_FAILED');
    expect(created.body.error.details).toContainEqual(expect.objectContaining({ path, code }));

    const patched = await owner.patch(`/orgs/${orgId}/monitors/${existing.id}`, { name: 'Changed', alerts: alerts() });
    expect(patched.status).toBe(400);
    expect(patched.body.error.details).toContainEqual(expect.objectContaining({ path, code }));
    expect((await owner.get(`/orgs/${orgId}/monitors`)).body).toEqual(before);
    const audit = (await owner.get(`/orgs/${orgId}/audit-log`)).body as Array<{ action: string; details: { name?: string } }>;
    expect(audit.filter((e) => e.details?.name === 'Refused' || e.details?.name === 'Changed')).toEqual([]);
  });

  it('come with every monitor of the list, read in one go rather than per monitor', async () => {
    const forMonitors = vi.spyOn(monitorAlertSettings, 'forMonitors');
    const of = vi.spyOn(monitorAlertSettings, 'of');
    try {
      const list = await owner.get(`/orgs/${orgId}/monitors`);
      expect(list.body.length).toBeGreaterThan(5);
      for (const m of list.body) expect(m.alerts, m.name).toMatchObject({ channelIds: expect.any(Array), inherited: expect.any(Boolean) });
      expect(list.body.filter((m: { alerts: { inherited: boolean } }) => !m.alerts.inherited).length).toBeGreaterThan(0);
      expect(forMonitors).toHaveBeenCalledTimes(1);
      expect(of).not.toHaveBeenCalled();
    } finally {
      forMonitors.mockRestore();
      of.mockRestore();
    }
    // Another org sees its own, empty, list: the policies are per org.
    expect((await stranger.get(`/orgs/${strangerOrg}/monitors`)).body).toEqual([]);
  });
});
