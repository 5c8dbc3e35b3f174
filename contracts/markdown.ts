/**
 * A small, safe Markdown subset for incident updates: paragraphs (line breaks kept), `-`/`*`
 * and numbered lists, fenced code, inline code, **strong**, *emphasis*, [links](https://…) and
 * bare http(s) URLs. Links must be http, https or mailto; raw HTML is text. The parser yields a
 * tree, never markup: the server turns it into escaped HTML, the browser script into DOM nodes.
 * No imports, so the browser bundle can use it.
 */

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'strong'; c: Inline[] }
  | { t: 'em'; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] }
  | { t: 'br' };

export type Block =
  | { t: 'p'; c: Inline[] }
  | { t: 'ul'; items: Inline[][] }
  | { t: 'ol'; start: number; items: Inline[][] }
  | { t: 'pre'; v: string };

/** Longest message parsed; the rest is cut (the API refuses longer input anyway). */
const MAX_SOURCE = 20_000;
const MAX_DEPTH = 4;

/** The URL if it is absolute http, https or mailto, normalized; else null. */
export function safeHref(raw: string): string | null {
  if (!raw || /[\s\u0000-\u001F\u007F]/.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : null;
}

const FENCE = /^\s{0,3}(```|~~~)/;
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.slice(0, MAX_SOURCE).replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ t: 'p', c: joinLines(para) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      while (++i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!)) body.push(lines[i]!);
      blocks.push({ t: 'pre', v: body.join('\n') });
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      flush();
      const items: string[][] = [];
      const ordered = !!numbered;
      const start = numbered ? Number(numbered[1]) : 1;
      for (; i < lines.length; i++) {
        const l = lines[i]!;
        const m = ordered ? NUMBERED.exec(l) : BULLET.exec(l);
        if (m) items.push([ordered ? m[2]! : m[1]!]);
        else if (l.trim() && /^\s+/.test(l) && items.length) items[items.length - 1]!.push(l.trim());
        else break;
      }
      i--;
      const parsed = items.map(joinLines);
      blocks.push(ordered ? { t: 'ol', start, items: parsed } : { t: 'ul', items: parsed });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      blocks.push({ t: 'p', c: [{ t: 'strong', c: inline(heading[1]!, 0) }] });
      continue;
    }
    para.push(line.trim());
  }
  flush();
  return blocks;
}

function joinLines(lines: string[]): Inline[] {
  const out: Inline[] = [];
  lines.forEach((l, k) => {
    if (k) out.push({ t: 'br' });
    out.push(...inline(l, 0));
  });
  return out;
}

// The target may hold one level of balanced parentheses: https://en.wikipedia.org/wiki/A_(b).
const LINK = /^\[([^\]\n]{0,500})\]\(\s*<?((?:[^()\s<>]|\([^()\s<>]*\)){1,2000})>?\s*\)/;
const BARE_URL = /^https?:\/\/[^\s<>"'`]+/;

/** Inline spans of one line; unmatched markers stay text. */
export function inline(src: string, depth: number): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const push = (node: Inline) => {
    if (text) out.push({ t: 'text', v: text });
    text = '';
    out.push(node);
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    const rest = src.slice(i);
    if (ch === '`') {
      const run = /^`+/.exec(rest)![0];
      const end = src.indexOf(run, i + run.length);
      if (end > 0) {
        push({ t: 'code', v: src.slice(i + run.length, end).trim() || src.slice(i + run.length, end) });
        i = end + run.length;
        continue;
      }
      text += run;
      i += run.length;
      continue;
    }
    if (ch === '[' && depth < MAX_DEPTH) {
      const m = LINK.exec(rest);
      if (m) {
        const href = safeHref(m[2]!);
        const label = inline(m[1]!, depth + 1);
        if (href) push({ t: 'link', href, c: label.length ? label : [{ t: 'text', v: href }] });
        else for (const n of label) push(n); // an unsafe target keeps only its words
        i += m[0].length;
        continue;
      }
    }
    if ((ch === 'h' || ch === 'H') && (i === 0 || /[\s(]/.test(src[i - 1]!))) {
      const m = BARE_URL.exec(rest);
      if (m) {
        const url = m[0].replace(/[.,;:!?)\]]+$/, '');
        const href = safeHref(url);
        if (href) {
          push({ t: 'link', href, c: [{ t: 'text', v: url }] });
          i += url.length;
          continue;
        }
      }
    }
    if ((ch === '*' || ch === '_') && depth < MAX_DEPTH) {
      const double = src[i + 1] === ch;
      const marker = double ? ch + ch : ch;
      // `_` only opens at a word start: snake_case_names stay as written.
      const opens = ch === '*' || i === 0 || !/[\p{L}\p{N}]/u.test(src[i - 1]!);
      const after = src[i + marker.length];
      if (opens && after && !/\s/.test(after)) {
        const end = findClose(src, marker, i + marker.length);
        if (end > 0) {
          const c = inline(src.slice(i + marker.length, end), depth + 1);
          push(double ? { t: 'strong', c } : { t: 'em', c });
          i = end + marker.length;
          continue;
        }
      }
    }
    text += ch;
    i++;
  }
  if (text) out.push({ t: 'text', v: text });
  return out;
}

function findClose(src: string, marker: string, from: number): number {
  for (let j = src.indexOf(marker, from); j > 0; j = src.indexOf(marker, j + 1)) {
    if (/\s/.test(src[j - 1]!)) continue;
    if (marker.length === 1 && src[j + 1] === marker) {
      j++;
      continue;
    }
    if (marker === '_' && j + 1 < src.length && /[\p{L}\p{N}]/u.test(src[j + 1]!)) continue;
    return j;
  }
  return -1;
}
