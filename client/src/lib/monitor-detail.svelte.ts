/**
 * Everything the monitor page shows, loaded from REST and kept current from the live feed:
 * a new live check for this monitor fetches the full heartbeat (timings, metadata) and appends
 * it; a status change refreshes the uptime figures and follows the alerts it sends.
 */
import { AlertLog } from './alert-log.svelte';
import { api, ApiError, withQuery } from './api';
import { live } from './live.svelte';
import type { CheckResult, DailyUptime, Heartbeat, MonitorJson, Uptime } from './types';

export type Range = '1h' | '6h' | '24h';
export const RANGES: Record<Range, number> = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000 };
/** The API answers at most this many heartbeats per request. */
const PAGE = 1000;
/** Pages fetched for one range at most (a 10 s monitor has 8,640 checks a day). */
const MAX_PAGES = 9;

export class MonitorDetail {
  readonly orgId: string;
  readonly id: string;
  monitor = $state<MonitorJson | null>(null);
  /** 404, 403…: the page shows this instead. */
  failure = $state<ApiError | null>(null);
  deleted = $state(false);
  range = $state<Range>('24h');
  /** Newest first, as the API answers. */
  heartbeats = $state.raw<Heartbeat[]>([]);
  loadingBeats = $state(true);
  /** The range held more checks than were fetched. */
  truncated = $state(false);
  uptime = $state<Uptime>({});
  daily = $state.raw<DailyUptime[]>([]);
  lastCheck = $state<CheckResult | null>(null);
  /** Recent alert deliveries. */
  readonly alerts: AlertLog;

  row = $derived(live.rows.find((r) => r.id === this.id));
  status = $derived(this.row?.status ?? this.monitor?.status ?? 'pending');
  since = $derived(this.row?.since ?? this.monitor?.statusSince ?? null);
  /** Failed (or warned) checks in a row with the same code, newest run first. */
  failures = $derived(failureRuns(this.heartbeats).slice(0, 30));
  /** The newest check that carried certificate facts (http, tls, smtp, or any plugin using the same shape). */
  certificate = $derived.by(() => {
    for (const h of this.heartbeats) {
      const c = certificateOf(h.metadata);
      if (c) return { facts: c, at: h.at, extra: h.metadata };
    }
    return null;
  });

  #stops: Array<() => void> = [];
  #fetchingNew = false;
  #generation = 0;
  /** The status last seen, to notice a change (which sends alerts). */
  #seenStatus: string | undefined;

  constructor(orgId: string, id: string) {
    this.orgId = orgId;
    this.id = id;
    this.alerts = new AlertLog(orgId, id);
  }

  get base() {
    return `/orgs/${this.orgId}/monitors/${this.id}`;
  }

  async start() {
    this.#stops.push(
      live.onHeartbeats((beats) => {
        const mine = beats.filter((b) => b.monitorId === this.id);
        if (!mine.length) return;
        void this.#fetchNewest(mine[mine.length - 1]!.at);
        if (this.#seenStatus !== undefined && this.status !== this.#seenStatus) this.alerts.follow();
        this.#seenStatus = this.status;
      }),
      live.onUpsert((m) => {
        if (m.id === this.id) this.monitor = m;
      }),
      live.onDelete((id) => {
        if (id === this.id) this.deleted = true;
      }),
    );
    try {
      this.monitor = await api<MonitorJson>('GET', this.base);
    } catch (err) {
      this.failure = err instanceof ApiError ? err : new ApiError(0, 'NETWORK', String(err));
      return;
    }
    this.#seenStatus = this.status;
    await Promise.all([this.loadBeats(), this.loadUptime(), this.alerts.load()]);
    this.#catchUp();
  }

  /**
   * A check that came live before this page opened (a new monitor is checked at once, often while
   * the page is still on its way) may not have been stored when the page loaded: when the live row
   * knows a newer check than the page shows, ask again once the writer has flushed.
   */
  #catchUp(tries = 2) {
    const shown = this.heartbeats[0] ? Math.floor(Date.parse(this.heartbeats[0].at) / 1000) : 0;
    if (!tries || !this.row || this.row.lastCheck <= shown) return;
    setTimeout(async () => {
      if (!this.#stops.length) return; // the page was left
      await this.#fetchNewest();
      this.#catchUp(tries - 1);
    }, 700);
  }

