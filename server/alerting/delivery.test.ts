/**
 * Monitor alerts end to end below HTTP: status changes in, outbox rows, the worker, real local
 * receivers (HTTP and SMTP) out. Only the clock is fake.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAlertingHarness, type AlertingHarness } from '../testing/alerting.js';
import { httpReceiver, smtpReceiver, type HttpReceiver, type Script, type SmtpReceiver } from '../testing/receivers.js';
import { insertChannel } from './channels/store.js';
import { createAlerting } from './index.js';
import { verifySignature } from './notifiers/webhook/index.js';
import { claimDue, deliveryLog, markDelivered } from './outbox.js';
import type { AlertPolicyInput } from '../../contracts/alerting-requests.js';
import { putPolicy } from './policies/store.js';
import { createLogger } from '../log.js';
import { allowAll } from '../monitors/fixtures.js';
import { loadConfig } from '../config.js';

const MIN = 60_000;
let h: AlertingHarness;
let orgId: string;
const receivers: Array<HttpReceiver | SmtpReceiver> = [];

beforeAll(async () => {
  h = await startAlertingHarness({ tuning: { sendTimeoutMs: 500, worker: { backoffBaseMs: 1_000, backoffMaxMs: 60_000 } } });
});
afterAll(async () => {
  for (const r of receivers) await r.close();
  await h?.stop();
});
beforeEach(async () => {
  // Each test counts its own deliveries: no monitor (so no reminder, no retry) left from the one before.
  await h.sql('DELETE FROM monitors');
  await h.sql('DELETE FROM alert_outbox');
  orgId = randomUUID();
  await h.sql('INSERT INTO orgs (id, name) VALUES (?, ?)', [orgId, 'Acme']);
});

async function webhookReceiver(script?: Script) {
  const r = await httpReceiver(script);
  receivers.push(r);
  return r;
}

async function webhookChannel(url: string, name = 'hook') {
  const secret = 'whsec_' + randomUUID();
  const c = await insertChannel(h.orm.em.fork(), { id: randomUUID(), orgId, name, notifier: 'webhook', config: { url, headers: {} }, signingSecret: secret, template: null, enabled: true, createdBy: null });
  return { id: c.id, secret };
}

async function emailChannel(port: number) {
  const config = { host: '127.0.0.1', port, security: 'none', from: 'alerts@pingpage.example', fromName: 'PingPage', to: ['ops@example.com'] };
  return (await insertChannel(h.orm.em.fork(), { id: randomUUID(), orgId, name: 'mail', notifier: 'email', config, signingSecret: null, template: null, enabled: true, createdBy: null })).id;
}

async function policy(monitorId: string, channelIds: string[], extra: Partial<AlertPolicyInput> = {}) {
  await putPolicy(h.orm.em.fork(), orgId, monitorId, { channelIds, remindEveryMinutes: null, onDegraded: false, flapping: { changes: 4, windowMinutes: 30 }, ...extra });
}

/** A status change as the evaluator announces it, at the fake clock's now unless given. */
function change(monitorId: string, status: string, previous: string, at = h.clock.now()) {
  return h.alerting.onStateChange({ monitorId, orgId, status, previous, since: new Date(at).toISOString(), reason: status === 'down' ? { code: 'TIMEOUT', message: 'No answer within 10 s' } : null });
}

const events = (r: HttpReceiver) => r.requests.map((q) => q.json().event + (q.json().reminder ? `#${q.json().reminder}` : ''));

/** A monitor that is up, alerting a webhook under a 4-changes-in-30-minutes flapping rule. */
async function flappingMonitor() {
  const r = await webhookReceiver();
  const c = await webhookChannel(r.url);
  const m = await h.monitor(orgId);
  await policy(m, [c.id], { flapping: { changes: 4, windowMinutes: 30 } });
  await change(m, 'up', 'pending');
  return { r, m };
}

/** `times` changes a minute apart between `a` (where it starts) and `b`, sweeping after each when asked; answers the last status. */
async function toggle(m: string, a: string, b: string, times: number, sweep: boolean): Promise<string> {
  let status = a;
  for (let i = 0; i < times; i++) {
    h.clock.jump(MIN);
    const next = status === a ? b : a;
    await change(m, next, status);
    status = next;
    if (sweep) await h.alerting.sweep();
  }
  return status;
}

