import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Bus } from './bus.js';
import { createLogger } from './log.js';
import { startTestApp, type TestApp } from './testing/app.js';
import { signUp, type TestClient } from './testing/client.js';

interface Events {
  ping: { n: number };
  pong: { text: string };
}

/** A bus whose log lines are kept. */
function loggedBus() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { bus: new Bus<Events>(createLogger('info', sink)), lines };
}

describe('Bus', () => {
  it('delivers each event, typed, to its own listeners in the order they subscribed, before emit returns', () => {
    const bus = new Bus<Events>();
    const heard: string[] = [];
    bus.on('ping', (e) => heard.push(`a${e.n}`));
    bus.on('pong', (e) => heard.push(`pong ${e.text}`));
    bus.on('ping', (e) => heard.push(`b${e.n}`));
    bus.emit('ping', { n: 1 });
    expect(heard).toEqual(['a1', 'b1']);
    bus.emit('pong', { text: 'x' });
    expect(heard).toEqual(['a1', 'b1', 'pong x']);
  });

  it('keeps a throwing and a rejecting listener from the others and from the emitter, and logs and counts both', async () => {
    const { bus, lines } = loggedBus();
    const heard: number[] = [];
    bus.on('ping', function throwing() {
      throw new Error('sync failure');
    });
    bus.on('ping', async function rejecting() {
      throw new Error('async failure');
    });
    bus.on('ping', (e) => heard.push(e.n));
    expect(() => bus.emit('ping', { n: 7 })).not.toThrow();
    expect(heard).toEqual([7]);
    await vi.waitFor(() => expect(bus.failures).toBe(2));
    await vi.waitFor(() => expect(lines).toHaveLength(2));
    expect(lines.map((l) => [l.event, l.listener, (l.err as { message: string }).message, l.msg])).toEqual([
      ['ping', 'throwing', 'sync failure', 'an event listener failed'],
      ['ping', 'rejecting', 'async failure', 'an event listener failed'],
    ]);
  });

  it('stops delivering to a listener once unsubscribed, and only that subscription', () => {
    const bus = new Bus<Events>();
    const heard: string[] = [];
    const listener = (e: { n: number }) => heard.push(`l${e.n}`);
    const first = bus.on('ping', listener);
    bus.on('ping', listener);
    bus.emit('ping', { n: 1 });
    first();
    first(); // twice is harmless
    bus.emit('ping', { n: 2 });
    expect(heard).toEqual(['l1', 'l1', 'l2']);
  });

  it('delivers an emit to the listeners it began with when one unsubscribes during it', () => {
    const bus = new Bus<Events>();
    const heard: string[] = [];
    const off = bus.on('ping', () => {
      heard.push('once');
      off();
    });
    bus.on('ping', () => heard.push('always'));
    bus.emit('ping', { n: 1 });
    bus.emit('ping', { n: 2 });
    expect(heard).toEqual(['once', 'always', 'always']);
  });
});

describe('the bus in the app', () => {
  let app: TestApp;
  let owner: TestClient;
  let orgId: string;
  beforeAll(async () => {
    app = await startTestApp({ PINGPAGE_SIGNUP: 'open' });
    ({ client: owner, orgId } = await signUp(app.url, 'owner@example.com', { orgName: 'A' }));
  });
  afterAll(() => app?.stop());

  it('answers an incident write 201 and stores it though a listener throws and another rejects', async () => {
    const offs = [
      app.bus.on('incident', function throwingIncidentListener() {
        throw new Error('listener broke');
      }),
      app.bus.on('incident', async function rejectingIncidentListener() {
        throw new Error('listener rejected');
      }),
    ];
    try {
      const before = app.bus.failures;
      const res = await owner.post(`/orgs/${orgId}/incidents`, { title: 'Database slow', impact: 'minor', message: 'Looking into it' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const stored = await owner.get(`/orgs/${orgId}/incidents/${res.body.id}`);
      expect(stored.status).toBe(200);
      expect(stored.body.title).toBe('Database slow');
      await vi.waitFor(() => expect(app.bus.failures - before).toBe(2));
      expect(app.logs()).toContain('"listener":"throwingIncidentListener"');
      expect(app.logs()).toContain('"listener":"rejectingIncidentListener"');
    } finally {
      for (const off of offs) off();
    }
  });

  it('answers a maintenance write 201 and stores it though a listener of the window starting throws', async () => {
    const heard: string[] = [];
    const offs = [
      app.statusPages.maintenance.on('started', function throwingEdgeListener() {
        throw new Error('edge listener broke');
      }),
      app.statusPages.maintenance.on('started', (w) => heard.push(w.title)),
    ];
    try {
      const now = Date.now();
      const body = { title: 'Upgrade now', startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3_600_000).toISOString() };
      const res = await owner.post(`/orgs/${orgId}/maintenances`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const stored = await owner.get(`/orgs/${orgId}/maintenances/${res.body.id}`);
      expect(stored.status).toBe(200);
      expect(heard).toEqual(['Upgrade now']);
    } finally {
      for (const off of offs) off();
    }
  });
});
