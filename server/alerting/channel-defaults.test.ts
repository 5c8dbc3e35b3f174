/**
 * Rough edge 2 of issue 13: a new alert channel alerted nobody until someone found the "Default
 * alert policy". The first channel of an organization joins it unless told otherwise; any channel
 * can be put in or out of it with `useForAllMonitors`, by those who manage channels only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertingHarness, type AlertingHarness } from '../testing/alerting.js';
import { signUp, signUpInvited, type TestClient } from '../testing/client.js';
import { httpReceiver, type HttpReceiver } from '../testing/receivers.js';

let h: AlertingHarness;
let receiver: HttpReceiver;
let n = 0;

beforeAll(async () => {
  h = await startAlertingHarness();
  receiver = await httpReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await h?.stop();
});

/** A fresh organization with its owner. */
async function freshOrg(): Promise<{ owner: TestClient; orgId: string }> {
  const { client, orgId } = await signUp(h.url, `owner${++n}@example.com`, { orgName: `Org ${n}` });
  return { owner: client, orgId };
}

const hook = (name: string, extra: Record<string, unknown> = {}) => ({ name, notifier: 'webhook', config: { url: `${receiver.url}/${name}` }, ...extra });
const defaults = async (client: TestClient, orgId: string) => (await client.get(`/orgs/${orgId}/alert-defaults`)).body;

describe('a new channel and the default alert policy', () => {
  it('the first channel joins the default policy, so a monitor with no policy of its own alerts through it', async () => {
    const { owner, orgId } = await freshOrg();
    const first = await owner.post(`/orgs/${orgId}/notification-channels`, hook('first'));
    expect(first.status).toBe(201);
    expect(first.body.usedForAllMonitors).toBe(true);
    expect(await defaults(owner, orgId)).toEqual({ channelIds: [first.body.id], remindEveryMinutes: null, onDegraded: false, flapping: { changes: 4, windowMinutes: 30 } });

    const m = await h.monitor(orgId, 'Checkout');
    expect((await owner.get(`/orgs/${orgId}/monitors/${m}/alert-policy`)).body).toMatchObject({ channelIds: [first.body.id], inherited: true });
    await h.alerting.onStateChange({ monitorId: m, orgId, status: 'down', previous: 'up', since: new Date(h.clock.now()).toISOString(), reason: { code: 'TIMEOUT', message: 'No answer' } });
    await h.alerting.worker.drain();
    expect(receiver.requests.filter((r) => r.path === '/first').map((r) => r.json().event)).toEqual(['monitor.down']);
  });

  it('later channels join only when asked; the answer and the list say which ones serve every monitor', async () => {
    const { owner, orgId } = await freshOrg();
    const a = (await owner.post(`/orgs/${orgId}/notification-channels`, hook('a'))).body;
    const b = (await owner.post(`/orgs/${orgId}/notification-channels`, hook('b'))).body;
    const c = (await owner.post(`/orgs/${orgId}/notification-channels`, hook('c', { useForAllMonitors: true }))).body;
    expect([a.usedForAllMonitors, b.usedForAllMonitors, c.usedForAllMonitors]).toEqual([true, false, true]);
    expect((await defaults(owner, orgId)).channelIds).toEqual([a.id, c.id].sort());
    const listed = (await owner.get(`/orgs/${orgId}/notification-channels`)).body;
    expect(listed.map((x: { name: string; usedForAllMonitors: boolean }) => [x.name, x.usedForAllMonitors])).toEqual([['a', true], ['b', false], ['c', true]]);
    expect((await owner.get(`/orgs/${orgId}/notification-channels/${b.id}`)).body.usedForAllMonitors).toBe(false);
  });

  it('a first channel told not to stays out of the default policy', async () => {
    const { owner, orgId } = await freshOrg();
    const only = await owner.post(`/orgs/${orgId}/notification-channels`, hook('only', { useForAllMonitors: false }));
    expect(only.body.usedForAllMonitors).toBe(false);
    expect((await defaults(owner, orgId)).channelIds).toEqual([]);
  });

  it('PATCH moves a channel in and out of the default policy, keeping its other settings, audited', async () => {
    const { owner, orgId } = await freshOrg();
    const a = (await owner.post(`/orgs/${orgId}/notification-channels`, hook('a'))).body;
    const b = (await owner.post(`/orgs/${orgId}/notification-channels`, hook('b'))).body;
    expect((await owner.req('PUT', `/orgs/${orgId}/alert-defaults`, { channelIds: [a.id], remindEveryMinutes: 30 })).status).toBe(200);
    const joined = await owner.patch(`/orgs/${orgId}/notification-channels/${b.id}`, { useForAllMonitors: true });
    expect(joined.status).toBe(200);
    expect(joined.body.usedForAllMonitors).toBe(true);
    expect(await defaults(owner, orgId)).toMatchObject({ channelIds: [a.id, b.id].sort(), remindEveryMinutes: 30 });
    const left = await owner.patch(`/orgs/${orgId}/notification-channels/${a.id}`, { useForAllMonitors: false });
    expect(left.body.usedForAllMonitors).toBe(false);
    expect(await defaults(owner, orgId)).toMatchObject({ channelIds: [b.id], remindEveryMinutes: 30 });
    const audit = await h.sql<{ action: string; details: Record<string, unknown> }>("SELECT action, details FROM audit_log WHERE org_id = ? AND action = 'alert_defaults.updated' ORDER BY id", [orgId]);
    expect(audit.map((e) => e.details)).toEqual([
      { channels: 1, added: 'a' },
      { channels: 1 },
      { channels: 2, added: 'b' },
      { channels: 1, removed: 'a' },
    ]);
  });
});

