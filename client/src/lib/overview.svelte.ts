/**
 * The overview's filters and sort, kept in the URL query (so a filtered view can be shared and
 * survives reload), and the list they produce from the live store.
 */
import { untrack } from 'svelte';
import { live } from './live.svelte';
import type { MonitorRow } from './monitor-row.svelte';
import { router } from './router.svelte';
import type { MonitorStatus } from './types';

export type SortKey = 'status' | 'name' | 'uptime' | 'latency' | 'changed';

export const SORTS: Array<{ key: SortKey; label: string }> = [
  { key: 'status', label: 'Problems first' },
  { key: 'name', label: 'Name' },
  { key: 'uptime', label: 'Lowest uptime' },
  { key: 'latency', label: 'Slowest' },
  { key: 'changed', label: 'Recently changed' },
];

const RANK: Record<MonitorStatus, number> = { down: 0, degraded: 1, pending: 2, maintenance: 3, up: 4, paused: 5 };
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

class Overview {
  text = $derived(router.query.get('q') ?? '');
  status = $derived((router.query.get('status') as MonitorStatus | null) ?? null);
  tag = $derived(router.query.get('tag') ?? '');
  sort = $derived((router.query.get('sort') as SortKey | null) ?? 'status');
  /** Bumped every few seconds: sorts by latency or uptime follow the data without jumping on every check. */
  #resort = $state(0);

  tags = $derived.by(() => {
    const set = new Set<string>();
    for (const r of live.rows) for (const t of r.tags) set.add(t);
    return [...set].sort(collator.compare);
  });

  /** Every monitor in name order: re-sorted only when monitors come, go or are renamed. */
  #byName: MonitorRow[] = $derived.by(() => {
    const keyed = live.rows.map((r) => [r.name, r] as const);
    keyed.sort((a, b) => collator.compare(a[0], b[0]));
    return keyed.map(([, r]) => r);
  });

  /**
   * The filtered, sorted list. Runs when a status changes (often, with thousands of monitors),
   * so every sort starts from the name order and the status sort is a linear bucket pass.
   */
  rows: MonitorRow[] = $derived.by(() => {
    const q = this.text.trim().toLowerCase();
    const { status, tag, sort } = this;
    const list = this.#byName.filter((r) => (!status || r.status === status) && (!tag || r.tags.includes(tag)) && (!q || r.search.includes(q)));
    if (sort === 'name') return list;
    if (sort === 'status') {
      const buckets: MonitorRow[][] = [[], [], [], [], [], []];
      for (const r of list) buckets[RANK[r.status]]!.push(r);
      return buckets.flat();
    }
    // Array.prototype.sort is stable: ties keep the name order.
    if (sort === 'changed') return list.sort((a, b) => (a.since === b.since ? 0 : (b.since ?? '') > (a.since ?? '') ? 1 : -1));
    this.#resort;
    return untrack(() => {
      if (sort === 'uptime') return list.sort((a, b) => (a.uptime24h ?? 101) - (b.uptime24h ?? 101));
      return list.sort((a, b) => (b.latency ?? -1) - (a.latency ?? -1));
    });
  });

  filtered = $derived(!!(this.text || this.status || this.tag));

  constructor() {
    setInterval(() => {
      if (this.sort === 'uptime' || this.sort === 'latency') this.#resort++;
    }, 5000);
  }

  set(values: { q?: string; status?: string | null; tag?: string; sort?: SortKey }) {
    const next: Record<string, string | undefined> = {};
    if ('q' in values) next.q = values.q || undefined;
    if ('status' in values) next.status = values.status || undefined;
    if ('tag' in values) next.tag = values.tag || undefined;
    if ('sort' in values) next.sort = values.sort === 'status' ? undefined : values.sort;
    router.setQuery(next);
  }

  clear() {
    router.setQuery({ q: undefined, status: undefined, tag: undefined });
  }
}

export const overview = new Overview();
