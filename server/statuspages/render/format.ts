/** Dates as visitors read them: UTC, English, no locale data needed. */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** "29 Nov 2026" from an ISO string, a YYYY-MM-DD date or epoch ms. */
export function day(value: string | number): string {
  const d = new Date(value);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "29 Nov 2026, 14:05 UTC". */
export function dayTime(value: string | number): string {
  const d = new Date(value);
  return `${day(value)}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** "2 h 5 min", "45 min", "3 d 4 h" between two instants (ms). */
export function duration(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return h % 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${Math.floor(h / 24)} d`;
}

/** "99.98%" / "100%": the one formatter of results/uptime.ts. */
export { formatPercent as percent } from '../../results/uptime.js';
