import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { StartupError } from '../errors.js';
import { blamePlugin } from './blame.js';
import { loadProbes } from './loader.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pp-plugins-'));
// The temporary plugins import zod like an installed plugin would.
symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = (id: string, extra = '') => `
  import { z } from 'zod';
  export default {
    id: '${id}', version: '1.2.3', apiVersion: 1, title: 'T', description: 'D',
    configSchema: z.strictObject({ host: z.string().describe('Host'), port: z.number().default(7).describe('Port') }),
    async run() { return { ok: true, timings: {}, metadata: {} }; },
    ${extra}
  };`;

const files: Record<string, string> = {
  'good.mjs': good('echo'),
  'good-too.mjs': good('echo2'),
  'named.mjs': good('named').replace('export default', 'export const probe ='),
  'dup-http.mjs': good('http'),
  'dup-echo.mjs': good('echo'),
  'nothing.mjs': `export const answer = 42;`,
  'string.mjs': `export default 'probe';`,
  'api2.mjs': good('future').replace('apiVersion: 1', 'apiVersion: 2'),
  'no-api.mjs': good('old').replace('apiVersion: 1,', ''),
  'bad-id.mjs': good('Bad Id!'),
  'no-run.mjs': good('norun').replace('async run()', 'async walk()'),
  'no-title.mjs': good('notitle').replace("title: 'T',", ''),
  'json-schema.mjs': `export default { id: 'js', version: '1.0.0', apiVersion: 1, title: 'T', description: 'D',
    configSchema: { type: 'object' }, async run() {} };`,
  'bad-version.mjs': good('ver').replace("'1.2.3'", "'latest'"),
  'throws.mjs': `throw new Error('boom at import');`,
  'long-label.mjs': good('longlabel', `metadataLabels: { status: '${'x'.repeat(101)}' },`),
  'empty-label.mjs': good('emptylabel', `metadataLabels: { status: '  ' },`),
  'blamed.mjs': good('blamed', `targetKey() { throw new Error('thrown by the plugin'); },`),
};
for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);

async function loadError(plugins: string[]): Promise<string> {
  try {
    await loadProbes({ PINGPAGE_PLUGINS: plugins }, { cwd: dir });
  } catch (err) {
    expect(err).toBeInstanceOf(StartupError);
    return (err as Error).message;
  }
  return 'loaded';
}

