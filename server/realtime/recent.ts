/**
 * The last heartbeats and 24-hour counts of every monitor, in memory, for dashboard snapshots.
 *
 * Reading them from PostgreSQL is one index range scan per monitor over rows written all over
 * the table (bench:dashboard: 1.4–1.6 s for 2,000 monitors); a dashboard connecting, reloading or
 * reconnecting after a restart should not wait for that. Each monitor is read from the database
 * once (in the background after start, or on first use), then kept up to date by the heartbeats
 * the check engine publishes. About 1 KB per monitor.
 * Hot path: raw SQL (the dashboard's recent beats and 24-hour counts, measured by bench:dashboard).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { rows } from '../db/sql.js';
import { Monitor, type MonitorRow } from '../monitors/entities.js';
import type { HeartbeatRow, RollupRow } from '../results/entities.js';
import type { HeartbeatEvent, MonitoringEvents } from '../monitors/events.js';
import { addCheck, beatLetter, NO_CHECKED_TIME, uptimePercent, windowStart, type CheckedTime } from '../../contracts/uptime.js';
import type { SnapshotBeats } from '../../contracts/events.js';
import type { MonitorStatus } from '../../contracts/monitors.js';

/** Heartbeats per monitor in a dashboard snapshot (the strip shows about this many). */
export const SNAPSHOT_BEATS = 50;

const HOUR = 3_600_000;
const DAY_HOURS = 24;

interface Beat {
  /** Milliseconds since the epoch (the check's start, as stored). */
  at: number;
  /** contracts/uptime.ts beatLetter. */
  letter: string;
  /** Whole ms; -1 when there was none. */
  latency: number;
}

/** Hourly buckets kept: the 24 of the window and the one it is leaving. */
const SLOTS = DAY_HOURS + 1;

const seconds = (ms: number) => Math.floor(ms / 1000);

/** One monitor: its last beats (oldest first, column-wise) and its checked time per UTC hour for the last day. */
class Recent {
  at: number[] = [];
  letters = '';
  latency: number[] = [];
  /** The latest status change the engine announced (the table catches up at the writer's next flush). */
  status?: { status: MonitorStatus; since: string };
  /** A ring of hourly buckets: slot h % SLOTS holds hour h (ms / HOUR) when hourOf says so. */
  hourOf: number[] = new Array<number>(SLOTS).fill(-1);
  checked: CheckedTime[] = new Array<CheckedTime>(SLOTS).fill(NO_CHECKED_TIME);

  /** Adds a check, covering the time since the one before it as the writer's rollups do (uptime.ts). */
  add(b: Beat, intervalSeconds: number): void {
    // Checks finish out of order now and then: keep the strip sorted by start time.
    let i = this.at.length;
    while (i > 0 && this.at[i - 1]! > b.at) i--;
    const previous = i > 0 ? seconds(this.at[i - 1]!) : undefined;
    this.at.splice(i, 0, b.at);
    this.latency.splice(i, 0, b.latency);
    this.letters = this.letters.slice(0, i) + b.letter + this.letters.slice(i);
    if (this.at.length > SNAPSHOT_BEATS) {
      this.at.shift();
      this.latency.shift();
      this.letters = this.letters.slice(1);
    }
    const hour = Math.floor(b.at / HOUR);
    const slot = this.#slot(hour);
    if (slot !== undefined) this.checked[slot] = addCheck(this.checked[slot]!, b.letter, previous, seconds(b.at), intervalSeconds);
  }

  /** Adds a stored hour rollup. */
  count(hour: number, time: CheckedTime): void {
    const slot = this.#slot(hour);
    if (slot !== undefined) this.checked[slot] = { upSeconds: this.checked[slot]!.upSeconds + time.upSeconds, downSeconds: this.checked[slot]!.downSeconds + time.downSeconds };
  }

