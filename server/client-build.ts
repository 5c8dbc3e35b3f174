import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
export const clientDir = path.join(root, 'client');
export const clientDist = path.join(clientDir, 'dist');

/** What a build reads and where it writes: the dashboard's, or a small project's in tests. */
export interface ClientBuild {
  /** The directory paths in the inputs list are relative to (the repository). */
  root: string;
  /** The Vite config; its directory (sources, public files, tsconfig) is hashed whole. */
  configFile: string;
  outDir: string;
}

export const dashboardBuild: ClientBuild = { root, configFile: path.join(clientDir, 'vite.config.ts'), outDir: clientDist };

/**
 * Written next to the build: the hash of its inputs and the files it was made from (repository
 * relative, so the build served publicly names no directory of the machine).
 */
const INPUTS_FILE = '.build-inputs.json';

interface BuildInputs {
  hash: string;
  files: string[];
}

/** Every file under `dir`, leaving out directories named in `skip`. */
function* files(dir: string, skip: ReadonlySet<string> = new Set()): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full, skip);
    else yield full;
  }
}

const NOT_SOURCES = new Set(['dist', 'node_modules']);

/**
 * The files every build depends on besides its module graph: the config's directory (sources,
 * index.html, public files, tsconfig), the lockfile (what node_modules holds, so no module there
 * is hashed one by one) and this file (how the build is made, e.g. precompressed).
 */
function fixedInputs(b: ClientBuild): string[] {
  const outside = path.relative(path.dirname(b.configFile), b.outDir).split(path.sep)[0]!;
  return [...files(path.dirname(b.configFile), new Set([...NOT_SOURCES, outside])), path.join(b.root, 'package-lock.json'), import.meta.filename];
}

/** A hash of the named files (repository relative), a missing one counting as changed. */
function hashOf(b: ClientBuild, rel: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of [...new Set(rel)].sort()) {
    let content: Buffer | string;
    try {
      content = readFileSync(path.join(b.root, file));
    } catch {
      content = '\0missing';
    }
    hash.update(file).update('\0').update(content).update('\0');
  }
  return hash.digest('hex');
}

/**
 * A Vite plugin that collects the module graph of the build: every file of the repository the
 * bundle was made from (the contracts/ modules the client imports included), without query suffixes
 * (`?svelte&type=style`), virtual modules or node_modules.
 */
function moduleGraph(b: ClientBuild, into: Set<string>): Plugin {
  return {
    name: 'pingpage:module-graph',
    apply: 'build',
    generateBundle() {
      for (const id of this.getModuleIds()) {
        if (id.startsWith('\0')) continue;
        const file = id.split('?')[0]!;
        const rel = path.relative(b.root, file);
        if (!path.isAbsolute(file) || rel.startsWith('..') || rel.split(path.sep).includes('node_modules')) continue;
        into.add(rel);
      }
    },
  };
}

function readInputs(b: ClientBuild): BuildInputs | undefined {
  try {
    const inputs = JSON.parse(readFileSync(path.join(b.outDir, INPUTS_FILE), 'utf8')) as BuildInputs;
    return typeof inputs.hash === 'string' && Array.isArray(inputs.files) ? inputs : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the build must be made again: it was never made, its inputs list is missing (a build
 * from before the list existed), or any file it was made from changed, appeared or went away.
 */
export function buildIsStale(b: ClientBuild = dashboardBuild): boolean {
  const last = readInputs(b);
  if (!last) return true;
  const rel = [...last.files, ...fixedInputs(b).map((f) => path.relative(b.root, f))];
  return hashOf(b, rel) !== last.hash;
}

/**
 * The hashed file name Vite gave the status page's script (from its manifest), so it can be
 * cached for a year like every other asset.
 */
export function statusScriptUrl(dist: string | undefined): string | undefined {
  if (!dist) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string }>;
    const entry = manifest['src/status/main.ts'];
    return entry ? '/' + entry.file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds the client with Vite when it was never built or anything it was made from changed,
 * then records the module graph it was made from next to it (see buildIsStale).
 */
export async function ensureClientBuilt(log: (msg: string) => void, b: ClientBuild = dashboardBuild): Promise<void> {
  if (!buildIsStale(b)) return;
  log('building the dashboard (a file it is made from changed, or it was never built)…');
  const started = Date.now();
  const { build } = await import('vite');
  const graph = new Set<string>();
  await build({ configFile: b.configFile, logLevel: 'warn', build: { outDir: b.outDir }, plugins: [moduleGraph(b, graph)] });
  precompress(b.outDir);
  const rel = [...graph].sort();
  const inputs: BuildInputs = { hash: hashOf(b, [...rel, ...fixedInputs(b).map((f) => path.relative(b.root, f))]), files: rel };
  writeFileSync(path.join(b.outDir, INPUTS_FILE), JSON.stringify(inputs, null, 1) + '\n');
  log(`dashboard built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Worth compressing: text the dashboard loads (source maps only reach developers' tools). */
const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

/**
 * Writes `.br` (quality 11) and `.gz` (level 9) next to every text file of the build, once, so
 * the server sends the dashboard compressed without spending CPU per request (http/static.ts).
 */
export function precompress(dist: string): void {
  for (const file of files(dist)) {
    if (!COMPRESSIBLE.test(file) || statSync(file).size < 1024) continue;
    const body = readFileSync(file);
    writeFileSync(file + '.br', brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
    writeFileSync(file + '.gz', gzipSync(body, { level: 9 }));
  }
}
