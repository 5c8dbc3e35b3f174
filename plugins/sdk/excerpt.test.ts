import { describe, expect, it } from 'vitest';
import { excerpt } from './excerpt.js';

describe('excerpt', () => {
  it.each([
    ['short text as it is', 'SSH-2.0-OpenSSH_9.6', 'SSH-2.0-OpenSSH_9.6'],
    ['CR, LF and tab as escapes', '220 ready\r\n\t', '220 ready\\r\\n\\t'],
    ['ESC and NUL as hex escapes', '\x1b[2J\x00', '\\x1b[2J\\x00'],
    ['DEL and C1 controls', '\x7f\x9b31m', '\\x7f\\x9b31m'],
    ['bidi overrides and zero-width characters', 'a\u202eb\u200bc', 'a\\u202eb\\u200bc'],
    ['a lone surrogate', 'x\ud800y', 'x\\ud800y'],
    ['non-ASCII letters and emoji', 'héllo wörld 🙂', 'héllo wörld 🙂'],
    ['invalid UTF-8 bytes as U+FFFD', Buffer.from([0x61, 0xff, 0x62]), 'a\ufffdb'],
    ['bytes with escapes', Buffer.from('\x1b]0;t\x07ok'), '\\x1b]0;t\\x07ok'],
  ])('shows %s', (_name, input, shown) => {
    expect(excerpt(input)).toBe(shown);
  });

  it.each([
    ['a long string', 'a'.repeat(10_000), 'a'.repeat(197) + '…'],
    ['a long Buffer', Buffer.alloc(10_000, 'b'), 'b'.repeat(197) + '…'],
    ['exactly 200 bytes', 'c'.repeat(200), 'c'.repeat(200)],
    ['201 bytes', 'c'.repeat(201), 'c'.repeat(197) + '…'],
    ['escapes that would overflow', '\x00'.repeat(100), '\\x00'.repeat(49) + '…'],
    ['multi-byte characters at the cut', 'é'.repeat(150), 'é'.repeat(98) + '…'],
    ['a multi-byte character cut by the byte limit', Buffer.concat([Buffer.alloc(199, 'd'), Buffer.from('é')]), 'd'.repeat(197) + '…'],
  ])('cuts %s to at most 200 bytes with an ellipsis', (_name, input, shown) => {
    const text = excerpt(input);
    expect(text).toBe(shown);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(200);
  });

  it('takes another limit', () => {
    expect(excerpt('abcdefgh', 6)).toBe('abc…');
  });
});
