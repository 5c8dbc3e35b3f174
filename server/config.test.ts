import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema, loadConfig, withListenPort } from './config.js';
import { StartupError } from './errors.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pp-config-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const base = { DATA_DIR: dataDir };

describe('loadConfig', () => {
  it.each([
    ['PORT', 'abc', /^PORT: .*got "abc"/],
    ['PORT', '70000', /^PORT: /],
    ['DATABASE_URL', 'nonsense', /^DATABASE_URL: /],
    ['DATABASE_URL', 'mysql://x@y/z', /^DATABASE_URL: /],
    ['PUBLIC_URL', 'ftp://example.com', /^PUBLIC_URL: /],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL: /],
    ['SESSION_SECRET', 'short', /^SESSION_SECRET: must be at least 32 characters$/],
    ['PINGPAGE_SIGNUP', 'everyone', /^PINGPAGE_SIGNUP: /],
    ['TRUST_PROXY', 'maybe', /^TRUST_PROXY: /],
    ['TRUST_PROXY', '10.0.0.0/40', /^TRUST_PROXY: /],
    ['PINGPAGE_DNS_SERVERS', 'dns.example.com', /^PINGPAGE_DNS_SERVERS: /],
    ['PINGPAGE_DNS_SERVERS', '127.0.0.1:99999', /^PINGPAGE_DNS_SERVERS: /],
    ['BODY_LIMIT_BYTES', '-1', /^BODY_LIMIT_BYTES: /],
    ['PINGPAGE_ADMINS', 'ops@example.com, not an email', /^PINGPAGE_ADMINS: /],
  ])('refuses %s=%s with one line naming the variable', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ ...base, [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('never echoes a secret it refuses', () => {
    expect(() => loadConfig({ ...base, SESSION_SECRET: 'hunter2' })).toThrow(/^SESSION_SECRET: /);
    expect(() => loadConfig({ ...base, SESSION_SECRET: 'hunter2' })).not.toThrow(/hunter2/);
  });

  it('applies defaults and freezes the result', () => {
    const c = loadConfig(base);
    expect(c.PORT).toBe(3000);
    expect(c.PUBLIC_URL).toBe('http://127.0.0.1:3000');
    expect(c.secure).toBe(false);
    expect(c.PINGPAGE_PLUGINS).toEqual([]);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{}, 'allow'],
    [{ PINGPAGE_SIGNUP: 'invite' }, 'allow'],
    [{ PINGPAGE_SIGNUP: 'open' }, 'deny'],
    [{ PINGPAGE_SIGNUP: 'open', PINGPAGE_PRIVATE_TARGETS: 'allow' }, 'allow'],
    [{ PINGPAGE_SIGNUP: 'invite', PINGPAGE_PRIVATE_TARGETS: 'deny' }, 'deny'],
  ])('PINGPAGE_PRIVATE_TARGETS from %j is %s: open sign-up denies private targets unless told otherwise', (env, expected) => {
    expect(loadConfig({ ...base, ...env }).PINGPAGE_PRIVATE_TARGETS).toBe(expected);
  });

  it('parses lists, booleans and https', () => {
    const c = loadConfig({ ...base, PINGPAGE_PLUGINS: ' a, ./b ,', PINGPAGE_ADMINS: 'ops@example.com, noc@example.com', TRUST_PROXY: 'true', PUBLIC_URL: 'https://status.example.com/' });
    expect(c.PINGPAGE_PLUGINS).toEqual(['a', './b']);
    expect(c.PINGPAGE_ADMINS).toEqual(['ops@example.com', 'noc@example.com']);
    expect(c.TRUST_PROXY).toEqual({ kind: 'hops', hops: 1 }); // `true` is one proxy, as docker-compose.yml has
    expect(loadConfig({ ...base, TRUST_PROXY: '10.0.0.5,172.18.0.0/16' }).TRUST_PROXY).toEqual({ kind: 'addresses', ranges: ['10.0.0.5', '172.18.0.0/16'] });
    expect(loadConfig(base).TRUST_PROXY).toEqual({ kind: 'none' });
    expect(loadConfig({ ...base, PINGPAGE_DNS_SERVERS: '127.0.0.1:5353, [::1]:53, 9.9.9.9' }).PINGPAGE_DNS_SERVERS).toEqual(['127.0.0.1:5353', '[::1]:53', '9.9.9.9']);
    expect(c.PUBLIC_URL).toBe('https://status.example.com');
    expect(c.secure).toBe(true);
  });

  it('generates SESSION_SECRET once, keeps it in DATA_DIR with mode 0600, and reuses it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pp-secret-'));
    try {
      const first = loadConfig({ DATA_DIR: dir }).SESSION_SECRET;
      const second = loadConfig({ DATA_DIR: dir }).SESSION_SECRET;
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(second).toBe(first);
      const file = path.join(dir, 'session-secret');
      expect(readFileSync(file, 'utf8').trim()).toBe(first);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives a derived PUBLIC_URL the port actually bound, but never an explicit one', () => {
    expect(withListenPort(loadConfig({ ...base, PORT: '0' }), 4567).PUBLIC_URL).toBe('http://127.0.0.1:4567');
    expect(withListenPort(loadConfig({ ...base, PORT: '0', PUBLIC_URL: 'https://x.example' }), 4567).PUBLIC_URL).toBe('https://x.example');
  });

  it('describes every variable (the README table is built from these)', () => {
    for (const [name, schema] of Object.entries(configSchema.shape)) {
      expect(schema.description, name).toBeTruthy();
    }
  });
});
