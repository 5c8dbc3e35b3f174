/**
 * Custom CSS of a page, made unable to load anything or run script. It is served as a stylesheet
 * of its own under the page's CSP (`style-src 'self'`, images self/data only), which stops most of
 * this anyway; the sanitizer is the first wall, not the only one.
 *
 * Rules: comments go (joining what they split, so a comment inside `url(` cannot hide it); declarations with
 * a backslash go (escapes are how `u\72l(` hides `url(`); `<` goes; at-rules other than @media/@supports/@keyframes/
 * @container/@layer are dropped with their body; any declaration whose value mentions url(),
 * image-set(), expression(), javascript:, vbscript:, behavior, -moz-binding or @import is dropped.
 */
import { CUSTOM_CSS_MAX } from '../../../contracts/status-page-requests.js';

const ALLOWED_AT = /^@(media|supports|keyframes|-webkit-keyframes|container|layer)\b/i;
const FORBIDDEN = /\\|url\s*\(|image-set\s*\(|image\s*\(|expression\s*\(|javascript\s*:|vbscript\s*:|behavior|binding|@import|@charset|@namespace|@font-face|src\s*\(/i;

export function sanitizeCss(input: string): string {
  const src = input
    .slice(0, CUSTOM_CSS_MAX)
    .replace(/\/\*[\s\S]*?(\*\/|$)/g, '')
    .replace(/[\u0000-\u0008\u000B\u000E-\u001F\u007F<]/g, '')
    .replace(/>/g, ' > ');
  let out = '';
  let depth = 0;
  let skipDepth = -1; // inside a dropped at-rule body: skip until we are back at this depth
  let chunk = '';
  const emit = (s: string) => {
    if (skipDepth < 0) out += s;
  };
  for (const ch of src) {
    if (ch !== '{' && ch !== '}' && ch !== ';') {
      chunk += ch;
      continue;
    }
    const text = chunk.trim();
    chunk = '';
    if (ch === '{') {
      if (skipDepth < 0 && (FORBIDDEN.test(text) || (text.startsWith('@') && !ALLOWED_AT.test(text)))) skipDepth = depth;
      emit(`${text} {`);
      depth++;
    } else if (ch === '}') {
      if (text && !FORBIDDEN.test(text) && !text.startsWith('@')) emit(`${text};`);
      if (depth === 0) continue; // an unmatched brace closes nothing
      depth--;
      emit('}\n');
      if (skipDepth === depth) skipDepth = -1;
    } else if (text && !FORBIDDEN.test(text) && !text.startsWith('@')) emit(`${text};`);
  }
  while (depth-- > 0) emit('}');
  return balanceQuotes(out);
}

// An unterminated string would swallow the rest of the sheet, rules included.
function balanceQuotes(css: string): string {
  return css
    .split('\n')
    .map((line) => ((line.match(/"/g)?.length ?? 0) % 2 || (line.match(/'/g)?.length ?? 0) % 2 ? line.replace(/["']/g, '') : line))
    .join('\n');
}
