/**
 * When the dashboard is rebuilt: whenever a file its bundle was made from changes (Vite's module
 * graph of the last build), server modules the client imports included; never for a file it does
 * not import. Real Vite builds: a small project in a temp directory, and the dashboard itself.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIsStale, dashboardBuild, ensureClientBuilt, type ClientBuild } from './client-build.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A repository in miniature: client/ (Vite config, page, script) importing one of two server modules. */
function project(): ClientBuild {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pp-client-build-'));
  dirs.push(root);
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  write('package-lock.json', '{"lockfileVersion":3}\n');
  write('client/vite.config.mjs', 'export default { root: import.meta.dirname, logLevel: "warn", build: { emptyOutDir: true } };\n');
  write('client/index.html', '<!doctype html><title>t</title><script type="module" src="./main.ts"></script>\n');
  write('client/main.ts', "import { word } from '../server/words.ts';\ndocument.title = word;\n");
  write('server/words.ts', "export const word = 'first-word';\n");
  write('server/unrelated.ts', "export const other = 'not in the bundle';\n");
  return { root, configFile: path.join(root, 'client/vite.config.mjs'), outDir: path.join(root, 'client/dist') };
}

/** The text of every script the build wrote. */
function bundled(b: ClientBuild): string {
  const assets = path.join(b.outDir, 'assets');
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(path.join(assets, f), 'utf8'))
    .join('\n');
}

async function build(b: ClientBuild): Promise<string[]> {
  const logged: string[] = [];
  await ensureClientBuilt((m) => logged.push(m), b);
  return logged;
}

describe('client build', () => {
  it('rebuilds after an edit to a server module the client imports, not after one to a module it does not', async () => {
    const b = project();
    expect(buildIsStale(b)).toBe(true);
    expect(await build(b)).toHaveLength(2); // building…, built in …
    expect(bundled(b)).toContain('first-word');
    expect(buildIsStale(b)).toBe(false);
    expect(await build(b)).toEqual([]);

    writeFileSync(path.join(b.root, 'server/unrelated.ts'), "export const other = 'changed';\n");
    expect(buildIsStale(b)).toBe(false);

    writeFileSync(path.join(b.root, 'server/words.ts'), "export const word = 'second-word';\n");
    expect(buildIsStale(b)).toBe(true);
    expect(await build(b)).toHaveLength(2);
    expect(bundled(b)).toContain('second-word');
    expect(buildIsStale(b)).toBe(false);
  });

  it('rebuilds after a change to the Vite config or the lockfile, or when the list of inputs is missing', async () => {
    const b = project();
    await build(b);
    const lock = path.join(b.root, 'package-lock.json');
    writeFileSync(lock, '{"lockfileVersion":3,"packages":{}}\n');
    expect(buildIsStale(b)).toBe(true);
    await build(b);

    writeFileSync(b.configFile, readFileSync(b.configFile, 'utf8') + '// a comment\n');
    expect(buildIsStale(b)).toBe(true);
    await build(b);

    expect(buildIsStale(b)).toBe(false);
    rmSync(path.join(b.outDir, '.build-inputs.json'));
    expect(buildIsStale(b)).toBe(true);
  });

  it('records the contracts modules the dashboard imports, and no path outside the repository', async () => {
    // The real dashboard, built into a directory of its own: client/dist, which browser tests serve, is left alone.
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'pp-dashboard-build-'));
    dirs.push(outDir);
    const b = { ...dashboardBuild, outDir };
    await ensureClientBuilt(() => {}, b);
    const inputs = JSON.parse(readFileSync(path.join(outDir, '.build-inputs.json'), 'utf8')) as { files: string[] };
    // Not in the hand-kept list the hash used to cover: an edit to it left the old build served.
    expect(inputs.files).toContain('contracts/template-fields.ts');
    expect(inputs.files).toContain('contracts/uptime.ts');
    expect(inputs.files).toContain('client/src/main.ts');
    expect(inputs.files.filter((f) => path.isAbsolute(f) || f.startsWith('..') || f.includes('node_modules') || f.includes('?'))).toEqual([]);
    expect(buildIsStale(b)).toBe(false);
  });
});
