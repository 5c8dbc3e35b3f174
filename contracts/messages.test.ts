import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { duration, PASSWORD, passwordProblem, plainError, statusTitle } from './messages.js';

/** The messages zod gives for `value` against `schema` with the plain words, by path. */
function said(schema: z.ZodType, value: unknown): Record<string, string> {
  const r = schema.safeParse(value, { error: plainError });
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]));
}

describe('durations', () => {
  it.each([
    [0, '1 s'],
    [400, '1 s'],
    [45_000, '45 s'],
    [59_600, '1 min'],
    [180_000, '3 min'],
    [200_000, '3 min 20 s'],
    [3_600_000, '1 h'],
    [2 * 3_600_000 + 5 * 60_000 + 10_000, '2 h 5 min'],
    [47 * 3_600_000, '47 h'],
    [3 * 86_400_000 + 4 * 3_600_000, '3 d 4 h'],
    [2 * 86_400_000, '2 d'],
    [-5_000, '1 s'],
  ])('%i ms is "%s"', (ms, text) => expect(duration(ms)).toBe(text));

  it('never says "0 min"', () => {
    for (let ms = 0; ms < 200_000; ms += 977) expect(duration(ms)).not.toMatch(/\b0 (min|s|h)\b/);
  });
});

describe('status page titles', () => {
  it.each([
    ['Acme', 'Acme status'],
    ['Acme status', 'Acme status'],
    ['Acme Status', 'Acme Status'],
    ['  Acme  ', 'Acme status'],
    ['Statuspage', 'Statuspage status'],
  ])('"%s" is said "%s"', (title, text) => expect(statusTitle(title)).toBe(text));
});

describe('passwords', () => {
  it('at least 8 characters, counted as characters', () => {
    expect(passwordProblem('seven77')).toBe(PASSWORD.tooShort);
    expect(passwordProblem('ééééééé')).toBe(PASSWORD.tooShort); // 14 bytes, 7 characters
    expect(passwordProblem('eight888')).toBeUndefined();
    expect(passwordProblem('😀😀😀😀😀😀😀😀')).toBeUndefined(); // 8 characters, 32 bytes
  });

  it('at most 72 bytes of UTF-8', () => {
    expect(passwordProblem('a'.repeat(72))).toBeUndefined();
    expect(passwordProblem('a'.repeat(73))).toBe(PASSWORD.tooLong);
    expect(passwordProblem('é'.repeat(36) + 'a')).toBe(PASSWORD.tooLong);
  });

  it('the hint says both limits the way the errors do', () => {
    expect(PASSWORD.hint).toContain('At least 8 characters');
    expect(PASSWORD.hint).toContain('72 bytes');
    expect(PASSWORD.tooShort).toContain('at least 8 characters');
    expect(PASSWORD.tooLong).toContain('72 bytes');
  });
});

describe('validation words', () => {
  const form = z.strictObject({
    name: z.string().trim().min(1).max(5),
    email: z.email(),
    url: z.url(),
    count: z.number().int().min(1).max(10),
    kind: z.enum(['http', 'tcp']),
    tags: z.array(z.string()).min(1),
    code: z.string().min(3),
  });

  it('says each field in plain words, never zod\'s text', () => {
    const out = said(form, { name: '', email: 'x', url: 'nope', count: 0, kind: 'udp', tags: [], code: 'ab', extra: 1 });
    expect(out).toEqual({
      '': 'Unknown field: extra.',
      name: 'Required.',
      email: 'Enter an email address, like ada@example.com.',
      url: 'Enter a full address, like https://example.com.',
      count: 'Use 1 or more.',
      kind: 'Choose one of: http, tcp.',
      tags: 'Choose at least one.',
      code: 'Use at least 3 characters.',
    });
    for (const m of Object.values(out)) expect(m).not.toMatch(/Too (small|big)|expected|Invalid|>=|<=/);
  });

  it('missing, too long, too big and the wrong type', () => {
    expect(said(form, { name: 'toolong', email: 'a@b.co', url: 'https://a.example', count: 11, kind: 'tcp', tags: ['x'], code: 42 })).toEqual({
      name: 'Use at most 5 characters.',
      count: 'Use 10 or less.',
      code: 'Enter text here.',
    });
    expect(said(form, {})).toMatchObject({ name: 'Required.', email: 'Required.', count: 'Required.' });
  });

  it('a schema\'s own words win', () => {
    expect(said(z.object({ n: z.string().min(1, { error: 'Name it.' }) }), { n: '' })).toEqual({ n: 'Name it.' });
  });
});
