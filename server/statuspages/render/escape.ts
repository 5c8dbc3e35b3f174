/**
 * Escaping for HTML and XML. `html` is a tagged template that escapes every interpolated value
 * unless it is already `Safe` (the output of another `html` template): user data cannot reach
 * the markup unescaped by forgetting a call.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// Characters XML 1.0 forbids (feeds must parse) and lone UTF-16 surrogates.
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe inside an element or a quoted attribute of HTML, XML and SVG. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(INVALID, '')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Markup that was built from escaped parts. */
export class Safe {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Safe | string | number | null | undefined | false | readonly Part[];

function fragment(v: Part): string {
  if (v instanceof Safe) return v.value;
  if (Array.isArray(v)) return v.map(fragment).join('');
  if (v === null || v === undefined || v === false) return '';
  return esc(v);
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Safe {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += fragment(values[i]!) + strings[i + 1]!;
  return new Safe(out);
}
