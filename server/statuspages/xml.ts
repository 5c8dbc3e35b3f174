/**
 * Test-only: a strict XML well-formedness parser (elements, quoted attributes, the five named
 * entities and numeric references, comments, CDATA, a prolog and a DOCTYPE). Our HTML is written
 * in XML-compatible syntax, so the same parser checks pages, feeds and badges.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: Array<XmlElement | string>;
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string, where: number): string {
  return text.replace(/&([^;]*);?/g, (m, body: string) => {
    if (!m.endsWith(';')) throw new Error(`bare & at ${where}`);
    if (body in ENTITIES) return ENTITIES[body]!;
    const num = /^#(\d+)$/.exec(body) ?? /^#x([0-9a-fA-F]+)$/.exec(body);
    if (num) return String.fromCodePoint(parseInt(num[1]!, body[1] === 'x' ? 16 : 10));
    throw new Error(`unknown entity &${body}; at ${where}`);
  });
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const root: XmlElement = { name: '#document', attrs: {}, children: [] };
  const stack: XmlElement[] = [root];
  const top = () => stack[stack.length - 1]!;
  while (i < src.length) {
    if (src.startsWith('<?', i)) {
      const end = src.indexOf('?>', i);
      if (end < 0) throw new Error('unterminated processing instruction');
      i = end + 2;
    } else if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
    } else if (src.startsWith('<![CDATA[', i)) {
      const end = src.indexOf(']]>', i);
      if (end < 0) throw new Error('unterminated CDATA');
      top().children.push(src.slice(i + 9, end));
      i = end + 3;
    } else if (/^<!DOCTYPE/i.test(src.slice(i, i + 9))) {
      const end = src.indexOf('>', i);
      i = end + 1;
    } else if (src.startsWith('</', i)) {
      const m = NAME.exec(src.slice(i + 2));
      if (!m) throw new Error(`bad end tag at ${i}`);
      const close = src.indexOf('>', i);
      if (src.slice(i + 2 + m[0].length, close).trim()) throw new Error(`junk in end tag at ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[0] || open === root) throw new Error(`</${m[0]}> closes <${open?.name}> at ${i}`);
      i = close + 1;
    } else if (src[i] === '<') {
      const m = NAME.exec(src.slice(i + 1));
      if (!m) throw new Error(`bad start tag at ${i}: ${src.slice(i, i + 20)}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [] };
      i += 1 + m[0].length;
      for (;;) {
        const ws = /^\s*/.exec(src.slice(i))![0];
        i += ws.length;
        if (src.startsWith('/>', i)) {
          top().children.push(el);
          i += 2;
          break;
        }
        if (src[i] === '>') {
          top().children.push(el);
          stack.push(el);
          i++;
          break;
        }
        if (!ws) throw new Error(`attributes need whitespace at ${i}`);
        const a = /^([A-Za-z_:][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(src.slice(i));
        if (!a) throw new Error(`bad attribute at ${i}: ${src.slice(i, i + 30)}`);
        if (a[1]! in el.attrs) throw new Error(`duplicate attribute ${a[1]} at ${i}`);
        el.attrs[a[1]!] = decode(a[3] ?? a[4]!, i);
        i += a[0].length;
      }
    } else {
      const end = src.indexOf('<', i);
      const raw = src.slice(i, end < 0 ? src.length : end);
      if (raw.includes(']]>')) throw new Error(`]]> in text at ${i}`);
      top().children.push(decode(raw, i));
      i += raw.length;
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${top().name}>`);
  const elements = root.children.filter((c): c is XmlElement => typeof c !== 'string');
  if (elements.length !== 1 || root.children.some((c) => typeof c === 'string' && c.trim())) throw new Error('a document has exactly one root element');
  return elements[0]!;
}

export function* walk(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of el.children) if (typeof c !== 'string') yield* walk(c);
}

export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

/**
 * Problems that would make a page run script: script elements other than our bundle, event
 * handler or style attributes, script-capable URLs, embedding elements.
 */
export function activeContent(root: XmlElement): string[] {
  const problems: string[] = [];
  for (const el of walk(root)) {
    const name = el.name.toLowerCase();
    if (name === 'script' && !(el.attrs.src === '/assets/status.js' && el.children.length === 0)) problems.push(`script ${JSON.stringify(el.attrs)}`);
    if (['iframe', 'object', 'embed', 'base', 'frame', 'applet', 'style'].includes(name)) problems.push(`<${name}>`);
    if (name === 'meta' && el.attrs['http-equiv']) problems.push('meta http-equiv');
    for (const [k, v] of Object.entries(el.attrs)) {
      const key = k.toLowerCase();
      if (key.startsWith('on')) problems.push(`${name}[${k}]`);
      if (key === 'style') problems.push(`${name}[style]`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc'].includes(key)) {
        const url = v.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
        if (/^(javascript|vbscript|data:text|data:application)/.test(url)) problems.push(`${name}[${k}]=${v}`);
      }
    }
  }
  return problems;
}

/** Payloads that try every way into a page we know of. */
export const XSS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  'javascript:alert(1)',
  '<a href="javascript:alert(1)">x</a>',
  '</title><script>alert(1)</script>',
  '<iframe srcdoc="<script>alert(1)</script>">',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '\u0000\u0008<b>ctrl</b>\uFFFF',
];
