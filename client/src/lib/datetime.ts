/**
 * Local date-time inputs and the API's UTC instants: `<input type="datetime-local">` speaks the
 * browser's time zone without saying which, so the screens name it next to every such input.
 */
import { dayTime, duration } from '../../../contracts/format';

export { dayTime as utcText };

const pad = (n: number) => String(n).padStart(2, '0');

/** ISO 8601 (or epoch ms) → "2026-03-01T14:00" in the browser's time zone, as datetime-local wants. */
export function toLocalInput(value: string | number): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value, read in the browser's time zone → ISO 8601 UTC; null when empty or not a date. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  // Without an offset, a date-time string is local time (ECMAScript's Date.parse rule).
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** "Europe/Berlin", or null when the browser does not say. */
export function timeZoneName(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

/** "UTC+01:00" at that instant (summer time moves it). */
export function utcOffset(at: string | number | Date = Date.now()): string {
  const minutes = -new Date(at).getTimezoneOffset();
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** "Europe/Berlin (UTC+01:00)", the way the screens name the zone inputs are read in. */
export function zoneLabel(at: string | number | Date = Date.now()): string {
  const name = timeZoneName();
  return name ? `${name} (${utcOffset(at)})` : utcOffset(at);
}

const dateTime = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** "Tue, 3 Mar 2026, 14:00 – 16:00", or both dates in full when the window spans days (local time). */
export function windowText(startsAt: string, endsAt: string): string {
  const a = new Date(startsAt);
  const b = new Date(endsAt);
  const sameDay = a.toDateString() === b.toDateString();
  return `${dateTime.format(a)} – ${sameDay ? timeOnly.format(b) : dateTime.format(b)}`;
}

/** "2 h 30 min", "45 s", "3 d 4 h" between two instants, as status pages say it (never "0 min"). */
export function span(fromIso: string, to: string | number): string {
  return duration(new Date(to).getTime() - Date.parse(fromIso));
}
