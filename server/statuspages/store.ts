/**
 * The in-memory snapshot of every public page. Visitors are answered from here only; the
 * database is read when something changed (a write, a monitor's status, a maintenance window's
 * start or end) and once a minute for the daily rollups. When the database cannot be reached
 * the last snapshot keeps being served, with its time.
 */
import { EventEmitter } from 'node:events';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../log.js';
import type { PageUpdate } from '../../contracts/events.js';
import type { MonitorStatus } from '../../contracts/monitors.js';
import type { Clock } from '../scheduler/clock.js';
import { accessCookieName, cookieFrom, liveToken, validAccess, validLiveToken } from './access.js';
import { derivePage, type DerivedPage } from './derive.js';
import type { MaintenanceLookup } from '../incidents/schedule.js';
import type { MonitorStatusChange } from '../monitors/status-change.js';
import type { StatusPageHub } from './hub.js';
import { loadPage, pageIds, type PageRecord } from './load.js';
import type { PublicPage } from '../../contracts/status-page.js';
import type { ComponentStatus } from '../../contracts/vocab.js';

/** A rendered answer, kept until the page's next rebuild. */
export interface Rendered {
  type: string;
  body: Buffer;
  /** The body gzipped, for text answers large enough to gain from it. */
  gzip: Buffer | null;
  etag: string;
}

/** One page as currently served. */
export class PageView {
  readonly #cache = new Map<string, Rendered>();
  readonly #memo = new Map<string, unknown>();
  constructor(
    readonly record: PageRecord,
    readonly derived: DerivedPage,
    /** Epoch ms of this build. */
    readonly builtAt: number,
  ) {}

  get page(): PublicPage {
    return this.derived.page;
  }

