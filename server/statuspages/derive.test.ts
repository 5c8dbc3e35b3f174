/** The status rules: monitors → component, incidents override, overall = worst. */
import { describe, expect, it } from 'vitest';
import type { MonitorStatus } from '../../contracts/monitors.js';
import { derivePage, monitorsStatus } from './derive.js';
import type { IncidentRecord, PageRecord } from './load.js';
import type { ComponentStatus, Impact } from '../../contracts/vocab.js';

describe('component status from its monitors', () => {
  it.each<[string, MonitorStatus[], ComponentStatus]>([
    ['all up', ['up', 'up'], 'operational'],
    ['the only monitor down', ['down'], 'major_outage'],
    ['every monitor down', ['down', 'down'], 'major_outage'],
    ['one of two down', ['down', 'up'], 'partial_outage'],
    ['one of three down, one degraded', ['down', 'degraded', 'up'], 'partial_outage'],
    ['degraded', ['up', 'degraded'], 'degraded_performance'],
    ['maintenance', ['maintenance'], 'under_maintenance'],
    ['maintenance and up', ['maintenance', 'up'], 'under_maintenance'],
    ['down beside maintenance', ['maintenance', 'down'], 'major_outage'],
    ['paused says nothing', ['paused', 'up'], 'operational'],
    ['pending says nothing', ['pending'], 'operational'],
    ['down beside paused', ['paused', 'down'], 'major_outage'],
  ])('%s → %s', (_n, statuses, expected) => {
    expect(monitorsStatus(statuses)).toBe(expected);
  });
});

const NOW = Date.UTC(2026, 10, 29, 12);
const iso = (ms: number) => new Date(ms).toISOString();

function page(incidents: IncidentRecord[] = [], maintenance?: { componentIds: string[]; monitorIds: string[]; startsAt: number; endsAt: number }): PageRecord {
  return {
    id: 'p', orgId: 'o', slug: 's', title: 'T', description: null, logoUrl: null, brandColor: null, customDomain: null, passwordHash: null,
    showUptime: true, showLatency: false, autoIncidents: false, footerLinks: [], customCss: null, updatedAt: iso(NOW),
    components: [
      { id: 'api', name: 'API', description: null, group: null, position: 0, monitorIds: ['m1', 'm2'], showUptime: true, showLatency: false, manualStatus: 'operational' },
      { id: 'web', name: 'Web', description: null, group: null, position: 1, monitorIds: ['m3'], showUptime: true, showLatency: false, manualStatus: 'operational' },
      { id: 'support', name: 'Support', description: null, group: null, position: 2, monitorIds: [], showUptime: false, showLatency: false, manualStatus: 'degraded_performance' },
    ],
    incidents,
    maintenances: maintenance ? [{ id: 'mt', title: 'M', description: '', ...maintenance, startsAt: iso(maintenance.startsAt), endsAt: iso(maintenance.endsAt) }] : [],
    days: new Map(),
    checked90d: new Map(),
    latency: new Map(),
    monitors: new Map(),
  };
}

const incident = (impact: Impact, components: IncidentRecord['components'], resolved = false): IncidentRecord => ({
  id: `i-${impact}`, title: 'x', impact, status: resolved ? 'resolved' : 'investigating', startedAt: iso(NOW - 60_000),
  resolvedAt: resolved ? iso(NOW - 1000) : null, updatedAt: iso(NOW), components, updates: [],
});

function derive(record: PageRecord, statuses: Record<string, MonitorStatus>, inMaintenance: (m: string) => boolean = () => false) {
  const d = derivePage({ record, monitorStatus: (m) => statuses[m], inMaintenance, now: NOW, updatedAt: iso(NOW) });
  return { overall: d.page.overall, ...Object.fromEntries(d.page.components.map((c) => [c.id, c.status])) };
}