  /** The slot of `hour`, emptied if it held an older one; undefined when the hour is older than the window. */
  #slot(hour: number): number | undefined {
    const slot = hour % SLOTS;
    const held = this.hourOf[slot]!;
    if (held > hour) return undefined;
    if (held < hour) {
      this.hourOf[slot] = hour;
      this.checked[slot] = NO_CHECKED_TIME;
    }
    return slot;
  }

  /** Checked time of the 24 h window ending at `now` (its hours, as the API reads the rollups). */
  window(now: number): CheckedTime {
    const from = windowStart('24h', now);
    let upSeconds = 0;
    let downSeconds = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      if (this.hourOf[slot]! * HOUR >= from) (upSeconds += this.checked[slot]!.upSeconds), (downSeconds += this.checked[slot]!.downSeconds);
    }
    return { upSeconds, downSeconds };
  }

  /** The strip as a snapshot carries it: seconds as differences. */
  beats(): SnapshotBeats {
    const dt: number[] = new Array(this.at.length);
    let previous = 0;
    for (let i = 0; i < this.at.length; i++) {
      const t = seconds(this.at[i]!);
      dt[i] = t - previous;
      previous = t;
    }
    return { dt, s: this.letters, l: this.latency.slice() };
  }
}

/**
 * One monitor's history as #read aggregates it, columns as arrays (null without rows): the last
 * heartbeats (times as text, like every timestamp of a raw query) and the hour rollups of the
 * last 25 hours (hours since the epoch: a bigint, which arrives as text).
 */
interface Loaded {
  id: MonitorRow['id'];
  at: string[] | null;
  s: Array<HeartbeatRow['status']> | null;
  ok: Array<HeartbeatRow['ok']> | null;
  /** latency_ms rounded to whole ms, -1 for none. */
  l: number[] | null;
  hours: string[] | null;
  up: Array<RollupRow['upSeconds']> | null;
  down: Array<RollupRow['downSeconds']> | null;
}

/** Monitors read per query while warming up (one query holds about a chunk's beats in memory). */
const CHUNK = 500;

export class RecentBeats {
  readonly #byMonitor = new Map<string, Recent>();
  /** Monitors whose history is being read, and the read they wait for. */
  readonly #loading = new Map<string, Promise<void>>();
  /** Beats that arrived while their monitor's history was being read: merged when it lands. */
  readonly #early = new Map<string, HeartbeatEvent[]>();
  /** Every monitor that existed at start has been read: one heard of only now is new. */
  #warmed = false;

  constructor(private readonly em: () => EntityManager) {}

  /** Keeps up with the engine: every heartbeat, status change and deletion. */
  follow(events: MonitoringEvents): () => void {
    const off = [
      events.on('heartbeat', (e) => this.record(e)),
      events.on('monitor:status', (e) => {
        const recent = this.#byMonitor.get(e.monitorId);
        if (recent) recent.status = { status: e.status, since: e.since };
      }),
      events.on('monitor:delete', (e) => this.forget(e.monitorId)),
    ];
    return () => off.forEach((f) => f());
  }

  get size(): number {
    return this.#byMonitor.size;
  }

  record(e: HeartbeatEvent): void {
    const recent = this.#byMonitor.get(e.monitorId);
    if (recent) recent.add(beatOf(e), e.intervalSeconds);
    else if (this.#loading.has(e.monitorId)) {
      const early = this.#early.get(e.monitorId);
      if (early) early.push(e);
      else this.#early.set(e.monitorId, [e]);
    } else if (this.#warmed) {
      // Created since: no history to read.
      const fresh = new Recent();
      fresh.add(beatOf(e), e.intervalSeconds);
      this.#byMonitor.set(e.monitorId, fresh);
    }
    // Else nobody asked for it yet: its first use reads it from the database.
  }

  forget(monitorId: string): void {
    this.#byMonitor.delete(monitorId);
    this.#early.delete(monitorId);
    this.#loading.delete(monitorId); // a read in flight must not bring it back
  }

  /** The monitor's last beats, oldest first, as a snapshot carries them. */
  beats(monitorId: string): SnapshotBeats {
    return this.#byMonitor.get(monitorId)?.beats() ?? { dt: [], s: '', l: [] };
  }

  /** The stored status, or the one the engine announced since, whichever is newer. */
  status(monitorId: string, stored: { status: MonitorStatus; since: string | null }): { status: MonitorStatus; since: string | null } {
    const announced = this.#byMonitor.get(monitorId)?.status;
    return announced && (stored.since === null || Date.parse(announced.since) >= Date.parse(stored.since)) ? announced : stored;
  }

