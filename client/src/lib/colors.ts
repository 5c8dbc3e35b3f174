/** Theme colours for canvas drawing (canvas cannot read CSS variables), cached per theme. */
const cache = new Map<string, Record<string, string>>();

const NAMES = ['up', 'down', 'degraded', 'retrying', 'pending', 'paused', 'maintenance', 'beat-empty', 'muted', 'border', 'text', 'accent', 'surface'] as const;
export type ColorName = (typeof NAMES)[number];

/** `theme` is only the cache key: pass theme.effective so callers re-read after a switch. */
export function colors(theme: string): Record<ColorName, string> {
  let c = cache.get(theme);
  if (!c) {
    const style = getComputedStyle(document.documentElement);
    c = Object.fromEntries(NAMES.map((n) => [n, style.getPropertyValue(`--${n}`).trim() || '#888'])) as Record<ColorName, string>;
    cache.set(theme, c);
  }
  return c as Record<ColorName, string>;
}

/** A check's colour by its letter (contracts/uptime.ts beatLetter). */
export const BEAT_COLOR: Record<string, ColorName> = { u: 'up', g: 'degraded', d: 'down', r: 'retrying', p: 'pending', m: 'maintenance' };