describe('monitor alerts', () => {
  it('a monitor going down then up gives exactly one down and one up per channel, signed', async () => {
    const a = await webhookReceiver();
    const b = await webhookReceiver();
    const smtp = await smtpReceiver({ disabledCommands: ['STARTTLS'] });
    receivers.push(smtp);
    const ca = await webhookChannel(a.url + '/a');
    const cb = await webhookChannel(b.url + '/b');
    const mail = await emailChannel(smtp.port);
    const m = await h.monitor(orgId, 'Checkout');
    await policy(m, [ca.id, cb.id, mail]);

    await change(m, 'up', 'pending');
    const downAt = h.clock.now() + MIN;
    await change(m, 'down', 'up', downAt);
    await change(m, 'down', 'up', downAt); // the same change again (a retry, another listener)
    // The writer stores it; the catch-up sees nothing new.
    await h.sql('UPDATE monitors SET status = ?, status_since = ? WHERE id = ?', ['down', new Date(downAt), m]);
    await h.alerting.sweep();
    await change(m, 'up', 'down', downAt + 5 * MIN);
    await h.alerting.worker.drain();
    await h.alerting.worker.drain();

    expect(events(a)).toEqual(['monitor.down', 'monitor.up']);
    expect(events(b)).toEqual(['monitor.down', 'monitor.up']);
    expect(smtp.messages.map((x) => x.subject)).toEqual(['🔴 Checkout is down', '🟢 Checkout is up again']);
    expect(smtp.messages[1]!.text).toContain('Recovered after 5 min');

    const down = a.requests[0]!;
    expect(down.json()).toMatchObject({ event: 'monitor.down', monitor: { id: m, name: 'Checkout' }, status: 'down', reason: { code: 'TIMEOUT' }, at: new Date(downAt).toISOString() });
    expect(
      verifySignature({ secret: ca.secret, body: down.body, timestamp: down.headers['x-pingpage-timestamp'] as string, signature: down.headers['x-pingpage-signature'] as string, now: h.clock.now() }),
    ).toBe(true);
    expect(verifySignature({ secret: cb.secret, body: down.body, timestamp: down.headers['x-pingpage-timestamp'] as string, signature: down.headers['x-pingpage-signature'] as string, now: h.clock.now() })).toBe(false);
    // As a receiver following the README would check it, without PingPage's own helper: every
    // delivery to each channel carries sha256= HMAC-SHA256("<timestamp>.<raw body>") with that
    // channel's secret, and a timestamp from the sender's clock.
    for (const [r, secret] of [[a, ca.secret], [b, cb.secret]] as const) {
      for (const q of r.requests) {
        const timestamp = q.headers['x-pingpage-timestamp'] as string;
        expect(timestamp).toMatch(/^\d+$/);
        expect(Math.abs(Number(timestamp) - h.clock.now() / 1000)).toBeLessThanOrEqual(300);
        expect(q.headers['x-pingpage-signature']).toBe('sha256=' + createHmac('sha256', secret).update(`${timestamp}.${q.body}`).digest('hex'));
        expect(q.headers['x-pingpage-delivery']).toBe(q.json().id);
      }
    }

    const log = await deliveryLog(h.orm.em.fork(), m, 50);
    expect(log).toHaveLength(6);
    expect(log.every((d) => d.ok && d.attempts === 1 && d.state === 'delivered')).toBe(true);
  });

  it('reminds at the set cadence while down, and stops at the recovery', async () => {
    const r = await webhookReceiver();
    const c = await webhookChannel(r.url);
    const m = await h.monitor(orgId);
    await policy(m, [c.id], { remindEveryMinutes: 10 });
    await change(m, 'up', 'pending');
    await change(m, 'down', 'up');
    for (let minute = 1; minute <= 35; minute++) {
      h.clock.jump(MIN);
      await h.alerting.sweep();
    }
    await change(m, 'up', 'down');
    for (let minute = 1; minute <= 30; minute++) {
      h.clock.jump(MIN);
      await h.alerting.sweep();
    }
    await h.alerting.worker.drain();
    expect(events(r)).toEqual(['monitor.down', 'monitor.down#1', 'monitor.down#2', 'monitor.down#3', 'monitor.up']);
    const reminders = r.requests.slice(1, 4).map((q) => Date.parse(q.json().at) - Date.parse(q.json().downSince));
    expect(reminders).toEqual([10 * MIN, 20 * MIN, 30 * MIN]);
    // The delivery log tells a reminder from the first alert.
    const log = await deliveryLog(h.orm.em.fork(), m, 10);
    expect(log.map((d) => [d.event, d.reminder])).toEqual([['monitor.up', undefined], ['monitor.down', 3], ['monitor.down', 2], ['monitor.down', 1], ['monitor.down', undefined]]);
  });

  it('a flapping target gives one flapping alert, then holds down/up until stable', async () => {
    const { r, m } = await flappingMonitor();
    await toggle(m, 'up', 'down', 20, true);
    await h.alerting.worker.drain();
    expect(events(r).filter((e) => e === 'monitor.flapping')).toHaveLength(1);
    expect(events(r)).toEqual(['monitor.down', 'monitor.up', 'monitor.down', 'monitor.up', 'monitor.flapping']);
    // Stable (up) for the window: nothing was left open, so nothing more to say.
    h.clock.jump(31 * MIN);
    await h.alerting.sweep();
    await h.alerting.worker.drain();
    expect(events(r)).toHaveLength(5);
  });

  it('after a flapping alert, damping ends once quiet for the window and a later outage alerts at once', async () => {
    const { r, m } = await flappingMonitor();
    await toggle(m, 'up', 'down', 10, false);
    // Stable (up) for the quiet window, with no sweep to notice: the next change ends damping itself.
    h.clock.jump(30 * MIN);
    await change(m, 'down', 'up');
    await h.alerting.worker.drain();
    expect(events(r)).toEqual(['monitor.down', 'monitor.up', 'monitor.down', 'monitor.up', 'monitor.flapping', 'monitor.down']);
    const [state] = await h.sql('SELECT flapping_since FROM alert_states WHERE monitor_id = ?', [m]);
    expect(state.flapping_since).toBeNull();
    h.clock.jump(5 * MIN);
    await change(m, 'up', 'down');
    await h.alerting.worker.drain();
    expect(events(r).slice(5)).toEqual(['monitor.down', 'monitor.up']);
  });

  it('a monitor hovering between up and degraded (degraded not alerted) is not flapping: its outage alerts at once', async () => {
    const { r, m } = await flappingMonitor();
    const status = await toggle(m, 'up', 'degraded', 40, true);
    h.clock.jump(MIN);
    await change(m, 'down', status);
    await h.alerting.worker.drain();
    expect(events(r)).toEqual(['monitor.down']);
  });

  it('maintenance silences down alerts and reminders; a monitor still down afterwards is announced', async () => {
    const r = await webhookReceiver();
    const c = await webhookChannel(r.url);
    const direct = await h.monitor(orgId, 'direct');
    const viaComponent = await h.monitor(orgId, 'via component');
    const page = await h.page(orgId, `maint-${orgId.slice(0, 8)}`, [{ name: 'Web', monitorIds: [viaComponent] }]);
    for (const m of [direct, viaComponent]) await policy(m, [c.id], { remindEveryMinutes: 5 });
    const now = h.clock.now();
    await h.maintenance(orgId, { startsAt: now - MIN, endsAt: now + 30 * MIN, monitorIds: [direct] });
    await h.maintenance(orgId, { startsAt: now - MIN, endsAt: now + 30 * MIN, componentIds: [page.components[0]!] });
    for (const m of [direct, viaComponent]) {
      await change(m, 'up', 'pending');
      await change(m, 'down', 'up');
    }
    for (let minute = 1; minute <= 20; minute++) {
      h.clock.jump(MIN);
      await h.alerting.sweep();
    }
    await h.alerting.worker.drain();
    expect(r.requests).toHaveLength(0);
    h.clock.jump(15 * MIN); // the windows are over, both monitors still down
    // In the whole app monitoring follows the windows (the monitors report `maintenance` during
    // them); their first check afterwards finds them still down.
    for (const m of [direct, viaComponent]) await change(m, 'down', 'maintenance');
    await h.alerting.sweep();
    await h.alerting.worker.drain();
    expect(r.requests.map((q) => `${q.json().event}:${q.json().monitor.name}`).sort()).toEqual(['monitor.down:direct', 'monitor.down:via component']);
  });

  it('a receiver failing 3 times then succeeding gets the alert exactly once', async () => {
    const r = await webhookReceiver((n) => (n <= 3 ? { status: 500, body: 'busy' } : { status: 200 }));
    const c = await webhookChannel(r.url);
    const m = await h.monitor(orgId);
    await policy(m, [c.id]);
    await change(m, 'down', 'pending');
    expect(await h.alerting.worker.runOnce()).toBe(1);
    // Each failure backs off (base 1 s here, doubling, jittered to between half and all of it):
    // not due a moment before, due at the time the row says.
    for (let failed = 1; failed <= 3; failed++) {
      const [row] = await h.sql<{ state: string; attempts: number; next_attempt_at: Date }>('SELECT state, attempts, next_attempt_at FROM alert_outbox WHERE monitor_id = ?', [m]);
      expect(row).toMatchObject({ state: 'pending', attempts: failed });
      const wait = new Date(row!.next_attempt_at).getTime() - h.clock.now();
      const full = 1_000 * 2 ** (failed - 1);
      expect(wait).toBeGreaterThanOrEqual(full / 2);
      expect(wait).toBeLessThanOrEqual(full);
      h.clock.jump(wait - 1);
      expect(await h.alerting.worker.runOnce()).toBe(0);
      h.clock.jump(1);
      expect(await h.alerting.worker.runOnce()).toBe(1);
    }
    expect(r.requests.map((q) => q.json().event)).toEqual(['monitor.down', 'monitor.down', 'monitor.down', 'monitor.down']);
    expect(new Set(r.requests.map((q) => q.json().id)).size).toBe(1);
    const [entry] = await deliveryLog(h.orm.em.fork(), m, 10);
    expect(entry).toMatchObject({ event: 'monitor.down', ok: true, attempts: 4, state: 'delivered' });
    expect(entry!.error).toBeUndefined();
    // Accepted once (the fourth request, the only one answered 2xx), and never sent again.
    h.clock.jump(24 * 60 * MIN);
    expect(await h.alerting.worker.drain()).toBe(0);
    await h.alerting.sweep();
    expect(await h.alerting.worker.drain()).toBe(0);
    expect(r.requests).toHaveLength(4);
  });

  it('gives up after the attempt limit and says why', async () => {
    const r = await webhookReceiver(() => ({ status: 503, body: 'down for maintenance' }));
    const c = await webhookChannel(r.url);
    const m = await h.monitor(orgId);
    await policy(m, [c.id]);
    await change(m, 'down', 'pending');
    for (let i = 0; i < 12; i++) {
      await h.alerting.worker.runOnce();
      h.clock.jump(2 * MIN);
    }
    expect(r.requests).toHaveLength(8);
    const [entry] = await deliveryLog(h.orm.em.fork(), m, 10);
    expect(entry).toMatchObject({ ok: false, attempts: 8, state: 'failed', error: { code: 'HTTP_STATUS', message: 'The receiver answered 503: down for maintenance' } });
  });

  it('a hanging receiver times out and is retried without stalling other channels', async () => {
    const hang = await webhookReceiver(() => 'hang');
    const fine = await webhookReceiver();
    const slow = await webhookChannel(hang.url, 'hangs');
    const ok = await webhookChannel(fine.url, 'fine');
    const monitors = [await h.monitor(orgId, 'a'), await h.monitor(orgId, 'b'), await h.monitor(orgId, 'c'), await h.monitor(orgId, 'd')];
    for (const m of monitors.slice(0, 3)) await policy(m, [slow.id]);
    await policy(monitors[3]!, [slow.id, ok.id]);
    for (const m of monitors) await change(m, 'down', 'pending');
    // One round: the hanging channel holds its two slots; the other channel's alert goes out.
    const claimed = await h.alerting.worker.runOnce();
    expect(claimed).toBe(3);
    expect(fine.requests).toHaveLength(1);
    expect(hang.requests).toHaveLength(2);
    const failed = await h.sql(`SELECT state, last_error->>'code' AS code FROM alert_outbox WHERE channel_id = ? AND attempts = 1`, [slow.id]);
    expect(failed).toEqual([
      { state: 'pending', code: 'TIMEOUT' },
      { state: 'pending', code: 'TIMEOUT' },
    ]);
  });

  it('queues certificate warnings at 30/14/7/1 days left, each once', async () => {
    const r = await webhookReceiver();
    const c = await webhookChannel(r.url);
    const m = await h.monitor(orgId, 'tls');
    await policy(m, [c.id], { onDegraded: true });
    for (const days of [45, 29, 29, 20, 13, 13]) {
      await h.alerting.onHeartbeat({ monitorId: m, orgId, at: new Date(h.clock.now()).toISOString(), metadata: { certificate: { daysLeft: days } } });
      h.clock.jump(2 * 3_600_000);
    }
    await h.alerting.worker.drain();
    expect(r.requests.map((q) => q.json().certificateDaysLeft)).toEqual([29, 13]);
    expect(r.requests[0]!.json()).toMatchObject({ event: 'monitor.degraded', reason: { code: 'CERT_EXPIRING', message: 'The certificate expires in 29 days' } });
    expect((await deliveryLog(h.orm.em.fork(), m, 10)).map((d) => [d.event, d.certificateDaysLeft])).toEqual([['monitor.degraded', 13], ['monitor.degraded', 29]]);
  });
});