  stop() {
    for (const s of this.#stops) s();
    this.#stops = [];
    this.alerts.stop();
  }

  async setRange(range: Range) {
    this.range = range;
    await this.loadBeats();
  }

  async loadBeats() {
    const generation = ++this.#generation;
    this.loadingBeats = true;
    const from = new Date(Date.now() - RANGES[this.range]).toISOString();
    const all: Heartbeat[] = [];
    let to: string | undefined;
    let truncated = false;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const batch = await api<Heartbeat[]>('GET', withQuery(`${this.base}/heartbeats`, { from, to, limit: PAGE }));
        all.push(...batch);
        if (batch.length < PAGE) break;
        to = batch[batch.length - 1]!.at;
        truncated = page === MAX_PAGES - 1;
      }
    } finally {
      if (generation === this.#generation) this.loadingBeats = false;
    }
    if (generation !== this.#generation) return;
    this.heartbeats = all;
    this.truncated = truncated;
  }

  /** The uptime cards and the 90-day bars, together: both come from the same rollups and must agree. */
  async loadUptime() {
    const [uptime, daily] = await Promise.all([
      api<Uptime>('GET', withQuery(`${this.base}/uptime`, { windows: '24h,7d,30d,90d' })),
      api<DailyUptime[]>('GET', withQuery(`${this.base}/daily`, { days: 90 })),
    ]);
    this.uptime = uptime;
    this.daily = daily;
  }

  /**
   * Checks newer than the newest one shown, merged in, and the figures with them; one request at a
   * time. The live event can come before the check is stored (the writer flushes every 250 ms):
   * when `expected` is not stored yet, one more try a second later.
   */
  async #fetchNewest(expected?: string, retried = false) {
    if (this.#fetchingNew || this.loadingBeats) return;
    this.#fetchingNew = true;
    try {
      const newest = this.heartbeats[0]?.at;
      const fresh = await api<Heartbeat[]>('GET', withQuery(`${this.base}/heartbeats`, { from: newest, limit: 100 }));
      if (this.#merge(fresh)) void this.loadUptime();
      if (expected && !retried && !fresh.some((h) => h.at === expected)) setTimeout(() => void this.#fetchNewest(expected, true), 1000);
    } catch {
      // The next live check tries again.
    } finally {
      this.#fetchingNew = false;
    }
  }

  /** Answers how many of `fresh` were new. */
  #merge(fresh: Heartbeat[]): number {
    if (!fresh.length) return 0;
    const known = new Set(this.heartbeats.slice(0, 200).map((h) => h.at));
    const added = fresh.filter((h) => !known.has(h.at));
    if (!added.length) return 0;
    const cutoff = Date.now() - RANGES[this.range];
    this.heartbeats = [...added, ...this.heartbeats].sort((a, b) => b.at.localeCompare(a.at)).filter((h) => Date.parse(h.at) >= cutoff);
    return added.length;
  }

  async runNow(): Promise<CheckResult> {
    const result = await api<CheckResult>('POST', `${this.base}/check`);
    this.lastCheck = result;
    this.#merge([result]);
    void this.loadUptime();
    this.alerts.follow(); // a check run by hand may change the status, and alert
    return result;
  }

  async setPaused(paused: boolean) {
    const m = await api<MonitorJson>('POST', `${this.base}/${paused ? 'pause' : 'resume'}`);
    this.monitor = m;
    live.upsert(m);
  }

  async remove() {
    await api('DELETE', this.base);
    live.remove(this.id);
  }
}

export interface CertificateFacts {
  subject?: string;
  issuer?: string;
  validFrom?: string;
  validTo: string;
  daysLeft?: number;
  sans?: string[];
  fingerprint256?: string;
}

export function certificateOf(metadata: Record<string, unknown> | null | undefined): CertificateFacts | null {
  if (!metadata) return null;
  const nested = metadata.certificate;
  const c = (typeof nested === 'object' && nested !== null ? nested : metadata) as Record<string, unknown>;
  return typeof c.validTo === 'string' ? (c as unknown as CertificateFacts) : null;
}

export interface FailureRun {
  code: string;
  message: string;
  /** A warning (degraded), not a failure. */
  warning: boolean;
  /** ISO times of the first and last check of the run. */
  from: string;
  to: string;
  count: number;
  /** The newest check is part of it: still happening. */
  ongoing: boolean;
}

/** Groups consecutive problem checks (newest first) by their code. */
export function failureRuns(beats: Heartbeat[]): FailureRun[] {
  const runs: FailureRun[] = [];
  let current: FailureRun | undefined;
  beats.forEach((h, i) => {
    const problem = h.error ?? h.warning;
    if (!problem && h.ok) {
      current = undefined;
      return;
    }
    const code = problem?.code ?? 'FAILED';
    if (current && current.code === code) {
      current.from = h.at;
      current.count++;
      return;
    }
    current = { code, message: problem?.message ?? '', warning: !h.error && h.ok, from: h.at, to: h.at, count: 1, ongoing: i === 0 };
    runs.push(current);
  });
  return runs;
}
