/**
 * One monitor as the overview shows it. Each field is its own signal, so a heartbeat for one
 * monitor re-renders that row only, never the list.
 */
import type { BeatColumns, DashboardMonitor, HeartbeatEvent } from '../../../contracts/events';
import type { MonitorJson, MonitorStatus } from '../../../contracts/monitors';
import { addCheck, beatLetter, NO_CHECKED_TIME, uptimePercent, type CheckedTime } from '../../../contracts/uptime';

/** How many recent checks a row keeps (the heartbeat strip). */
export const STRIP_LENGTH = 50;

export class MonitorRow {
  readonly id: string;
  name = $state('');
  probe = $state('');
  tags = $state.raw<string[]>([]);
  paused = $state(false);
  intervalSeconds = $state(60);
  status = $state<MonitorStatus>('pending');
  /** ISO 8601, when the monitor entered its status. */
  since = $state<string | null>(null);
  /** The snapshot's 24 h checked time, with every live check since added the way the server adds it. */
  checked24h = $state.raw<CheckedTime>(NO_CHECKED_TIME);
  /** Percent over 24 h (contracts/uptime.ts); null without checked time. */
  uptime24h = $derived(uptimePercent(this.checked24h));
  beats = $state.raw<BeatColumns>({ t: [], s: '', l: [] });

  /** Latency of the newest check in ms, null when it had none. */
  latency = $derived.by(() => {
    const l = this.beats.l;
    const v = l[l.length - 1];
    return v === undefined || v < 0 ? null : v;
  });
  /** Seconds since the epoch of the newest check, 0 before any. */
  lastCheck = $derived(this.beats.t[this.beats.t.length - 1] ?? 0);
  search = $derived((this.name + ' ' + this.probe + ' ' + this.tags.join(' ')).toLowerCase());
  /** ISO time of the last live check added; null when the newest came with a snapshot. */
  #lastAt: string | null = null;

  constructor(m: DashboardMonitor) {
    this.id = m.id;
    this.assign(m);
  }

  assign(m: DashboardMonitor) {
    this.name = m.name;
    this.probe = m.probe;
    if (m.tags.join('\0') !== this.tags.join('\0')) this.tags = m.tags;
    this.paused = m.paused;
    this.intervalSeconds = m.intervalSeconds;
    this.status = m.status;
    this.since = m.since;
    this.checked24h = m.checked24h;
    this.#lastAt = null;
    const dt = m.beats.dt;
    const t: number[] = new Array(dt.length);
    for (let i = 0, at = 0; i < dt.length; i++) t[i] = at += dt[i]!;
    this.beats = { t, s: m.beats.s, l: m.beats.l };
  }

  /**
   * A REST/upsert shape: same monitor, maybe renamed, retagged, paused. Its status is taken unless
   * the row already knows a newer one: a new monitor is checked at once, so its first check can
   * arrive live before the answer to the request that created it (which still says pending).
   */
  update(m: MonitorJson) {
    this.name = m.name;
    this.probe = m.probe;
    if (m.tags.join('\0') !== this.tags.join('\0')) this.tags = m.tags;
    this.paused = m.paused;
    this.intervalSeconds = m.intervalSeconds;
    if (this.since === null || (m.statusSince !== null && m.statusSince >= this.since)) {
      this.status = m.status;
      this.since = m.statusSince;
    }
  }

  /** Adds a live check; answers false when it is one the row already has (replayed after a resync). */
  addBeat(e: HeartbeatEvent): boolean {
    const t = Math.floor(Date.parse(e.at) / 1000);
    const letter = beatLetter(e.status, e.ok);
    const latency = e.latencyMs === null ? -1 : Math.round(e.latencyMs);
    const b = this.beats;
    const n = b.t.length;
    const lastT = b.t[n - 1];
    // A replay: not after the last check added live (ISO times compare as text), or, against the
    // snapshot's whole seconds, one just like its newest.
    const sameSecondReplay = this.#lastAt !== null ? e.at <= this.#lastAt : b.s[n - 1] === letter && b.l[n - 1] === latency;
    if (lastT !== undefined && (t < lastT || (t === lastT && sameSecondReplay))) return false;
    this.#lastAt = e.at;
    const cut = n >= STRIP_LENGTH ? n - STRIP_LENGTH + 1 : 0;
    this.beats = { t: [...b.t.slice(cut), t], s: b.s.slice(cut) + letter, l: [...b.l.slice(cut), latency] };
    // Checks leaving the window are only dropped at the next snapshot: until then an estimate.
    this.checked24h = addCheck(this.checked24h, letter, lastT, t, this.intervalSeconds);
    if (e.status !== this.status && !this.paused) {
      this.status = e.status;
      this.since = e.at;
    }
    return true;
  }
}

export function rowFromJson(m: MonitorJson): MonitorRow {
  return new MonitorRow({
    id: m.id,
    name: m.name,
    probe: m.probe,
    tags: m.tags,
    paused: m.paused,
    intervalSeconds: m.intervalSeconds,
    status: m.status,
    since: m.statusSince,
    uptime24h: null,
    checked24h: NO_CHECKED_TIME,
    beats: { dt: [], s: '', l: [] },
  });
}