describe('page status', () => {
  it.each<[string, PageRecord, Record<string, MonitorStatus>, (m: string) => boolean, Record<string, ComponentStatus>]>([
    ['all up; the manual component keeps its status', page(), { m1: 'up', m2: 'up', m3: 'up' }, () => false,
      { overall: 'degraded_performance', api: 'operational', web: 'operational', support: 'degraded_performance' }],
    ['one API monitor down', page(), { m1: 'down', m2: 'up', m3: 'up' }, () => false,
      { overall: 'partial_outage', api: 'partial_outage', web: 'operational' }],
    ['web down', page(), { m1: 'up', m2: 'up', m3: 'down' }, () => false, { overall: 'major_outage', web: 'major_outage' }],
    ['an open incident overrides the monitors, both ways', page([incident('minor', [{ id: 'web', status: 'degraded_performance' }, { id: 'api', status: 'major_outage' }])]),
      { m1: 'up', m2: 'up', m3: 'down' }, () => false, { overall: 'major_outage', api: 'major_outage', web: 'degraded_performance' }],
    ['a resolved incident overrides nothing', page([incident('critical', [{ id: 'web', status: 'major_outage' }], true)]), { m1: 'up', m2: 'up', m3: 'up' }, () => false,
      { overall: 'degraded_performance', web: 'operational' }],
    ['an open incident without components raises the overall line by its impact', page([incident('critical', [])]), { m1: 'up', m2: 'up', m3: 'up' }, () => false,
      { overall: 'major_outage', api: 'operational' }],
    ['monitors inside a maintenance window', page(), { m1: 'down', m2: 'up', m3: 'up' }, (m) => m === 'm1' || m === 'm2',
      { api: 'under_maintenance', web: 'operational' }],
    ['a component named by a running window', page([], { componentIds: ['support'], monitorIds: [], startsAt: NOW - 1, endsAt: NOW + 1 }), { m1: 'up', m2: 'up', m3: 'up' }, () => false,
      { overall: 'under_maintenance', support: 'under_maintenance' }],
    ['a window not yet started changes nothing', page([], { componentIds: ['support'], monitorIds: [], startsAt: NOW + 1, endsAt: NOW + 2 }), { m1: 'up', m2: 'up', m3: 'up' }, () => false,
      { support: 'degraded_performance' }],
  ])('%s', (_n, record, statuses, inMaintenance, expected) => {
    expect(derive(record, statuses, inMaintenance)).toMatchObject(expected);
  });

  it('lists open incidents and, for an hour, resolved notes as current; only resolved ones as past', () => {
    const hourAgo = { ...incident('major', [], true), id: 'hour', resolvedAt: iso(NOW - 60 * 60_000) };
    const old = { ...incident('major', [], true), id: 'old', resolvedAt: iso(NOW - 2 * 86_400_000) };
    const d = derivePage({ record: page([incident('minor', []), incident('critical', [], true), hourAgo, old]), monitorStatus: () => 'up', inMaintenance: () => false, now: NOW, updatedAt: iso(NOW) });
    expect(d.page.incidents.map((i) => i.id)).toEqual(['i-minor', 'i-critical']);
    expect(d.history.map((i) => i.id)).toEqual(['i-minor', 'i-critical', 'hour', 'old']);
    expect(d.past.map((i) => i.id)).toEqual(['i-critical', 'hour', 'old']);
  });
});

describe('uptime figures', () => {
  const t = (upSeconds: number, downSeconds: number) => ({ upSeconds, downSeconds });
  const at = (d: ReturnType<typeof derivePage>) => ({ page: d.page.uptime90d, ...Object.fromEntries(d.page.components.map((c) => [c.id, c.uptime90d])) });
  const run = (record: PageRecord) => derivePage({ record, monitorStatus: () => 'up', inMaintenance: () => false, now: NOW, updatedAt: iso(NOW) });

  it.each<[string, (r: PageRecord) => PageRecord, Record<string, number | null>]>([
    ['a component adds up the checked time of its monitors; the page counts each shown monitor once', (r) => r,
      { api: 75, web: 50, page: 73.809 }], // 3,000 of 4,000 s; 100 of 200; 3,100 of 4,200
    ['a component hiding its uptime shows none, and the page leaves its monitors out', (r) => ({ ...r, components: r.components.map((c) => (c.id === 'web' ? { ...c, showUptime: false } : c)) }),
      { api: 75, web: null, page: 75 }],
    ['a page hiding uptime shows none at all', (r) => ({ ...r, showUptime: false }), { api: null, web: null, page: null }],
    ['a monitor in two components counts once on the page', (r) => ({ ...r, components: r.components.map((c) => (c.id === 'web' ? { ...c, monitorIds: ['m3', 'm1'] } : c)) }),
      { api: 75, web: 96.875, page: 73.809 }],
    ['nothing checked: no figure', (r) => ({ ...r, checked90d: new Map() }), { api: null, web: null, page: null }],
  ])('%s', (_n, change, expected) => {
    const base = { ...page(), checked90d: new Map([['m1', t(3000, 0)], ['m2', t(0, 1000)], ['m3', t(100, 100)], ['m4', t(0, 9999)]]) };
    expect(at(run(change(base)))).toMatchObject(expected);
  });

  it('draws day bars with the same rule: a day without checked time has no figure', () => {
    const today = new Date(NOW).toISOString().slice(0, 10);
    const record = { ...page(), days: new Map([['api', new Map([[today, { checks: 3, upSeconds: 120, downSeconds: 60 }], ['2026-11-28', { checks: 2, upSeconds: 0, downSeconds: 0 }]])]]) };
    const bars = run(record).bars.get('api')!;
    expect(bars.at(-1)).toMatchObject({ date: today, uptime: 66.666 });
    expect(bars.at(-2)).toMatchObject({ date: '2026-11-28', uptime: null });
  });
});
