import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');
export const clientDir = path.join(root, 'client');
export const clientDist = path.join(clientDir, 'dist');
const stampFile = path.join(clientDist, '.source-hash');

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

/** A hash of everything the client build reads: its sources, the shared event types and the lockfile. */
export function clientSourceHash(): string {
  const hash = createHash('sha256');
  // The client imports a few server modules (types, the status page's Markdown and formatting).
  // And this file: how the build is made (precompress) is part of what it yields.
  const shared = [path.join(root, 'server/realtime/events.ts'), path.join(root, 'server/results/uptime.ts'), ...files(path.join(root, 'server/statuspages'), NOT_SOURCES), import.meta.filename];
  const inputs = [...files(clientDir, NOT_SOURCES), ...shared, path.join(root, 'package-lock.json')];
  for (const file of inputs.sort()) {
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch {
      continue;
    }
    hash.update(path.relative(root, file)).update('\0').update(content).update('\0');
  }
  return hash.digest('hex');
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

function builtHash(): string | undefined {
  try {
    return readFileSync(stampFile, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Builds the client with Vite when client/dist is missing or older than its sources. */
export async function ensureClientBuilt(log: (msg: string) => void): Promise<void> {
  const wanted = clientSourceHash();
  if (builtHash() === wanted) return;
  log('building the dashboard (client/ changed or was never built)…');
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(clientDir, 'vite.config.ts'), logLevel: 'warn' });
  precompress(clientDist);
  writeFileSync(stampFile, wanted + '\n');
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
