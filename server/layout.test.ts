/**
 * The import direction of server/ (issue 14, server/README.md): every static import of every
 * source file (tests and server/testing/ aside) is resolved against its file's folder and read as
 * an edge between top-level folders of server/. The layout holds when:
 * - no folder reaches itself again through others (no cycle, however long);
 * - http/ (the toolkit) imports no other folder of server/, nor a top-level file that imports a domain;
 * - main.ts enters each domain through its index.ts only (http/ and db/ are toolkits: any file).
 * And main.ts is the only wiring: no other file of the repository (tests, test helpers, benches,
 * browser tests included) builds more than one domain by hand; they start the app through
 * startPingPage / startTestApp. A test of one domain may build that domain (and mount it in
 * createApp, the toolkit).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const server = import.meta.dirname;
const repo = path.resolve(server, '..');
/** Folders main.ts may enter by any file: the route toolkit and the database plumbing. */
const TOOLKITS = new Set(['http', 'db']);

/** The module specifiers of a file's static imports and re-exports (`import()` is not followed). */
export function staticImports(source: string): string[] {
  const found: string[] = [];
  for (const re of [/^(?:import|export)\s[^;]*?\sfrom\s*(['"])([^'"]+)\1/gm, /^import\s*(['"])([^'"]+)\1/gm]) {
    for (const m of source.matchAll(re)) found.push(m[2]!);
  }
  return found;
}

/** A file of server/ (path relative to server/, '/'-separated): its top-level folder, or '.' for a top-level file. */
const folderOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '.');

export interface Edge {
  from: string;
  to: string;
  /** The importing file and the file it names, relative to server/ and without extension. */
  file: string;
  target: string;
}

/** The imports between server/ files, resolved; those leaving server/ (contracts/, plugins/, packages) are dropped. */
export function edges(files: Record<string, string>): Edge[] {
  const out: Edge[] = [];
  for (const [file, source] of Object.entries(files)) {
    for (const spec of staticImports(source)) {
      if (!spec.startsWith('.')) continue;
      const target = path.posix.join(path.posix.dirname(file), spec).replace(/\.(js|ts)$/, '');
      if (target.startsWith('..')) continue;
      out.push({ from: folderOf(file), to: folderOf(target), file: file.replace(/\.ts$/, ''), target });
    }
  }
  return out.filter((e) => e.to !== 'testing');
}

/** Every way a folder comes back to itself, as "a → b → a" with the file of each step. */
export function cycles(all: Edge[]): string[] {
  const between = all.filter((e) => e.from !== e.to && e.from !== '.' && e.to !== '.');
  const next = new Map<string, Map<string, Edge>>();
  for (const e of between) {
    if (!next.has(e.from)) next.set(e.from, new Map());
    if (!next.get(e.from)!.has(e.to)) next.get(e.from)!.set(e.to, e);
  }
  const found = new Set<string>();
  const walk = (start: string, at: string, trail: Edge[]) => {
    for (const [to, e] of next.get(at) ?? []) {
      if (to === start) {
        const loop = [...trail, e];
        // Each loop once, from its alphabetically first folder.
        if (loop.every((l) => l.from >= start)) found.add(loop.map((l) => `${l.from} → ${l.to} (${l.file} imports ${l.target})`).join('; '));
      } else if (to > start && !trail.some((t) => t.from === to)) walk(start, to, [...trail, e]);
    }
  };
  for (const folder of next.keys()) walk(folder, folder, []);
  return [...found];
}

/** The imports that break the toolkit and entry-point rules. */
export function crossings(all: Edge[]): string[] {
  const bad: string[] = [];
  const rootReaches = new Map<string, string[]>();
  for (const e of all) if (e.from === '.' && e.to !== '.' && !TOOLKITS.has(e.to)) rootReaches.set(e.file, [...(rootReaches.get(e.file) ?? []), e.to]);
  for (const e of all) {
    if (e.from === 'http' && e.to !== 'http') {
      if (e.to !== '.') bad.push(`${e.file} imports ${e.target}: http/ is the toolkit and imports no other folder`);
      else if (rootReaches.has(e.target)) bad.push(`${e.file} imports ${e.target}, which imports ${rootReaches.get(e.target)!.join(', ')}/: http/ is the toolkit`);
    }
    if (e.file === 'main' && e.to !== '.' && !TOOLKITS.has(e.to) && e.target !== `${e.to}/index`) {
      bad.push(`main imports ${e.target}: main.ts enters ${e.to}/ through ${e.to}/index.ts only`);
    }
  }
  return bad;
}

/** The functions that build a domain, by domain: calling those of two domains is wiring an app. */
const WIRING: Record<string, string[]> = {
  accounts: ['createAuth', 'orgGuard'],
  monitoring: ['createMonitoring'],
  'status pages': ['createStatusPages'],
  alerting: ['createAlerting', 'connectAlerting'],
  realtime: ['createRealtime'],
};

/** Files (path → source) that call the builders of more than one domain, with those domains. */
export function wiringOutsideMain(files: Record<string, string>): string[] {
  const bad: string[] = [];
  for (const [file, source] of Object.entries(files)) {
    if (file === 'server/main.ts') continue;
    // Calls only: `function createAuth(` defines, `x.createAuth(` is someone else's (a mock's original).
    const code = source.replace(/\bfunction\s+\w+\s*\(/g, '').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    const domains = Object.entries(WIRING)
      .filter(([, fns]) => fns.some((fn) => new RegExp(`(?<![\\w.])${fn}\\s*\\(`).test(code)))
      .map(([domain]) => domain);
    if (domains.length > 1) bad.push(`${file} builds ${domains.join(' + ')}: start the app through startPingPage (server/main.ts) or startTestApp (server/testing/app.ts)`);
  }
  return bad;
}

/** Every .ts file of the repository's code (server/, e2e/, bench/, plugins/, examples/, migrations/), by path relative to the repository. */
function repoSources(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const dir of ['server', 'e2e', 'bench', 'plugins', 'examples', 'migrations']) {
    for (const e of readdirSync(path.join(repo, dir), { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !e.name.endsWith('.ts')) continue;
      const rel = path.relative(repo, path.join(e.parentPath, e.name)).split(path.sep).join('/');
      // This file names the builders in its own examples.
      if (rel.includes('node_modules/') || rel === 'server/layout.test.ts') continue;
      files[rel] = readFileSync(path.join(repo, rel), 'utf8');
    }
  }
  return files;
}

/** server/'s source files, tests and server/testing/ aside, by path relative to server/. */
function serverSources(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const e of readdirSync(server, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts') || e.name.endsWith('.test.ts')) continue;
    const rel = path.relative(server, path.join(e.parentPath, e.name)).split(path.sep).join('/');
    if (rel.startsWith('testing/')) continue;
    files[rel] = readFileSync(path.join(server, rel), 'utf8');
  }
  return files;
}

describe('server/ layout', () => {
  it('reads imports and finds each kind of breach', () => {
    expect(staticImports(`import a from './a.js';\nimport type { B } from "../b/c.js";\nexport { d } from './d.js';\nimport {\n  e,\n  f,\n} from './e.js';\nimport './g.js';\nconst h = await import('./h.js');\n// taken from './i.js'`)).toEqual([
      './a.js',
      '../b/c.js',
      './d.js',
      './e.js',
      './g.js',
    ]);
    const loop = edges({
      'auth/index.ts': `import { orgRoutes } from '../orgs/routes.js';`,
      'orgs/routes.ts': `import { audit } from '../auth/audit.js';\nimport { h } from '../testing/app.js';`,
    });
    expect(loop.map((e) => `${e.from}>${e.to}`)).toEqual(['auth>orgs', 'orgs>auth']);
    expect(cycles(loop)).toEqual(['auth → orgs (auth/index imports orgs/routes); orgs → auth (orgs/routes imports auth/audit)']);
    const long = edges({ 'a/x.ts': `import '../b/y.js';`, 'b/y.ts': `import '../c/z.js';`, 'c/z.ts': `import '../a/x.js';` });
    expect(cycles(long)).toHaveLength(1);
    expect(cycles(edges({ 'a/x.ts': `import '../b/y.js';`, 'b/y.ts': `import '../config.js';`, 'c/z.ts': `import '../a/x.js';` }))).toEqual([]);
    expect(crossings(edges({ 'http/app.ts': `import { isInstanceAdmin } from '../auth/admins.js';` }))).toHaveLength(1);
    expect(crossings(edges({ 'http/app.ts': `import { m } from '../metrics.js';`, 'metrics.ts': `import { a } from './auth/admins.js';` }))).toHaveLength(1);
    expect(crossings(edges({ 'http/app.ts': `import type { Config } from '../config.js';\nimport { parse } from './body.js';`, 'config.ts': `import { p } from './http/proxy.js';` }))).toEqual([]);
    expect(crossings(edges({ 'main.ts': `import { ensureSelfMonitor } from './monitors/self.js';` }))).toHaveLength(1);
    expect(crossings(edges({ 'main.ts': `import { createMonitoring } from './monitors/index.js';\nimport { openOrm } from './db/orm.js';\nimport { createApp } from './http/app.js';` }))).toEqual([]);
  });

  it('imports one way: no folder of server/ reaches itself again', () => {
    const all = edges(serverSources());
    expect(all.some((e) => e.from === 'orgs' && e.to === 'auth')).toBe(true);
    expect(cycles(all)).toEqual([]);
  });

  it('keeps http/ a toolkit and main.ts to each domain’s index.ts', () => {
    const all = edges(serverSources());
    expect(all.filter((e) => e.file === 'main').length).toBeGreaterThan(10);
    expect(crossings(all)).toEqual([]);
  });
});

describe('one composition root', () => {
  it('tells wiring from a test of one domain', () => {
    const twoDomains = `const auth = createAuth({ config, orm });\nconst sp = createStatusPages({ config, requireOrg: auth.requireOrg });`;
    expect(wiringOutsideMain({ 'e2e/page.test.ts': twoDomains })).toEqual([
      'e2e/page.test.ts builds accounts + status pages: start the app through startPingPage (server/main.ts) or startTestApp (server/testing/app.ts)',
    ]);
    expect(wiringOutsideMain({ 'server/main.ts': twoDomains })).toEqual([]);
    // A real org guard built by hand is the accounts domain too.
    expect(wiringOutsideMain({ 'server/x/testing.ts': `const guard = orgGuard({ membership });\ncreateMonitoring({ requireOrg: guard });` })).toHaveLength(1);
    // One domain, mounted in the toolkit's app: a unit test of that domain.
    expect(wiringOutsideMain({ 'server/monitors/routes.test.ts': `monitoring = createMonitoring({ config });\nconst app = createApp({ api: monitoring.routers });` })).toEqual([]);
    // Defining a builder, a mock calling the original, and comments are no calls.
    expect(wiringOutsideMain({ 'server/orgs/index.ts': `export function createAuth(deps) {\n  // like createMonitoring(…)\n  return { requireOrg: orgGuard({}) };\n}` })).toEqual([]);
    expect(wiringOutsideMain({ 'server/openapi.test.ts': `createApp: (opts) => real.createApp(opts), x: real.createAuth(o), y: createStatusPages(d)` })).toEqual([]);
  });

  it('main.ts is the only file that builds more than one domain', () => {
    const files = repoSources();
    expect(Object.keys(files)).toContain('e2e/statuspage.test.ts');
    expect(wiringOutsideMain(files)).toEqual([]);
  });
});
