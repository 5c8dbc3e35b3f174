import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { linearRegex, regexField, regexProblem, regexWhen } from './regex.js';

describe('linear-time regular expressions', () => {
  it('runs (x+x+)+y on a long input without backtracking, on strings and bytes', () => {
    const evil = linearRegex('(x+x+)+y');
    expect(evil.test('x'.repeat(100_000))).toBe(false);
    expect(evil.test(Buffer.from('x'.repeat(100_000) + 'y'))).toBe(true);
  });

  it.each([
    ['case-sensitive by default', 'abc', 'ABC', false],
    ['(?i) ignores case', '(?i)abc', 'xABCx', true],
    ['. does not match a newline by default', 'a.b', 'a\nb', false],
    ['(?s) lets . match a newline', '(?s)a.b', 'a\nb', true],
    ['Unicode classes', '^\\p{L}+$', 'héllo', true],
  ])('%s', (_name, pattern, input, matches) => {
    expect(linearRegex(pattern).test(input)).toBe(matches);
  });

  it.each([
    ['a back-reference', '(a)\\1'],
    ['a named back-reference', '(?<n>a)\\k<n>'],
    ['a look-ahead', 'a(?=b)'],
    ['a negative look-ahead', 'a(?!b)'],
    ['a look-behind', '(?<=a)b'],
    ['a negative look-behind', '(?<!a)b'],
    ['a syntax error', '(unclosed'],
    ['a huge repetition', 'a{5000}'],
  ])('refuses %s: a reason at validation, CONFIG_INVALID when run', (_name, pattern) => {
    expect(regexProblem(pattern)).toEqual(expect.any(String));
    expect(() => linearRegex(pattern)).toThrow(expect.objectContaining({ name: 'ProbeFailure', code: 'CONFIG_INVALID' }));
    expect(regexField().safeParse(pattern).error?.issues[0]).toMatchObject({ params: { code: 'REGEX_UNSUPPORTED' } });
  });

  it('refuses a pattern over 1024 characters', () => {
    expect(regexProblem('a'.repeat(1025))).toBe('Patterns are limited to 1024 characters');
    expect(regexField().safeParse('a'.repeat(1025)).error?.issues[0]).toMatchObject({ code: 'too_big' });
  });

  it('checks a text field only when its flag makes it a pattern', () => {
    const schema = z.object({ expect: z.string(), regex: z.boolean() }).superRefine(regexWhen('regex', 'expect'));
    expect(schema.safeParse({ expect: '(a)\\1', regex: false }).success).toBe(true);
    expect(schema.safeParse({ expect: '(a)\\1', regex: true }).error?.issues[0]).toMatchObject({ path: ['expect'], params: { code: 'REGEX_UNSUPPORTED' } });
  });
});
