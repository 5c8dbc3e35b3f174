/** Numbers, times and durations the way the dashboard shows them. */
import { formatPercent } from '../../../contracts/uptime';
import { dayTime } from '../../../contracts/format';
import type { MonitorStatus } from './types';

export const STATUS_LABEL: Record<MonitorStatus, string> = {
  up: 'Up',
  down: 'Down',
  degraded: 'Degraded',
  pending: 'Pending',
  paused: 'Paused',
  maintenance: 'Maintenance',
};

/** A check by its letter (contracts/uptime.ts beatLetter), in words. */
export const BEAT_LABEL: Record<string, string> = {
  u: 'Up',
  g: 'Degraded',
  d: 'Down',
  r: 'Failed, retrying',
  p: 'Pending',
  m: 'Maintenance',
};

/** 99.987 → "99.99%"; 100 → "100%" (the server's one formatter); null → "—". */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return formatPercent(value);
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || value < 0) return '—';
  if (value >= 10_000) return (value / 1000).toFixed(1) + ' s';
  if (value >= 100) return Math.round(value) + ' ms';
  return (Math.round(value * 10) / 10).toString() + ' ms';
}

/** Milliseconds as "1 min 30 s", "1 h", "3 d": durations are said one way everywhere (messages.ts). */
export { duration } from '../../../contracts/messages';

/** 60 → "1 minute", 21600 → "6 hours": for pickers, where there is room. */
export function longDuration(seconds: number): string {
  const units: Array<[number, string]> = [[86_400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

/** "just now", "5 min ago", "3 h ago", "12 days ago"; future times as "in 3 days". */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const diff = Math.round((now - Date.parse(iso)) / 1000);
  if (Number.isNaN(diff)) return '—';
  // A few seconds "in the future" is clock skew or a coarse `now`, not the future.
  const future = diff < -60;
  const s = future ? -diff : Math.max(0, diff);
  let text: string;
  if (s < 45) return future ? 'in a few seconds' : 'just now';
  if (s < 3600) text = `${Math.round(s / 60)} min`;
  else if (s < 86_400) text = `${Math.round(s / 3600)} h`;
  else {
    const d = Math.round(s / 86_400);
    text = `${d} day${d === 1 ? '' : 's'}`;
  }
  return future ? `in ${text}` : `${text} ago`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function when(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

/** What hovering a shown instant says: the date and time in the viewer's zone, and in UTC. */
export function hover(iso: string | null | undefined): string {
  return iso ? `${when(iso)} · ${dayTime(iso)}` : '';
}

export function day(iso: string): string {
  return dateOnly.format(new Date(iso.length === 10 ? iso + 'T00:00:00Z' : iso));
}

export function clock(iso: string | number): string {
  return timeOnly.format(new Date(iso));
}

/** Where a monitor points, from its config: url, host:port or name, whatever the probe has. */
export function targetOf(config: Record<string, unknown>): string {
  const c = config as Record<string, string | number | undefined>;
  if (typeof c.url === 'string') return c.url;
  if (typeof c.host === 'string') return c.port ? `${c.host}:${c.port}` : c.host;
  if (typeof c.name === 'string') return c.type ? `${c.name} (${c.type})` : c.name;
  const first = Object.values(config).find((v) => typeof v === 'string');
  return typeof first === 'string' ? first : '';
}
