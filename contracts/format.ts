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

/** "45 s", "2 h 5 min", "3 d 4 h" between two instants (ms): the one way of saying it (messages.ts). */
export { duration } from './messages.js';

/** "99.98%" / "100%": the one formatter of contracts/uptime.ts. */
export { formatPercent as percent } from './uptime.js';
