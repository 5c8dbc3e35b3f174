import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Bus } from '../bus.js';
import type { IncidentEventMap } from '../incidents/events.js';
import { createLogger } from '../log.js';
import type { MonitoringEventMap } from '../monitors/events.js';
import { startAlertingHarness, type AlertingHarness } from '../testing/alerting.js';
import { httpReceiver, type HttpReceiver } from '../testing/receivers.js';
import { insertChannel } from './channels/store.js';
import { connectAlerting } from './connect.js';
import { putPolicy } from './policies/store.js';

let h: AlertingHarness;
let receiver: HttpReceiver;
let orgId: string;
const monitoring = new Bus<MonitoringEventMap>();
const incidents = new Bus<IncidentEventMap>();
let disconnect: () => void;

beforeAll(async () => {
  // Subscriber webhooks meet the deny rules; the local receiver is let through by name, as an operator would.
  h = await startAlertingHarness({ env: { PINGPAGE_TARGET_ALLOWLIST: '127.0.0.1' } });
  receiver = await httpReceiver();
  orgId = randomUUID();
  await h.sql('INSERT INTO orgs (id, name) VALUES (?, ?)', [orgId, 'Acme']);
  disconnect = connectAlerting(h.alerting, { monitoring, incidents }, createLogger('silent'));
});
afterAll(async () => {
  disconnect?.();
  await receiver?.close();
  await h?.stop();
});

const outbox = (event: string) => h.sql('SELECT id FROM alert_outbox WHERE event = ?', [event]);

describe('connectAlerting', () => {
  it('turns monitoring events into alerts', async () => {
    const c = await insertChannel(h.orm.em.fork(), { id: randomUUID(), orgId, name: 'hook', notifier: 'webhook', config: { url: `${receiver.url}/monitor`, headers: {} }, signingSecret: 'whsec_x', template: null, enabled: true, createdBy: null });
    const m = await h.monitor(orgId, 'Wired');
    await putPolicy(h.orm.em.fork(), orgId, m, { channelIds: [c.id], remindEveryMinutes: null, onDegraded: true, flapping: { changes: 4, windowMinutes: 30 } });
    const since = new Date(h.clock.now()).toISOString();
    monitoring.emit('monitor:status', { monitorId: m, orgId, status: 'down', previous: 'up', since, reason: { code: 'TIMEOUT', message: 'x' } });
    monitoring.emit('heartbeat', { monitorId: m, orgId, at: since, status: 'down', ok: false, latencyMs: 10, metadata: { daysLeft: 6 } } as never);
    await vi.waitFor(async () => expect(await outbox('monitor.down')).toHaveLength(1));
    await vi.waitFor(async () => expect(await outbox('monitor.degraded')).toHaveLength(1));
    await h.alerting.worker.drain();
    // The receiver is shared with the next test: count only this channel's requests, whatever ran before.
    expect(receiver.requests.filter((r) => r.path === '/monitor').map((r) => r.json().event).sort()).toEqual(['monitor.degraded', 'monitor.down']);
  });

  it('turns incident and maintenance events into subscriber notices', async () => {
    const page = await h.page(orgId, 'wired', [{ name: 'API' }]);
    const subscriber = randomUUID();
    await h.sql(`INSERT INTO status_subscribers (id, page_id, webhook_url, secret, confirmed_at, created_at) VALUES (?, ?, ?, 'whsec_s', ?, ?)`, [
      subscriber,
      page.id,
      `${receiver.url}/subscriber`,
      new Date(h.clock.now() - 60_000),
      new Date(h.clock.now() - 60_000),
    ]);
    const incident = await h.incident(orgId, { title: 'Wired incident', pageIds: [page.id], componentIds: [page.components[0]!], message: 'x' });
    const summary = { id: incident.id, title: 'Wired incident', status: 'investigating' as const, impact: 'major' as const, updatedAt: new Date().toISOString() };
    incidents.emit('incident', { orgId, event: 'incident.created', incident: summary });
    incidents.emit('incident', { orgId, event: 'incident.updated', incident: summary }); // a new title, no new update: nothing more
    const w = await h.maintenance(orgId, { startsAt: h.clock.now() + 60_000, endsAt: h.clock.now() + 120_000, componentIds: [page.components[0]!] });
    const window = { id: w, title: 'Database upgrade', startsAt: '', endsAt: '', monitorIds: [] };
    incidents.emit('maintenance', { orgId, event: 'maintenance.created', maintenance: window });
    incidents.emit('maintenance', { orgId, event: 'maintenance.deleted', maintenance: window });
    await vi.waitFor(async () => expect(await outbox('incident.created')).toHaveLength(1));
    await vi.waitFor(async () => expect(await outbox('maintenance.scheduled')).toHaveLength(1));
    await h.alerting.worker.drain();
    // The two notices come from separate events that reach the outbox concurrently: no order between them is promised.
    const sent = receiver.requests.filter((r) => r.path === '/subscriber').map((r) => r.json().event);
    expect(sent.sort()).toEqual(['incident.created', 'maintenance.scheduled']);
    expect(await outbox('incident.updated')).toHaveLength(0);
  });
});
