/** The definition itself: letters, checked time, windows, the percent and how it is printed. */
import { describe, expect, it } from 'vitest';
import { addCheck, beatLetter, countsAs, formatPercent, NO_CHECKED_TIME, spanSeconds, uptimeLevel, uptimePercent, windowStart } from './uptime.js';

describe('a check as a letter, and what its time counts as', () => {
  it.each<[string, boolean, string, 'up' | 'down' | null]>([
    ['up', true, 'u', 'up'],
    ['degraded', true, 'g', 'up'],
    ['up', false, 'r', null], // failed, retries remain: the monitor is still up
    ['degraded', false, 'r', null],
    ['pending', false, 'r', null], // a new monitor failing within its retries
    ['down', false, 'd', 'down'],
    ['pending', true, 'p', null],
    ['maintenance', false, 'm', null],
    ['maintenance', true, 'm', null],
    ['paused', true, 'p', null],
  ])('%s, ok %s → %s (%s)', (status, ok, letter, as) => {
    expect(beatLetter(status, ok)).toBe(letter);
    expect(countsAs(letter)).toBe(as);
  });
});

describe('checked time', () => {
  it.each<[string, number | undefined, number, number]>([
    ['the first check covers one interval', undefined, 1000, 60],
    ['since the check before it', 970, 1000, 30],
    ['at most one interval (a pause, a stopped server)', 100, 1000, 60],
    ['a check run by hand right after another covers little', 999, 1000, 1],
    ['never negative', 1001, 1000, 0],
  ])('%s', (_n, previous, at, expected) => {
    expect(spanSeconds(previous, at, 60)).toBe(expected);
  });

  it('adds up and down time, and nothing for the rest', () => {
    let t = NO_CHECKED_TIME;
    t = addCheck(t, 'u', undefined, 0, 60);
    t = addCheck(t, 'r', 0, 30, 60);
    t = addCheck(t, 'd', 30, 60, 60);
    t = addCheck(t, 'm', 60, 90, 60);
    t = addCheck(t, 'g', 90, 500, 60);
    expect(t).toEqual({ upSeconds: 120, downSeconds: 30 });
  });
});

describe('windows', () => {
  const HOUR = 3_600_000;
  it('start at the first whole UTC hour inside them', () => {
    const now = Date.UTC(2026, 10, 29, 12, 30);
    expect(new Date(windowStart('24h', now)).toISOString()).toBe('2026-11-28T13:00:00.000Z');
    expect(new Date(windowStart('90d', now)).toISOString()).toBe('2026-08-31T13:00:00.000Z');
    expect(windowStart('24h', Date.UTC(2026, 10, 29, 12))).toBe(Date.UTC(2026, 10, 29, 12) - 24 * HOUR);
  });
});

describe('the figure and how it is printed', () => {
  it.each<[number, number, number | null, string]>([
    [0, 0, null, '—'],
    [100, 0, 100, '100%'],
    [0, 100, 0, '0.00%'],
    [7, 5, 58.333, '58.33%'],
    [7, 1, 87.5, '87.50%'],
    [9999, 1, 99.99, '99.99%'], // 99.99 × 100 is 9998.999… in floating point
    [999_999, 1, 99.999, '99.99%'], // a second down in 11.5 days never reads 100
    [86_399_999, 1, 99.999, '99.99%'],
  ])('%i s up, %i s down → %s → %s', (up, down, percent, printed) => {
    const p = uptimePercent({ upSeconds: up, downSeconds: down });
    expect(p).toBe(percent);
    expect(p === null ? '—' : formatPercent(p)).toBe(printed);
  });

  it.each<[number, string]>([
    [100, 'good'],
    [99.9, 'good'],
    [99.899, 'fair'],
    [99, 'fair'],
    [98.999, 'poor'],
    [95, 'poor'],
    [94.999, 'bad'],
  ])('%s is %s', (p, level) => {
    expect(uptimeLevel(p)).toBe(level);
  });
});
