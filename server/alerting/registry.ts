/**
 * The notifiers this server sends with, keyed by id, with their JSON Schemas computed once. The
 * schema also says which config fields are secret (`writeOnly`): they are masked in every answer.
 */
import { inputJsonSchema } from '../http/json-schema.js';
import { NOTIFIER_API_VERSION, type NotifierPlugin } from './sdk.js';

export interface NotifierInfo {
  id: string;
  version: string;
  title: string;
  description: string;
  /** The config's JSON Schema as the API accepts it (input side: defaults are optional). */
  configSchema: unknown;
}

/** What answers show instead of a secret; sending it back in a PATCH keeps the stored value. */
export const MASK = '********';

/** Where the secrets are in a config: an object path, `*` standing for every key of a record. */
type SecretPath = string[];

interface JsonSchema {
  writeOnly?: boolean;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
}

function secretPaths(schema: JsonSchema, at: string[] = []): SecretPath[] {
  if (schema.writeOnly) return [at];
  const out: SecretPath[] = [];
  for (const [key, sub] of Object.entries(schema.properties ?? {})) out.push(...secretPaths(sub, [...at, key]));
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    out.push(...secretPaths(schema.additionalProperties, [...at, '*']));
  }
  for (const sub of schema.anyOf ?? []) out.push(...secretPaths(sub, at));
  return out;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Applies `f` to each value at `path` that is present. */
function visit(obj: Json, path: SecretPath, f: (holder: Json, key: string) => void): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const keys = head === '*' ? Object.keys(obj) : [head];
  for (const key of keys) {
    if (!(key in obj)) continue;
    if (rest.length === 0) f(obj, key);
    else if (isObject(obj[key])) visit(obj[key] as Json, rest, f);
  }
}

export class NotifierRegistry {
  readonly #plugins = new Map<string, NotifierPlugin>();
  readonly #secrets = new Map<string, SecretPath[]>();
  readonly #info: NotifierInfo[] = [];

  constructor(plugins: Iterable<NotifierPlugin>) {
    for (const p of plugins) {
      if (p.apiVersion !== NOTIFIER_API_VERSION) throw new Error(`Notifier ${p.id}: unknown apiVersion ${String(p.apiVersion)}`);
      const configSchema = inputJsonSchema(p.configSchema) as JsonSchema;
      this.#plugins.set(p.id, p);
      this.#secrets.set(p.id, secretPaths(configSchema));
      this.#info.push({ id: p.id, version: p.version, title: p.title, description: p.description, configSchema });
    }
  }

  get(id: string): NotifierPlugin | undefined {
    return this.#plugins.get(id);
  }

  ids(): string[] {
    return [...this.#plugins.keys()];
  }

  /** What GET /notifiers answers. */
  list(): readonly NotifierInfo[] {
    return this.#info;
  }

  /** A copy of `config` with every secret that is set replaced by MASK. */
  mask(id: string, config: Json): Json {
    const copy = structuredClone(config);
    for (const path of this.#secrets.get(id) ?? []) visit(copy, path, (holder, key) => (holder[key] = MASK));
    return copy;
  }

  /**
   * A config edit against the stored one: a secret sent back as MASK, or left out, keeps its
   * stored value (the client never had it). A record of secrets (headers) is replaced key by
   * key: a key left out is removed, a key sent as MASK keeps its value.
   */
  keepSecrets(id: string, incoming: Json, stored: Json): Json {
    const merged = structuredClone(incoming);
    for (const path of this.#secrets.get(id) ?? []) {
      const star = path.indexOf('*');
      if (star === -1) {
        const value = get(merged, path);
        if (value === undefined || value === MASK) {
          const old = get(stored, path);
          if (old !== undefined) set(merged, path, old);
        }
      } else {
        const parent = path.slice(0, star);
        const record = get(merged, parent);
        const oldRecord = get(stored, parent);
        if (!isObject(record) || !isObject(oldRecord)) continue;
        for (const [k, v] of Object.entries(record)) if (v === MASK && k in oldRecord) record[k] = oldRecord[k];
      }
    }
    return merged;
  }
}

function get(obj: Json, path: string[]): unknown {
  let cur: unknown = obj;
  for (const k of path) cur = isObject(cur) ? cur[k] : undefined;
  return cur;
}

function set(obj: Json, path: string[], value: unknown): void {
  let cur = obj;
  for (const k of path.slice(0, -1)) {
    if (!isObject(cur[k])) cur[k] = {};
    cur = cur[k] as Json;
  }
  cur[path[path.length - 1]!] = value;
}