describe('durability', () => {
  /** Another PingPage process on the same database. */
  const process = () =>
    createAlerting({
      config: loadConfig({ DATABASE_URL: h.db.url, SESSION_SECRET: 'alerting-test-secret-alerting-test-secret', DATA_DIR: '/tmp' }),
      log: createLogger('silent'),
      orm: h.orm,
      // Its routes are never mounted: this process only queues and delivers.
      requireOrg: allowAll({ kind: 'user', userId: randomUUID(), sessionId: randomUUID() }),
      tuning: { clock: h.clock, sweepMs: 0 },
    });

  it('a restart between the state change and delivery delivers it exactly once', async () => {
    const r = await webhookReceiver();
    const c = await webhookChannel(r.url);
    const m = await h.monitor(orgId);
    await policy(m, [c.id]);
    // The process that saw the change queues it and stops before its worker ran.
    const first = process();
    await first.onStateChange({ monitorId: m, orgId, status: 'down', previous: 'up', since: new Date(h.clock.now()).toISOString(), reason: null });
    await first.stop();
    expect(r.requests).toHaveLength(0);
    // A new process on the same database.
    const next = process();
    await next.sweep(); // the catch-up adds nothing: the rows are there already
    expect(await next.worker.drain()).toBe(1);
    expect(await next.worker.drain()).toBe(0);
    await next.stop();
    expect(events(r)).toEqual(['monitor.down']);
  });

  it('a change whose event was lost (crash before alerting saw it) is caught up once', async () => {
    const r = await webhookReceiver();
    const c = await webhookChannel(r.url);
    const m = await h.monitor(orgId);
    await policy(m, [c.id]);
    await change(m, 'up', 'pending');
    // The results writer stored the change; the process died before the event reached alerting.
    await h.sql('UPDATE monitors SET status = ?, status_since = ?, status_reason = ? WHERE id = ?', ['down', new Date(h.clock.now() + MIN), 'HTTP_STATUS: 502', m]);
    await h.alerting.sweep();
    await h.alerting.sweep();
    await h.alerting.worker.drain();
    expect(events(r)).toEqual(['monitor.down']);
    expect(r.requests[0]!.json().reason).toEqual({ code: 'HTTP_STATUS', message: '502' });
  });

  it('a row claimed by a worker that died mid-send is delivered once after the lease', async () => {
    const r = await webhookReceiver();
    const c = await webhookChannel(r.url);
    const m = await h.monitor(orgId);
    await policy(m, [c.id]);
    await change(m, 'down', 'pending');
    const [dead] = await claimDue(h.orm.em.fork(), { now: h.clock.now(), limit: 10, perTarget: 2, busy: new Map(), leaseMs: 120_000, claimId: randomUUID() });
    expect(dead).toBeDefined();
    expect(await h.alerting.worker.runOnce()).toBe(0); // still leased to the dead worker
    h.clock.jump(120_001);
    expect(await h.alerting.worker.runOnce()).toBe(1);
    expect(await markDelivered(h.orm.em.fork(), dead!, { ok: true }, h.clock.now())).toBe(false); // its late finish changes nothing
    h.clock.jump(10 * MIN);
    expect(await h.alerting.worker.drain()).toBe(0);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]!.json().id).toBe(dead!.id);
    const [entry] = await deliveryLog(h.orm.em.fork(), m, 10);
    expect(entry).toMatchObject({ ok: true, attempts: 2 });
  });
});
