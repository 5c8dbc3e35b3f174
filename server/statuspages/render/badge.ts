/** Shields-style SVG badges: a grey label and a coloured message. */
import { esc } from './escape.js';

// Approximate advance width of 11px Verdana in px: narrow and wide glyphs apart, the rest average.
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[ilj.,:;|!'1]/.test(ch) ? 3.5 : /[mwMW%@]/.test(ch) ? 10 : /[A-Z0-9]/.test(ch) ? 7.5 : 6.5;
  return Math.ceil(w);
}

/** Colours with white text at ≥ 4.5:1. */
export const BADGE_COLORS = {
  green: '#1a7f37',
  yellow: '#9a6700',
  orange: '#bc4c00',
  red: '#cf222e',
  blue: '#0969da',
  grey: '#57606a',
} as const;

export function badgeSvg(label: string, message: string, color: keyof typeof BADGE_COLORS): string {
  const lw = textWidth(label) + 12;
  const mw = textWidth(message) + 12;
  const w = lw + mw;
  const title = `${label}: ${message}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${esc(title)}">
<title>${esc(title)}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="${BADGE_COLORS.grey}"/><rect x="${lw}" width="${mw}" height="20" fill="${BADGE_COLORS[color]}"/><rect width="${w}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${lw / 2}" y="14">${esc(label)}</text>
<text x="${lw + mw / 2}" y="14">${esc(message)}</text>
</g>
</svg>
`;
}
