/**
 * A result's metadata and an audit entry's details as people read them: keys labelled (by the
 * plugin's `metadataLabels`, else humanised), instants in the viewer's time zone, lists joined.
 */
import { labelOf } from './schema-form/schema';

/** An ISO 8601 instant as the API and plugins write them (`2026-03-01T14:05:00.000Z`). */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export type Fact = { key: string; label: string; text: string } | { key: string; label: string; instant: string };

/** The plugin's label for `key` (`fingerprint256` → "SHA-256 fingerprint"), else the key humanised (`bodyBytes` → "Body (bytes)"). */
export function factLabel(key: string, labels: Record<string, string> = {}): string {
  return labels[key] ?? labelOf(key);
}

/** One value in words: an instant stays an instant (shown by <Time>), booleans say yes/no, lists are joined. */
export function fact(key: string, value: unknown, labels: Record<string, string> = {}): Fact {
  const label = factLabel(key, labels);
  if (typeof value === 'string' && ISO_INSTANT.test(value)) return { key, label, instant: value };
  const text = Array.isArray(value)
    ? value.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))).join(', ')
    : typeof value === 'boolean'
      ? value ? 'yes' : 'no'
      : typeof value === 'object' && value !== null
        ? JSON.stringify(value)
        : String(value);
  return { key, label, text };
}
