/**
 * How much of a target's reply may reach a result: a banner, a JSON value, a certificate subject,
 * a DNS answer. A hostile target controls those bytes; heartbeats, dashboards, alerts and logs
 * show them, so they arrive short and printable (no terminal escapes, no NULs, no bidi tricks).
 */

/** Most bytes (UTF-8) of a target's reply one field of a result may carry, ellipsis included. */
export const EXCERPT_BYTES = 200;

/** Control, format (bidi, zero-width), surrogate, private-use, unassigned and line/paragraph separators. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const ELLIPSIS = '…';
const ELLIPSIS_BYTES = 3;

/** One character as it may be shown: itself, or a visible escape such as \x1b, \u202e, \r. */
function shown(ch: string): string {
  if (!UNPRINTABLE.test(ch)) return ch;
  const known = ESCAPES[ch];
  if (known) return known;
  const code = ch.codePointAt(0)!;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * `input` (bytes read from a target, or text made from them) as printable text of at most
 * `maxBytes` UTF-8 bytes: control and invisible characters become visible escapes, invalid
 * UTF-8 becomes U+FFFD, and anything longer is cut and ends with "…".
 */
export function excerpt(input: string | Uint8Array, maxBytes = EXCERPT_BYTES): string {
  // Every character shown takes at least one byte, so maxBytes + 1 of the input tell whether it fits.
  const text =
    typeof input === 'string'
      ? input.slice(0, maxBytes + 1)
      : Buffer.from(input.buffer, input.byteOffset, Math.min(input.byteLength, maxBytes + 1)).toString('utf8');
  const whole = typeof input === 'string' ? text.length === input.length : input.byteLength <= maxBytes + 1;
  const pieces: string[] = [];
  let bytes = 0;
  for (const ch of text) {
    const piece = shown(ch);
    pieces.push(piece);
    bytes += utf8Bytes(piece);
  }
  if (whole && bytes <= maxBytes) return pieces.join('');
  let kept = 0;
  let out = '';
  for (const piece of pieces) {
    const size = utf8Bytes(piece);
    if (kept + size + ELLIPSIS_BYTES > maxBytes) break;
    out += piece;
    kept += size;
  }
  return out + ELLIPSIS;
}

/** True when `text` holds a character excerpt() would escape (the runner's backstop checks with it). */
export function hasUnprintable(text: string): boolean {
  return UNPRINTABLE.test(text);
}