  /** Checked time of the last 24 h (contracts/uptime.ts). */
  checked24h(monitorId: string, now = Date.now()): CheckedTime {
    return this.#byMonitor.get(monitorId)?.window(now) ?? NO_CHECKED_TIME;
  }

  uptime24h(monitorId: string, now = Date.now()): number | null {
    return uptimePercent(this.checked24h(monitorId, now));
  }

  /** Resolves once every given monitor is in memory (reading the missing ones, CHUNK at a time). */
  async ensure(ids: readonly string[]): Promise<void> {
    const waits = new Set<Promise<void>>();
    let missing: string[] = [];
    const flush = () => {
      if (!missing.length) return;
      const batch = missing;
      missing = [];
      const read = this.#read(batch).finally(() => batch.forEach((id) => this.#loading.delete(id)));
      for (const id of batch) this.#loading.set(id, read);
      waits.add(read);
    };
    for (const id of ids) {
      if (this.#byMonitor.has(id)) continue;
      const loading = this.#loading.get(id);
      if (loading) waits.add(loading);
      else if (missing.push(id) >= CHUNK) flush();
    }
    flush();
    await Promise.all(waits);
  }

  /** The warm-up in progress or done (undefined before warm() is called). */
  warming: Promise<number> | undefined;

  /** Reads every monitor of the instance, a chunk at a time (after start, in the background). */
  warm(): Promise<number> {
    this.warming = (async () => {
      const all = await this.em().createQueryBuilder(Monitor).select('id').orderBy({ org: 'asc' }).execute<Array<Pick<MonitorRow, 'id'>>>('all');
      for (let i = 0; i < all.length; i += CHUNK) await this.ensure(all.slice(i, i + CHUNK).map((r) => r.id));
      this.#warmed = true;
      return all.length;
    })();
    return this.warming;
  }

  async #read(ids: string[]): Promise<void> {
    const list = await rows<Loaded>(
      this.em(),
      `SELECT m.id, b.at, b.s, b.ok, b.l, u.hours, u.up, u.down
       FROM unnest(?::uuid[]) AS m(id)
       LEFT JOIN LATERAL (
         SELECT array_agg(x.at ORDER BY x.at) AS at, array_agg(x.status ORDER BY x.at) AS s, array_agg(x.ok ORDER BY x.at) AS ok,
                array_agg(coalesce(round(x.latency_ms), -1)::int ORDER BY x.at) AS l
         FROM (SELECT at, status, ok, latency_ms FROM heartbeats WHERE monitor_id = m.id ORDER BY at DESC LIMIT ${SNAPSHOT_BEATS}) x
       ) b ON true
       LEFT JOIN LATERAL (
         SELECT array_agg((extract(epoch FROM bucket) / 3600)::bigint) AS hours, array_agg(up_seconds) AS up, array_agg(down_seconds) AS down
         FROM heartbeat_rollups_hour WHERE monitor_id = m.id AND bucket > now() - interval '25 hours'
       ) u ON true`,
      [`{${ids.join(',')}}`],
    );
    for (const r of list) {
      if (!this.#loading.has(r.id)) continue; // deleted meanwhile
      const recent = new Recent();
      const at = (r.at ?? []).map((a) => new Date(a).getTime());
      recent.at = at.slice();
      recent.latency = r.l ?? [];
      recent.letters = (r.s ?? []).map((x, i) => beatLetter(x, r.ok![i]!)).join('');
      (r.hours ?? []).forEach((h, i) => recent.count(Number(h), { upSeconds: r.up![i]!, downSeconds: r.down![i]! }));
      // Beats that came in meanwhile: those already stored are counted; add the others.
      const stored = new Set(at);
      const oldest = at[0] ?? -Infinity;
      for (const e of this.#early.get(r.id) ?? []) {
        const beat = beatOf(e);
        if (stored.has(beat.at)) continue;
        if (beat.at < oldest && at.length === SNAPSHOT_BEATS) continue; // older than the strip: already in the counts
        recent.add(beat, e.intervalSeconds);
      }
      this.#early.delete(r.id);
      this.#byMonitor.set(r.id, recent);
    }
  }
}

function beatOf(e: HeartbeatEvent): Beat {
  return { at: Date.parse(e.at), letter: beatLetter(e.status, e.ok), latency: e.latencyMs == null ? -1 : Math.round(e.latencyMs) };
}