describe('who may not', () => {
  it('a member cannot create a channel for every monitor, nor put one there: 403, nothing changed', async () => {
    const { owner, orgId } = await freshOrg();
    const { client: member } = await signUpInvited(owner, orgId, `member${++n}@example.com`);
    const a = (await owner.post(`/orgs/${orgId}/notification-channels`, hook('a', { useForAllMonitors: false }))).body;
    const before = await defaults(owner, orgId);

    const created = await member.post(`/orgs/${orgId}/notification-channels`, hook('sneaky', { useForAllMonitors: true }));
    expect(created.status).toBe(403);
    const patched = await member.patch(`/orgs/${orgId}/notification-channels/${a.id}`, { useForAllMonitors: true });
    expect(patched.status).toBe(403);

    expect(await defaults(owner, orgId)).toEqual(before);
    expect((await owner.get(`/orgs/${orgId}/notification-channels`)).body.map((c: { name: string }) => c.name)).toEqual(['a']);
  });

  it("org A cannot attach a channel to org B's default policy, nor B's channel to A's", async () => {
    const a = await freshOrg();
    const b = await freshOrg();
    const aChannel = (await a.owner.post(`/orgs/${a.orgId}/notification-channels`, hook('a', { useForAllMonitors: false }))).body;
    const bChannel = (await b.owner.post(`/orgs/${b.orgId}/notification-channels`, hook('b', { useForAllMonitors: false }))).body;
    const [aBefore, bBefore] = [await defaults(a.owner, a.orgId), await defaults(b.owner, b.orgId)];

    // Into B's organization: not theirs (404, never 403: that would confirm it exists).
    expect((await a.owner.post(`/orgs/${b.orgId}/notification-channels`, hook('intruder', { useForAllMonitors: true }))).status).toBe(404);
    expect((await a.owner.patch(`/orgs/${b.orgId}/notification-channels/${bChannel.id}`, { useForAllMonitors: true })).status).toBe(404);
    // B's channel through A's own organization: no such channel there.
    expect((await a.owner.patch(`/orgs/${a.orgId}/notification-channels/${bChannel.id}`, { useForAllMonitors: true })).status).toBe(404);
    // A's default policy refuses B's channel by id as well.
    expect((await a.owner.req('PUT', `/orgs/${a.orgId}/alert-defaults`, { channelIds: [aChannel.id, bChannel.id] })).body.error).toMatchObject({ code: 'VALIDATION_FAILED' });

    expect(await defaults(a.owner, a.orgId)).toEqual(aBefore);
    expect(await defaults(b.owner, b.orgId)).toEqual(bBefore);
    const links = await h.sql<{ org_id: string; channel_org: string }>(
      `SELECT p.org_id, c.org_id AS channel_org FROM alert_policy_channels pc JOIN alert_policies p ON p.id = pc.policy_id
       JOIN notification_channels c ON c.id = pc.channel_id WHERE p.org_id IN (?, ?) OR c.org_id IN (?, ?)`,
      [a.orgId, b.orgId, a.orgId, b.orgId],
    );
    expect(links).toEqual([]);
  });
});
