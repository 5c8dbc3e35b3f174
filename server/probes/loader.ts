/**
 * Builds the probe registry at start: the built-in map plus the external plugins named in
 * PINGPAGE_PLUGINS (npm package names, or paths relative to the working directory). A plugin
 * that cannot be used stops the start with one line naming it; nothing is installed here.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { builtinProbes } from '../../plugins/index.js';
import { PROBE_API_VERSION, type ProbePlugin } from '../../plugins/sdk.js';
import type { Config } from '../config.js';
import { StartupError } from '../errors.js';
import { inputJsonSchema } from '../http/json-schema.js';
import { ProbeRegistry, type ProbeOrigin } from './registry.js';

/** The built-in probes' folders: plugins/<key>/. */
const BUILTINS_DIR = fileURLToPath(new URL('../../plugins/', import.meta.url));

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');
/** Zod 4 schemas carry `_zod`; instanceof would miss a plugin bundling its own copy of zod. */
const zodSchema = z.custom<z.ZodType>(
  (v) => typeof v === 'object' && v !== null && '_zod' in v && typeof (v as { safeParse?: unknown }).safeParse === 'function',
  'must be a zod (v4) schema',
);

const shape = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be 1–40 lowercase letters, digits or dashes, starting with a letter'),
  version: z.string().regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, 'must be a semver version like 1.0.0'),
  title: z.string().trim().min(1, 'must not be empty').max(100),
  description: z.string().trim().min(1, 'must not be empty').max(1000),
  configSchema: zodSchema,
  metadataLabels: z.record(z.string(), z.string().trim().min(1, 'must not be empty').max(100)).optional(),
  targetKey: fn.optional(),
  targets: fn.optional(),
  upgradeConfig: fn.optional(),
  run: fn,
});

/** Checks that `candidate` is a usable probe; `source` names it in the error. */
export function validateProbe(candidate: unknown, source: string): ProbePlugin {
  const fail = (problem: string) => new StartupError(`PINGPAGE_PLUGINS: ${source}: ${problem}`);
  if (typeof candidate !== 'object' || candidate === null) throw fail('does not export a probe object');
  const apiVersion = (candidate as { apiVersion?: unknown }).apiVersion;
  if (apiVersion !== PROBE_API_VERSION) {
    throw fail(
      apiVersion === undefined
        ? `has no apiVersion (this PingPage supports probe API version ${PROBE_API_VERSION})`
        : `is written for probe API version ${JSON.stringify(apiVersion)}; this PingPage supports version ${PROBE_API_VERSION}`,
    );
  }
  const parsed = shape.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fail(`${issue.path.join('.') || 'probe'} ${issue.code === 'invalid_type' ? `is missing or not a ${issue.expected}` : issue.message}`);
  }
  const plugin = candidate as ProbePlugin;
  try {
    inputJsonSchema(plugin.configSchema);
  } catch (err) {
    throw fail(`configSchema cannot be shown as JSON Schema (${(err as Error).message})`);
  }
  return plugin;
}

/** What to import() for a configured name: a file URL for paths, the bare name for packages. */
function specifierOf(name: string, cwd: string): string {
  if (!name.startsWith('.') && !path.isAbsolute(name)) return name;
  let file = path.resolve(cwd, name);
  if (existsSync(file) && statSync(file).isDirectory()) {
    const pkgFile = path.join(file, 'package.json');
    const pkg = existsSync(pkgFile) ? (JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: unknown; main?: string }) : {};
    const dot = typeof pkg.exports === 'object' && pkg.exports !== null ? (pkg.exports as Record<string, unknown>)['.'] : pkg.exports;
    const entry = typeof dot === 'string' ? dot : (dot as { import?: string; default?: string } | undefined)?.import ?? (dot as { default?: string } | undefined)?.default;
    file = path.join(file, entry ?? pkg.main ?? 'index.js');
  }
  return pathToFileURL(file).href;
}

/** A configured plugin's own files: the directory or file a path names, or an npm package's directory. */
function rootOf(name: string, cwd: string): string | undefined {
  if (name.startsWith('.') || path.isAbsolute(name)) {
    const full = path.resolve(cwd, name);
    return existsSync(full) && statSync(full).isDirectory() ? full + path.sep : full;
  }
  try {
    const file = fileURLToPath(import.meta.resolve(name));
    const marker = path.join('node_modules', name) + path.sep;
    const at = file.lastIndexOf(marker);
    return at >= 0 ? file.slice(0, at + marker.length) : file;
  } catch {
    return undefined; // only blame by stack frames is lost
  }
}

async function importPlugin(name: string, cwd: string): Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifierOf(name, cwd))) as Record<string, unknown>;
  } catch (err) {
    throw new StartupError(`PINGPAGE_PLUGINS: ${name}: cannot be loaded (${(err as Error).message.split('\n')[0]})`);
  }
  const candidate = mod.default ?? mod.probe;
  if (candidate === undefined) throw new StartupError(`PINGPAGE_PLUGINS: ${name}: exports no probe (expected a default export or an export named "probe")`);
  return candidate;
}

/** The registry for this server: built-ins first, then each configured plugin in order. */
export async function loadProbes(
  config: Pick<Config, 'PINGPAGE_PLUGINS'>,
  opts: { cwd?: string; builtins?: Record<string, ProbePlugin> } = {},
): Promise<ProbeRegistry> {
  const cwd = opts.cwd ?? process.cwd();
  const plugins = new Map<string, { plugin: ProbePlugin } & ProbeOrigin>();
  for (const [key, plugin] of Object.entries(opts.builtins ?? (builtinProbes as Record<string, ProbePlugin>))) {
    const root = opts.builtins ? undefined : path.join(BUILTINS_DIR, key) + path.sep;
    plugins.set(plugin.id, { plugin: validateProbe(plugin, `built-in probe ${key}`), source: `the built-in probe ${key}`, root });
  }
  for (const name of config.PINGPAGE_PLUGINS) {
    const plugin = validateProbe(await importPlugin(name, cwd), name);
    const taken = plugins.get(plugin.id);
    if (taken) throw new StartupError(`PINGPAGE_PLUGINS: ${name}: probe id "${plugin.id}" is already taken by ${taken.source}`);
    plugins.set(plugin.id, { plugin, source: `plugin ${name}`, root: rootOf(name, cwd) });
  }
  const origins = new Map([...plugins].map(([id, { source, root }]) => [id, { source, root }]));
  return new ProbeRegistry([...plugins.values()].map((p) => p.plugin), origins);
}
