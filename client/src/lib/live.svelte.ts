/**
 * The live side of the dashboard: one Socket.IO connection to `/dashboard`, the org's monitors as
 * a keyed store of MonitorRow, and the connection state for the header badge. Heartbeats are
 * queued and applied once per animation frame.
 *
 * Opening an org: its snapshot comes over HTTP (index.html preloads it, so it loads with the
 * scripts) and is shown at once; the socket's subscribe then hands back the snapshot's mark and
 * gets what was sent since, so nothing falls between the two. A reconnect resyncs from a snapshot
 * the socket sends.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  DashboardCatchUp,
  DashboardClientEvents,
  DashboardServerEvents,
  DashboardSnapshot,
  HeartbeatEvent,
  IncidentEvent,
  MaintenanceEvent,
  MonitorStatusEvent,
  OrgEvent,
  PackedSnapshot,
} from '../../../contracts/events';
import type { MonitorJson, MonitorStatus } from '../../../contracts/monitors';
import { api, ApiError } from './api';
import { STATUS_LABEL } from './format';
import { MonitorRow, rowFromJson } from './monitor-row.svelte';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'offline';
type DashboardSocket = Socket<DashboardServerEvents, DashboardClientEvents>;

export const STATUSES: MonitorStatus[] = ['down', 'degraded', 'pending', 'up', 'maintenance', 'paused'];

type Listener<T> = (value: T) => void;

/** The snapshot as sent: plain, or deflated once by the server (2,000 monitors: ~1.9 MB → ~90 KB). */
async function unpack(data: DashboardSnapshot | PackedSnapshot): Promise<DashboardSnapshot> {
  if (!('encoding' in data)) return data;
  const stream = new Blob([data.bytes as ArrayBuffer]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return JSON.parse(await new Response(stream).text()) as DashboardSnapshot;
}

/** GET /orgs/:org/dashboard, as index.html preloaded it (same URL, same request); null when it failed. */
async function fetchSnapshot(orgId: string): Promise<DashboardSnapshot | null> {
  try {
    const res = await fetch(`/api/v1/orgs/${orgId}/dashboard`);
    return res.ok ? ((await res.json()) as DashboardSnapshot) : null;
  } catch {
    return null;
  }
}

class Live {
  connection = $state<Connection>('connecting');
  /** The org's monitors in the server's order; replaced (not mutated) when one is added or removed. */
  rows = $state.raw<MonitorRow[]>([]);
  /** The snapshot for the current org has arrived. */
  ready = $state(false);
  /** Why the last subscribe failed, for people. */
  problem = $state<string | null>(null);
  /** The latest status changes, for the aria-live region. */
  announcement = $state('');

  counts = $derived.by(() => {
    const c: Record<MonitorStatus, number> = { up: 0, down: 0, degraded: 0, pending: 0, paused: 0, maintenance: 0 };
    for (const r of this.rows) c[r.status]++;
    return c;
  });

  #socket: DashboardSocket | undefined;
  #orgId: string | null = null;
  #byId = new Map<string, MonitorRow>();
  #queue: HeartbeatEvent[] = [];
  #flushScheduled = false;
  /** The snapshot over HTTP for the org being opened, until subscribe has used its mark. */
  #opening: Promise<DashboardSnapshot | null> | undefined;
  /** Counts watch() calls that opened an org, so a late answer for an earlier one is dropped. */
  #watches = 0;
  /** Events are held from subscribe until its answer is applied, then applied after it. */
  #holding = false;
  #held: OrgEvent[] = [];
  #changes: Array<{ name: string; status: MonitorStatus }> = [];
  #announceTimer: ReturnType<typeof setTimeout> | undefined;
  #beatListeners = new Set<Listener<HeartbeatEvent[]>>();
  #upsertListeners = new Set<Listener<MonitorJson>>();
  #deleteListeners = new Set<Listener<string>>();
  #incidentListeners = new Set<Listener<IncidentEvent>>();
  #maintenanceListeners = new Set<Listener<MaintenanceEvent>>();

  get(id: string): MonitorRow | undefined {
    return this.#byId.get(id);
  }

  /** Watches the given org (null: none). Opens the connection on first use. */
  watch(orgId: string | null) {
    if (orgId === this.#orgId) return;
    const previous = this.#orgId;
    this.#orgId = orgId;
    this.ready = false;
    this.problem = null;
    this.#setRows([]);
    this.#opening = undefined;
    if (!orgId) {
      this.#socket?.disconnect();
      this.#socket = undefined;
      return;
    }
    const opening = (this.#opening = fetchSnapshot(orgId));
    const watching = ++this.#watches;
    performance.mark('pp:snapshot-requested');
    void opening.then((snapshot) => {
      performance.mark('pp:snapshot-received');
      // Shown at once, unless the org changed meanwhile (even away and back: a newer request then
      // holds the mark subscribe uses) or the socket's own snapshot came first.
      if (snapshot && watching === this.#watches && !this.ready) this.#applySnapshot(snapshot);
    });
    if (!this.#socket) {
      this.#open();
      return;
    }
    if (previous && this.#socket.connected) this.#socket.emit('unsubscribe', { orgId: previous }, () => {});
    if (this.#socket.connected) this.#subscribe();
  }

  /** Closes everything (sign out). */
  stop() {
    this.watch(null);
    this.connection = 'connecting';
  }

  onHeartbeats(fn: Listener<HeartbeatEvent[]>) {
    this.#beatListeners.add(fn);
    return () => this.#beatListeners.delete(fn);
  }
  onUpsert(fn: Listener<MonitorJson>) {
    this.#upsertListeners.add(fn);
    return () => this.#upsertListeners.delete(fn);
  }
  onDelete(fn: Listener<string>) {
    this.#deleteListeners.add(fn);
    return () => this.#deleteListeners.delete(fn);
  }

  /** An incident of the org was created, changed, resolved or deleted (the push is a summary, also for deletions). */
  onIncident(fn: Listener<IncidentEvent>) {
    this.#incidentListeners.add(fn);
    return () => this.#incidentListeners.delete(fn);
  }
  /** A maintenance window of the org was created, changed, started, ended or deleted. */
  onMaintenance(fn: Listener<MaintenanceEvent>) {
    this.#maintenanceListeners.add(fn);
    return () => this.#maintenanceListeners.delete(fn);
  }

  /** Applies a monitor the REST API just answered (after create, edit, pause) without waiting for the push. */
  upsert(m: MonitorJson) {
    const row = this.#byId.get(m.id);
    if (row) row.update(m);
    else if (this.ready) {
      const added = rowFromJson(m);
      this.#byId.set(m.id, added);
      this.rows = [...this.rows, added];
    }
    for (const fn of this.#upsertListeners) fn(m);
  }

  remove(id: string) {
    if (!this.#byId.delete(id)) return;
    this.rows = this.rows.filter((r) => r.id !== id);
    for (const fn of this.#deleteListeners) fn(id);
  }

  #open() {
    this.connection = navigator.onLine ? 'connecting' : 'offline';
    const socket: DashboardSocket = io('/dashboard', { path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
    this.#socket = socket;
    socket.on('connect', () => {
      performance.mark('pp:socket-connected');
      this.#subscribe();
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      this.connection = navigator.onLine ? 'reconnecting' : 'offline';
      // The server hung up on purpose (session revoked, removed from the org): ask REST why.
      if (reason === 'io server disconnect') this.#recheck();
    });
    socket.on('connect_error', () => {
      this.connection = navigator.onLine ? 'reconnecting' : 'offline';
      // Refused by the server's middleware: socket.io stops retrying, so check the session and retry ourselves.
      if (!socket.active) this.#recheck();
    });
    socket.on('heartbeat', (e) => this.#receive(['heartbeat', e]));
    socket.on('monitor:status', (e) => this.#receive(['monitor:status', e]));
    socket.on('monitor:upsert', (m) => this.#receive(['monitor:upsert', m]));
    socket.on('monitor:delete', (e) => this.#receive(['monitor:delete', e]));
    socket.on('incident:upsert', (e) => this.#receive(['incident:upsert', e]));
    socket.on('maintenance:upsert', (e) => this.#receive(['maintenance:upsert', e]));
  }

  #receive(e: OrgEvent) {
    if (this.#holding) this.#held.push(e);
    else this.#apply(e);
  }

  #apply([name, payload]: OrgEvent) {
    if (name === 'heartbeat') this.#enqueue(payload);
    else if (name === 'monitor:status') this.#status(payload);
    else if (name === 'monitor:upsert') this.upsert(payload);
    else if (name === 'monitor:delete') this.remove(payload.monitorId);
    else if (name === 'incident:upsert') for (const fn of this.#incidentListeners) fn(payload);
    else if (name === 'maintenance:upsert') for (const fn of this.#maintenanceListeners) fn(payload);
  }

  /** Stops holding: applies what was held, in the order it came. */
  #release() {
    this.#holding = false;
    const held = this.#held;
    this.#held = [];
    for (const e of held) this.#apply(e);
  }

  constructor() {
    addEventListener('offline', () => {
      if (this.#socket) this.connection = 'offline';
    });
    addEventListener('online', () => {
      if (this.#socket && !this.#socket.connected) {
        this.connection = 'reconnecting';
        this.#socket.connect();
      }
    });
  }

  async #recheck() {
    try {
      await api('GET', '/auth/me');
    } catch (err) {
      // 401: api() sends the app to sign-in; anything else: the server is away, keep trying.
      if (err instanceof ApiError && err.status === 401) return;
    }
    setTimeout(() => {
      if (this.#socket && !this.#socket.connected && this.#orgId) this.#socket.connect();
    }, 2000);
  }

  async #subscribe() {
    const socket = this.#socket;
    const orgId = this.#orgId;
    if (!socket || !orgId) return;
    this.#holding = true;
    this.#held = [];
    // Opening the org: its snapshot over HTTP is (or will be) shown; ask only for what came after it.
    const opening = this.#opening;
    this.#opening = undefined;
    const resume = opening ? (await opening)?.mark : undefined;
    if (orgId !== this.#orgId || !socket.connected) return;
    performance.mark('pp:subscribe-sent');
    const request = {
      orgId,
      ...(typeof DecompressionStream === 'function' ? { encoding: 'deflate-raw' as const } : {}),
      ...(resume ? { resume } : {}),
    };
    const giveUp = (connection: Connection) => {
      this.#holding = false;
      this.#held = [];
      this.connection = connection;
    };
    socket.timeout(15_000).emit('subscribe', request, async (err, answer) => {
      performance.mark('pp:subscribed');
      if (orgId !== this.#orgId) return;
      if (err) {
        // No answer in time: drop the connection and let socket.io reconnect (and resubscribe).
        giveUp('reconnecting');
        socket.disconnect().connect();
        return;
      }
      if (!answer.ok) {
        giveUp('offline');
        this.problem = answer.error.message;
        return;
      }
      if ('events' in answer.data) {
        for (const e of (answer.data as DashboardCatchUp).events) this.#apply(e);
      } else {
        let snapshot: DashboardSnapshot;
        try {
          snapshot = await unpack(answer.data);
        } catch {
          giveUp('reconnecting');
          socket.disconnect().connect();
          return;
        }
        if (orgId !== this.#orgId) return;
        this.#applySnapshot(snapshot);
      }
      // Checks that came while the answer was on its way: applied after it, those newer stay.
      this.#release();
      this.connection = 'live';
    });
  }

  #applySnapshot(snap: DashboardSnapshot) {
    const next: MonitorRow[] = [];
    const seen = new Map<string, MonitorRow>();
    for (const m of snap.monitors) {
      let row = this.#byId.get(m.id);
      if (row) row.assign(m);
      else row = new MonitorRow(m);
      seen.set(m.id, row);
      next.push(row);
    }
    this.#byId = seen;
    this.rows = next;
    this.#flush();
    this.ready = true;
    performance.mark('pp:snapshot-applied');
  }

  #setRows(rows: MonitorRow[]) {
    this.#byId = new Map(rows.map((r) => [r.id, r]));
    this.rows = rows;
  }

  #enqueue(e: HeartbeatEvent) {
    this.#queue.push(e);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // A hidden tab gets no animation frames, but its title and icon should still follow.
    if (document.hidden) setTimeout(() => this.#flush(), 1000);
    else requestAnimationFrame(() => this.#flush());
  }

  #flush() {
    this.#flushScheduled = false;
    if (!this.#queue.length) return;
    const batch = this.#queue;
    this.#queue = [];
    const applied: HeartbeatEvent[] = [];
    for (const e of batch) {
      const row = this.#byId.get(e.monitorId);
      if (!row) continue;
      const before = row.status;
      if (row.addBeat(e)) applied.push(e);
      if (row.status !== before) this.#changed(row.name, row.status);
    }
    if (applied.length) for (const fn of this.#beatListeners) fn(applied);
  }

  #status(e: MonitorStatusEvent) {
    const row = this.#byId.get(e.monitorId);
    if (!row) return;
    // Checks queued before this change must not overwrite it afterwards.
    this.#flush();
    const changed = row.status !== e.status;
    row.status = e.status;
    row.since = e.since;
    if (changed) this.#changed(row.name, e.status);
  }

  #changed(name: string, status: MonitorStatus) {
    if (status === 'pending') return;
    this.#changes.push({ name, status });
    // Screen readers get one sentence every few seconds, not one per monitor in a mass outage.
    this.#announceTimer ??= setTimeout(() => {
      this.#announceTimer = undefined;
      const changes = this.#changes;
      this.#changes = [];
      if (changes.length === 1) this.announcement = `${changes[0]!.name} is ${STATUS_LABEL[changes[0]!.status].toLowerCase()}`;
      else {
        const by = new Map<MonitorStatus, number>();
        for (const c of changes) by.set(c.status, (by.get(c.status) ?? 0) + 1);
        this.announcement = `${changes.length} monitors changed status: ` + [...by].map(([s, n]) => `${n} ${STATUS_LABEL[s].toLowerCase()}`).join(', ');
      }
    }, 1500);
  }
}

export const live = new Live();