describe('probe plugin loading', () => {
  it('loads the built-ins and configured plugins (default or `probe` export) through one registry', async () => {
    const registry = await loadProbes({ PINGPAGE_PLUGINS: ['./good.mjs', path.join(dir, 'named.mjs')] }, { cwd: dir });
    expect(registry.ids()).toEqual(['http', 'tcp', 'dns', 'tls', 'echo', 'named']);
    const echo = registry.list().find((p) => p.id === 'echo');
    expect(echo).toEqual({
      id: 'echo',
      version: '1.2.3',
      title: 'T',
      description: 'D',
      configSchema: expect.objectContaining({
        type: 'object',
        properties: { host: { type: 'string', description: 'Host' }, port: { type: 'number', default: 7, description: 'Port' } },
        required: ['host'], // input side: a field with a default may be left out
      }),
      metadataLabels: {}, // it labels none: the dashboard humanises its keys
    });
    expect(registry.list().find((p) => p.id === 'tls')?.metadataLabels).toMatchObject({ sans: 'Names covered', fingerprint256: 'SHA-256 fingerprint', validTo: 'Valid until' });
  });

  it('loads the example plugin by its folder path', async () => {
    const registry = await loadProbes({ PINGPAGE_PLUGINS: ['./examples/smtp-probe'] }, { cwd: process.cwd() });
    expect(registry.get('smtp')?.apiVersion).toBe(1);
  });

  it.each([
    [['./nothing.mjs'], 'PINGPAGE_PLUGINS: ./nothing.mjs: exports no probe (expected a default export or an export named "probe")'],
    [['./string.mjs'], 'PINGPAGE_PLUGINS: ./string.mjs: does not export a probe object'],
    [['./api2.mjs'], 'PINGPAGE_PLUGINS: ./api2.mjs: is written for probe API version 2; this PingPage supports version 1'],
    [['./no-api.mjs'], 'PINGPAGE_PLUGINS: ./no-api.mjs: has no apiVersion (this PingPage supports probe API version 1)'],
    [['./bad-id.mjs'], 'PINGPAGE_PLUGINS: ./bad-id.mjs: id must be 1–40 lowercase letters, digits or dashes, starting with a letter'],
    [['./no-run.mjs'], 'PINGPAGE_PLUGINS: ./no-run.mjs: run must be a function'],
    [['./no-title.mjs'], 'PINGPAGE_PLUGINS: ./no-title.mjs: title is missing or not a string'],
    [['./json-schema.mjs'], 'PINGPAGE_PLUGINS: ./json-schema.mjs: configSchema must be a zod (v4) schema'],
    [['./bad-version.mjs'], 'PINGPAGE_PLUGINS: ./bad-version.mjs: version must be a semver version like 1.0.0'],
    [['./dup-http.mjs'], 'PINGPAGE_PLUGINS: ./dup-http.mjs: probe id "http" is already taken by the built-in probe http'],
    [['./good.mjs', './dup-echo.mjs'], 'PINGPAGE_PLUGINS: ./dup-echo.mjs: probe id "echo" is already taken by plugin ./good.mjs'],
    [['./missing.mjs'], expect.stringMatching(/^PINGPAGE_PLUGINS: \.\/missing\.mjs: cannot be loaded \(.*missing\.mjs/)],
    [['./throws.mjs'], 'PINGPAGE_PLUGINS: ./throws.mjs: cannot be loaded (boom at import)'],
    [['./long-label.mjs'], expect.stringMatching(/^PINGPAGE_PLUGINS: \.\/long-label\.mjs: metadataLabels\.status\b/)],
    [['./empty-label.mjs'], expect.stringMatching(/^PINGPAGE_PLUGINS: \.\/empty-label\.mjs: metadataLabels\.status\b.*must not be empty/)],
    [['pingpage-probe-not-installed'], expect.stringMatching(/^PINGPAGE_PLUGINS: pingpage-probe-not-installed: cannot be loaded \(/)],
  ])('%j refuses to start: %s', async (plugins, message) => {
    expect(await loadError(plugins)).toEqual(message);
  });

  it('knows where each plugin lives, to blame an uncaught error on the plugin whose code threw it', async () => {
    const blamed = path.join(dir, 'blamed.mjs');
    const registry = await loadProbes({ PINGPAGE_PLUGINS: [blamed, './examples/smtp-probe'] }, { cwd: process.cwd() });
    expect(registry.origin('blamed')).toEqual({ source: `plugin ${blamed}`, root: blamed });
    expect(registry.origin('smtp')).toEqual({ source: 'plugin ./examples/smtp-probe', root: path.resolve('examples/smtp-probe') + path.sep });
    expect(registry.pluginAt(`    at read (${pathToFileURL(path.resolve('examples/smtp-probe/replies.ts')).href}:9:1)`)).toBe('smtp');
    expect(registry.pluginAt(`    at exchange (${path.resolve('plugins/http/exchange.ts')}:9:1)`)).toBe('http');
    expect(registry.pluginAt(`    at Runner.run (${path.resolve('server/scheduler/runner.ts')}:9:1)`)).toBeUndefined();
    expect(registry.pluginAt(`    at Object.<anonymous> (${path.resolve('plugins/sdk.ts')}:9:1)`)).toBeUndefined();

    const fromDir = await loadProbes({ PINGPAGE_PLUGINS: ['./blamed.mjs'] }, { cwd: dir });
    let thrown: unknown;
    try {
      fromDir.get('blamed')!.targetKey!({});
    } catch (err) {
      thrown = err;
    }
    expect(blamePlugin(thrown, fromDir)).toEqual({ id: 'blamed', source: 'plugin ./blamed.mjs' });
    expect(blamePlugin(new Error('from the server itself'), fromDir)).toBeUndefined();
    expect(blamePlugin('not even an error', fromDir)).toBeUndefined();
  });

  it('loads two distinct plugins side by side', async () => {
    expect(await loadError(['./good.mjs', './good-too.mjs'])).toBe('loaded');
  });
});
