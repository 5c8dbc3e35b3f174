/**
 * The dashboard's form renderer reads plugins' JSON Schemas: these tests feed it the real schemas
 * of every built-in probe and the external SMTP example, exactly as GET /probes serves them.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clean, defaultValue, discriminatorOf, kindOf, labelOf, optionsOf, resolve, validate, type JsonSchema } from '../client/src/lib/schema-form/schema.js';
import smtp from '../examples/smtp-probe/index.js';
import { builtinProbes } from '../plugins/index.js';
import { plainError } from '../contracts/messages.js';

const schemaOf = (p: { configSchema: z.ZodType }) => z.toJSONSchema(p.configSchema, { io: 'input' }) as JsonSchema;
const http = schemaOf(builtinProbes.http);
const prop = (s: JsonSchema, key: string) => s.properties![key]!;

describe('schema form: kinds', () => {
  it.each([
    ['url', 'string'],
    ['method', 'enum'],
    ['headers', 'record'],
    ['auth', 'union'],
    ['followRedirects', 'boolean'],
    ['maxRedirects', 'integer'],
    ['expectedStatus', 'array'],
  ])('http.%s renders as %s', (key, kind) => {
    expect(kindOf(prop(http, key), http)).toBe(kind);
  });

  it('reads integer | pattern-string list items as one text box', () => {
    expect(kindOf(prop(http, 'expectedStatus').items!, http)).toBe('primitive-union');
  });

  it('finds the discriminator of auth: none | basic | bearer', () => {
    expect(discriminatorOf(optionsOf(prop(http, 'auth'), http))).toBe('type');
  });

  it('follows $ref and treats a null option as optional', () => {
    const root: JsonSchema = {
      type: 'object',
      $defs: { port: { type: 'integer', minimum: 1 } },
      properties: { p: { anyOf: [{ $ref: '#/$defs/port' }, { type: 'null' }] } },
    };
    expect(kindOf(prop(root, 'p'), root)).toBe('integer');
    expect(resolve({ $ref: '#/$defs/port' }, root).minimum).toBe(1);
  });

  it('labels camelCase keys with their unit', () => {
    expect(labelOf('maxResponseTimeMs')).toBe('Max response time (ms)');
    expect(labelOf('intervalSeconds')).toBe('Interval (seconds)');
    expect(labelOf('followRedirects')).toBe('Follow redirects');
  });
});

describe('schema form: values', () => {
  it('starts a new http config with the schema defaults', () => {
    expect(defaultValue(http, http, true)).toMatchObject({ method: 'GET', headers: {}, auth: { type: 'none' }, expectedStatus: ['200-399'], followRedirects: true });
  });

  it('starts every probe with a config the probe accepts once its required fields are filled', () => {
    const fill: Record<string, Record<string, unknown>> = {
      http: { url: 'https://example.com' },
      tcp: { host: 'example.com', port: 443 },
      dns: { name: 'example.com' },
      tls: { host: 'example.com' },
      smtp: { host: 'mail.example.com' },
    };
    for (const p of [...Object.values(builtinProbes), smtp]) {
      const schema = schemaOf(p);
      const value = { ...(defaultValue(schema, schema, true) as object), ...fill[p.id] };
      const sent = clean(schema, value, schema, true);
      expect(validate(schema, sent, schema, 'config', true), p.id).toEqual({});
      expect(p.configSchema.safeParse(sent).success, p.id).toBe(true);
    }
  });

  it('flags what the server would refuse, under the right path', () => {
    const value = { url: 'ftp://x', maxRedirects: 99, expectedStatus: ['abc'], auth: { type: 'bearer', token: '' } };
    expect(validate(http, value, http, 'config', true)).toEqual({
      'config.url': 'This is not in the expected format.',
      'config.maxRedirects': 'Use 20 or less.',
      'config.expectedStatus.0': 'This value is not accepted.',
      'config.auth.token': 'Required.',
    });
    expect(validate(http, {}, http, 'config', true)).toEqual({ 'config.url': 'Required.' });
  });

  it('says what the API says for the same rule (one place of words)', () => {
    const value = { url: 'https://example.com', maxRedirects: 99, method: 'FETCH', auth: { type: 'bearer', token: '' } };
    const api = builtinProbes.http.configSchema.safeParse(value, { error: plainError });
    expect(api.success).toBe(false);
    const fromApi = Object.fromEntries(api.error!.issues.map((i) => [`config.${i.path.join('.')}`, i.message]));
    const inForm = validate(http, value, http, 'config', true);
    for (const path of ['config.maxRedirects', 'config.auth.token']) expect(inForm[path], path).toBe(fromApi[path]);
  });

  it.each([
    ['http', { url: 'ftp://x', maxRedirects: 99, auth: { type: 'bearer', token: '' } }],
    ['http', { url: 'https://a.test', headers: { 'bad header': 'x' }, expectedStatus: [700] }],
    ['tcp', { host: 'a b', port: 0 }],
    ['dns', { name: 'example.com', type: 'A', expectedAnswers: [''] }],
    ['tls', { host: 'example.com', warnDays: -1 }],
  ] as const)('finds the %s errors at the paths the server reports', (id, input) => {
    const probe = builtinProbes[id];
    const schema = schemaOf(probe);
    const parsed = probe.configSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const server = new Set(parsed.error!.issues.map((i) => ['config', ...i.path.map(String)].join('.')));
    const client = new Set(Object.keys(validate(schema, input, schema, 'config', true)));
    expect(client).toEqual(server);
  });

  it('drops what was left empty and keeps what was set', () => {
    const value = { url: 'https://a.test', body: '', keyword: undefined, headers: { 'X-A': '1' }, expectedStatus: [200, '', '500-599'], auth: { type: 'basic', username: 'u', password: 'p' } };
    expect(clean(http, value, http, true)).toEqual({ url: 'https://a.test', headers: { 'X-A': '1' }, expectedStatus: [200, '500-599'], auth: { type: 'basic', username: 'u', password: 'p' } });
  });
});
