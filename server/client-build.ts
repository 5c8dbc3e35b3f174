import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
export const clientDir = path.join(root, 'client');
export const clientDist = path.join(clientDir, 'dist');
const stampFile = path.join(clientDist, '.source-hash');

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else yield full;
  }
}

/** A hash of everything the client build reads: its sources, the shared event types and the lockfile. */
export function clientSourceHash(): string {
  const hash = createHash('sha256');
  // The client imports a few server modules (types, the status page's Markdown and formatting).
  const shared = [path.join(root, 'server/realtime/events.ts'), ...files(path.join(root, 'server/statuspages'))];
  const inputs = [...files(clientDir), ...shared, path.join(root, 'package-lock.json')];
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
  writeFileSync(stampFile, wanted + '\n');
  log(`dashboard built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
