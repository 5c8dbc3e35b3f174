import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { secret, secretUrlPassword } from '../../plugins/sdk.js';
import { MASK } from '../../contracts/secrets.js';
import { destinationKey, SecretFields } from './secrets.js';

const schema = z.strictObject({
  url: secretUrlPassword(z.url()),
  headers: z.record(z.string(), secret(z.string())).default({}),
  auth: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('none') }),
      z.strictObject({ type: z.literal('basic'), username: z.string(), password: secret(z.string()) }),
      z.strictObject({ type: z.literal('bearer'), token: secret(z.string()) }),
    ])
    .default({ type: 'none' }),
  note: z.string().optional(),
});
const fields = new SecretFields(z.toJSONSchema(schema, { io: 'input' }));
const origin = (c: Record<string, unknown>) => [c.url as string];
const stored = { url: 'https://u:pw@a.example/x', headers: { A: '1', B: '2' }, auth: { type: 'basic', username: 'u', password: 'p' }, note: 'n' };

describe('secret fields', () => {
  it('masks values, every value of a record, union options and only the password of a URL', () => {
    expect(fields.mask(stored)).toEqual({ url: `https://u:${MASK}@a.example/x`, headers: { A: MASK, B: MASK }, auth: { type: 'basic', username: 'u', password: MASK }, note: 'n' });
    expect(fields.mask({ url: 'https://u@a.example/', auth: { type: 'bearer', token: 't' } })).toEqual({ url: 'https://u@a.example/', auth: { type: 'bearer', token: MASK } });
    expect(fields.mask({ url: 'https://a@b:pw@host/' }).url).toBe(`https://a%40b:${MASK}@host/`);
    expect(fields.mask({ url: 'not a url' })).toEqual({ url: 'not a url' });
  });

  it.each([
    ['keeps masked values', { ...fields.mask(stored) }, { config: stored, refused: [], cleared: [] }],
    ['keeps a left-out secret', { url: stored.url, auth: { type: 'basic', username: 'v' } }, { config: { url: stored.url, auth: { type: 'basic', username: 'v', password: 'p' } }, refused: [], cleared: [] }],
    ['takes typed values and drops record keys left out', { url: 'https://a.example/y', headers: { A: MASK, C: '3' } }, { config: { url: 'https://a.example/y', headers: { A: '1', C: '3' } }, refused: [], cleared: [] }],
    ['keeps nothing across union options', { url: stored.url, auth: { type: 'bearer', token: MASK } }, { refused: ['auth.token'], cleared: [] }],
    ['keeps nothing for another origin', { ...fields.mask(stored), url: `https://u:${MASK}@b.example/x` }, { refused: ['url', 'headers.A', 'headers.B', 'auth.password'], cleared: [] }],
    ['clears left-out secrets for another origin', { url: 'https://a.example:8443/x', auth: { type: 'basic', username: 'u' } }, { config: { url: 'https://a.example:8443/x', auth: { type: 'basic', username: 'u' } }, refused: [], cleared: ['auth.password'] }],
    ['keeps nothing for another scheme', { url: 'http://a.example/x', headers: { A: MASK } }, { refused: ['headers.A'] }],
  ])('an edit %s', (_what, incoming, expected) => {
    expect(fields.edit(incoming, stored, origin)).toMatchObject(expected);
  });

  it('refuses a mask when nothing is stored (a new config)', () => {
    expect(fields.edit({ url: `https://u:${MASK}@a.example/`, auth: { type: 'bearer', token: MASK } }, undefined, origin).refused.sort()).toEqual(['auth.token', 'url']);
  });

  it('treats destinations it cannot compute as changed', () => {
    const broken = () => {
      throw new Error('boom');
    };
    expect(fields.edit({ url: stored.url, headers: { A: MASK } }, stored, broken).refused).toEqual(['headers.A']);
  });

  it.each([
    ['https://A.example:443/path', 'https://a.example'],
    ['http://a.example/', 'http://a.example'],
    ['Host.Example.', 'host.example'],
    ['[::1]:53', '[::1]:53'],
  ])('compares %s as %s', (target, key) => {
    expect(destinationKey(target)).toBe(key);
  });
});