  /** A value derived from this build (a header, a frame), computed once. */
  memo<T>(key: string, produce: () => T): T {
    if (!this.#memo.has(key)) this.#memo.set(key, produce());
    return this.#memo.get(key) as T;
  }

  /** The answer under `key`, rendered on first use after each rebuild (CPU only, no database). */
  rendered(key: string, type: string, produce: () => string): Rendered {
    let r = this.#cache.get(key);
    if (!r) {
      const body = Buffer.from(produce(), 'utf8');
      const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`;
      r = { type, body, gzip: body.length > 1024 ? gzipSync(body, { level: 6 }) : null, etag };
      if (this.#cache.size < 2_000) this.#cache.set(key, r);
    }
    return r;
  }
}

interface PageState {
  view: PageView;
  /** Epoch ms of the last successful load from the database. */
  loadedAt: number;
  /** Sequence number of the newest load started: an older load finishing later is dropped. */
  loadSeq: number;
  /** What visitors were last told, to send only the differences. */
  told: { overall: ComponentStatus; components: Map<string, ComponentStatus>; incidents: string; maintenances: string };
  lastToldAt: number;
  timer?: unknown;
}

export interface StoreOptions {
  em: () => EntityManager;
  clock: Clock;
  log: Logger;
  /** Signs the access cookies of password-protected pages. */
  secret: string;
  maintenance: MaintenanceLookup;
  /** How often every page is reloaded (daily rollups, other nodes' writes), ms. */
  refreshEveryMs?: number;
  /** Changes arriving within this many ms are pushed as one update. */
  coalesceMs?: number;
  /** Monitor-driven updates of one page are at least this far apart, ms. */
  minIntervalMs?: number;
}

export class SnapshotStore extends EventEmitter<{ update: [update: PageUpdate] }> implements StatusPageHub {
  readonly #o: Required<StoreOptions>;
  readonly #pages = new Map<string, PageState>();
  readonly #bySlug = new Map<string, string>();
  readonly #byDomain = new Map<string, string>();
  readonly #byMonitor = new Map<string, Set<string>>();
  /** Live monitor statuses; `since` in epoch ms decides between an event and a stored row. */
  readonly #statuses = new Map<string, { status: MonitorStatus; since: number }>();
  #refreshTimer: unknown;
  #stopped = false;
  #failing = false;
  /** Full reloads that found the database unreachable since the last success. */
  failures = 0;

  constructor(opts: StoreOptions) {
    super();
    this.#o = { refreshEveryMs: 60_000, coalesceMs: 200, minIntervalMs: 1_000, ...opts };
  }

  /** Loads every page; call once before serving. */
  async start(): Promise<void> {
    await this.refreshAll();
    this.#armRefresh();
  }

  stop(): void {
    this.#stopped = true;
    this.#o.clock.clearTimeout(this.#refreshTimer);
    for (const s of this.#pages.values()) this.#o.clock.clearTimeout(s.timer);
  }

  // ---- reading (memory only) ----

  viewBySlug(slug: string): PageView | undefined {
    const id = this.#bySlug.get(slug);
    return id ? this.#pages.get(id)?.view : undefined;
  }

  /** The page whose custom domain is `host` (any case, port ignored). */
  viewByHost(host: string | undefined): PageView | undefined {
    if (!host) return undefined;
    const id = this.#byDomain.get(hostName(host));
    return id ? this.#pages.get(id)?.view : undefined;
  }

  snapshot(slug: string): PublicPage | undefined {
    const view = this.viewBySlug(slug);
    return view?.page;
  }

  visibleSnapshot(slug: string, cookieHeader: string | undefined, token?: string): PublicPage | undefined {
    return this.canView(slug, cookieHeader, token) ? this.snapshot(slug) : undefined;
  }

  canView(slug: string, cookieHeader: string | undefined, token?: string): boolean {
    const view = this.viewBySlug(slug);
    if (!view) return false;
    const hash = view.record.passwordHash;
    if (hash !== null && token !== undefined && validLiveToken(this.#o.secret, view.record.id, hash, token, this.#o.clock.now())) return true;
    return this.unlocked(view, cookieHeader === undefined ? undefined : cookieFrom(cookieHeader, accessCookieName(view.record.id)));
  }

  /** A token that opens this protected page's live subscription for a few minutes (access.ts). */
  liveToken(view: PageView): string | undefined {
    const hash = view.record.passwordHash;
    return hash === null ? undefined : liveToken(this.#o.secret, view.record.id, hash, this.#o.clock.now());
  }

  /** Is the monitor shown on a page that opens incidents by itself? */
  autoIncidentsWatch(monitorId: string): boolean {
    for (const id of this.#byMonitor.get(monitorId) ?? []) if (this.#pages.get(id)?.view.record.autoIncidents) return true;
    return false;
  }

  /** Public page, or the right access cookie value for a protected one. */
  unlocked(view: PageView, cookie: string | undefined): boolean {
    const hash = view.record.passwordHash;
    return hash === null || validAccess(this.#o.secret, view.record.id, hash, cookie, this.#o.clock.now());
  }

  // ---- changes ----

  /** After a write: reload these pages now and push what changed at once. */
  async refreshPages(ids: Iterable<string>): Promise<void> {
    await Promise.all([...new Set(ids)].map((id) => this.#reload(id, true)));
  }

  /** Reloads every page (new ones appear, deleted ones go). Never throws: failure keeps the last snapshot. */
  async refreshAll(): Promise<void> {
    let ids: string[];
    try {
      ids = await pageIds(this.#o.em());
    } catch (err) {
      this.#failed(err);
      return;
    }
    for (const gone of [...this.#pages.keys()].filter((id) => !ids.includes(id))) this.#remove(gone);
    for (let i = 0; i < ids.length; i += 4) await Promise.all(ids.slice(i, i + 4).map((id) => this.#reload(id, false)));
    if (this.#failing) return;
    this.failures = 0;
  }

  /** A monitor's status changed (from the monitoring layer's events). */
  monitorStatus(e: MonitorStatusChange): void {
    const since = e.since ? Date.parse(e.since) : this.#o.clock.now();
    const known = this.#statuses.get(e.monitorId);
    if (known && known.since > since) return;
    const changed = known?.status !== e.status;
    this.#statuses.set(e.monitorId, { status: e.status, since });
    if (changed) this.#touchMonitors([e.monitorId]);
  }

  /** A maintenance window started or ended: pages showing these monitors or listing it change. */
  maintenanceBoundary(monitorIds: readonly string[], pageIds: readonly string[]): void {
    this.#touchMonitors(monitorIds);
    for (const id of pageIds) {
      const s = this.#pages.get(id);
      if (s) this.#schedule(s);
    }
  }

  #touchMonitors(monitorIds: readonly string[]): void {
    const pages = new Set<string>();
    for (const m of monitorIds) for (const p of this.#byMonitor.get(m) ?? []) pages.add(p);
    for (const id of pages) this.#schedule(this.#pages.get(id)!);
  }

  // ---- internals ----

  async #reload(id: string, urgent: boolean): Promise<void> {
    const existing = this.#pages.get(id);
    const seq = (existing?.loadSeq ?? 0) + 1;
    if (existing) existing.loadSeq = seq;
    let record: PageRecord | undefined;
    try {
      record = await loadPage(this.#o.em(), id, this.#o.clock.now());
    } catch (err) {
      this.#failed(err);
      return;
    }
    if (this.#stopped) return;
    this.#recovered();
    const current = this.#pages.get(id);
    if (current && current.loadSeq !== seq && existing) return; // a newer load is under way
    if (!record) {
      this.#remove(id);
      return;
    }
    for (const [m, s] of record.monitors) {
      const since = Date.parse(s.since);
      const known = this.#statuses.get(m);
      if (!known || known.since <= since) this.#statuses.set(m, { status: s.status, since });
    }
    this.#index(id, current?.view.record, record);
    const view = this.#build(record);
    if (!current) {
      const p = view.page;
      this.#pages.set(id, {
        view,
        loadedAt: this.#o.clock.now(),
        loadSeq: seq,
        told: { overall: p.overall, components: new Map(p.components.map((c) => [c.id, c.status])), incidents: JSON.stringify(p.incidents), maintenances: JSON.stringify(p.maintenances) },
        lastToldAt: 0,
      });
      return;
    }
    current.view = view;
    current.loadedAt = this.#o.clock.now();
    if (urgent) {
      this.#o.clock.clearTimeout(current.timer);
      current.timer = undefined;
      this.#tell(current);
    } else this.#schedule(current);
  }

  #build(record: PageRecord): PageView {
    const now = this.#o.clock.now();
    const derived = derivePage({
      record,
      monitorStatus: (m) => this.#statuses.get(m)?.status,
      inMaintenance: (m, at) => this.#o.maintenance.isInMaintenance(m, at),
      now,
      updatedAt: new Date(now).toISOString(),
    });
    return new PageView(record, derived, now);
  }

  #schedule(s: PageState): void {
    if (s.timer !== undefined || this.#stopped) return;
    const delay = Math.max(this.#o.coalesceMs, s.lastToldAt + this.#o.minIntervalMs - this.#o.clock.now());
    s.timer = this.#o.clock.setTimeout(() => {
      s.timer = undefined;
      if (this.#stopped || this.#pages.get(s.view.record.id) !== s) return;
      s.view = this.#build(s.view.record);
      this.#tell(s);
    }, delay);
  }

  /** Pushes what changed since visitors were last told, if anything. */
  #tell(s: PageState): void {
    const p = s.view.page;
    const update: PageUpdate = { slug: p.slug, at: p.updatedAt };
    const components = p.components.filter((c) => s.told.components.get(c.id) !== c.status).map((c) => ({ id: c.id, status: c.status }));
    if (components.length) update.components = components;
    if (p.overall !== s.told.overall) update.overall = p.overall;
    const incidents = JSON.stringify(p.incidents);
    if (incidents !== s.told.incidents) update.incidents = p.incidents;
    const maintenances = JSON.stringify(p.maintenances);
    if (maintenances !== s.told.maintenances) update.maintenances = p.maintenances;
    if (Object.keys(update).length === 2) return;
    s.told = { overall: p.overall, components: new Map(p.components.map((c) => [c.id, c.status])), incidents, maintenances };
    s.lastToldAt = this.#o.clock.now();
    this.emit('update', update);
  }

  #index(id: string, before: PageRecord | undefined, after: PageRecord): void {
    if (before) this.#unindex(id, before);
    this.#bySlug.set(after.slug, id);
    if (after.customDomain) this.#byDomain.set(after.customDomain.toLowerCase(), id);
    for (const c of after.components) {
      for (const m of c.monitorIds) {
        let set = this.#byMonitor.get(m);
        if (!set) this.#byMonitor.set(m, (set = new Set()));
        set.add(id);
      }
    }
  }

  #unindex(id: string, r: PageRecord): void {
    if (this.#bySlug.get(r.slug) === id) this.#bySlug.delete(r.slug);
    if (r.customDomain && this.#byDomain.get(r.customDomain.toLowerCase()) === id) this.#byDomain.delete(r.customDomain.toLowerCase());
    for (const c of r.components) {
      for (const m of c.monitorIds) {
        const set = this.#byMonitor.get(m);
        set?.delete(id);
        if (set?.size === 0) this.#byMonitor.delete(m);
      }
    }
  }

  #remove(id: string): void {
    const s = this.#pages.get(id);
    if (!s) return;
    this.#o.clock.clearTimeout(s.timer);
    this.#unindex(id, s.view.record);
    this.#pages.delete(id);
  }

  #armRefresh(): void {
    if (this.#stopped) return;
    this.#refreshTimer = this.#o.clock.setTimeout(() => {
      void this.refreshAll().finally(() => this.#armRefresh());
    }, this.#o.refreshEveryMs);
  }

  #failed(err: unknown): void {
    this.failures++;
    if (!this.#failing) this.#o.log.warn({ err: (err as Error)?.message }, 'status pages: database unreachable, serving the last snapshot');
    this.#failing = true;
  }

  #recovered(): void {
    if (this.#failing) this.#o.log.info('status pages: database reachable again');
    this.#failing = false;
  }
}

/** "Status.Example.com:443" → "status.example.com"; IPv6 literals keep their brackets. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return (colon >= 0 ? h.slice(0, colon) : h).replace(/\.$/, '');
}
