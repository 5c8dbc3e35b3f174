/**
 * The secrets of a plugin's config (probes and notifiers alike), found in its JSON Schema: a
 * field marked `writeOnly` (plugins/sdk.ts `secret()`), or the password in a URL's user-info
 * (`secretUrlPassword()`, JSON Schema `"x-secret": "url-password"`). Answers show MASK in their
 * place; an edit that sends MASK back keeps the stored value, but only while the config still
 * sends to the same place: a secret never follows a changed host to someone who never saw it.
 */
import { MASK } from '../../contracts/secrets.js';

type Json = Record<string, unknown>;

interface SchemaNode {
  writeOnly?: boolean;
  'x-secret'?: string;
  const?: unknown;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

/** A key, every key of a record, or a union option told apart by a constant (`[key, value]`). */
type Step = string | { each: true } | { is: [string, unknown] };

interface SecretField {
  steps: Step[];
  /** value: the whole value is secret; url-password: only the password of the URL's user-info. */
  kind: 'value' | 'url-password';
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fieldsOf(schema: SchemaNode, at: Step[] = []): SecretField[] {
  if (schema.writeOnly) return [{ steps: at, kind: 'value' }];
  if (schema['x-secret'] === 'url-password') return [{ steps: at, kind: 'url-password' }];
  const out: SecretField[] = [];
  for (const [key, sub] of Object.entries(schema.properties ?? {})) out.push(...fieldsOf(sub, [...at, key]));
  if (isObject(schema.additionalProperties)) out.push(...fieldsOf(schema.additionalProperties, [...at, { each: true }]));
  for (const option of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    // An option with a constant property (a discriminated union) only holds its secrets when that constant matches.
    const tag = Object.entries(option.properties ?? {}).find(([, p]) => p.const !== undefined);
    out.push(...fieldsOf(option, tag ? [...at, { is: [tag[0], tag[1].const] }] : at));
  }
  return out;
}

interface Slot {
  holder: Json;
  key: string;
  /** The concrete path, keys only. */
  path: string[];
}

/** Every place `steps` names in `value`; the last key may be absent from its holder, but not for records. */
function slots(value: unknown, steps: Step[], path: string[] = []): Slot[] {
  if (!isObject(value)) return [];
  const [step, ...rest] = steps;
  if (step === undefined) return [];
  if (typeof step === 'object' && 'is' in step) return value[step.is[0]] === step.is[1] ? slots(value, rest, path) : [];
  const keys = typeof step === 'object' ? Object.keys(value) : [step];
  return keys.flatMap((key) =>
    rest.length === 0 ? [{ holder: value, key, path: [...path, key] }] : key in value ? slots(value[key], rest, [...path, key]) : [],
  );
}

function at(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const k of path) cur = isObject(cur) ? cur[k] : undefined;
  return cur;
}

/** The password of a URL's user-info ('' when none or not a URL), and the URL with another one. */
function urlPassword(url: unknown): string {
  try {
    return typeof url === 'string' ? new URL(url).password : '';
  } catch {
    return '';
  }
}
function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.href;
}

/** The result of an edit: the config to judge, and which secrets could not be kept. */
export interface SecretEdit {
  config: Json;
  /** Dotted paths sent as MASK that hold nothing to keep, or whose destination changed. */
  refused: string[];
  /** Dotted paths left out that were kept before, dropped because the destination changed. */
  cleared: string[];
}

/**
 * Where a config's secrets go, to tell whether an edit changed it: URLs as their origin
 * (scheme, host, port), anything else as lowercase `host` or `host:port`.
 */
export function destinationKey(target: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    try {
      const u = new URL(target);
      return `${u.protocol}//${u.host}`.toLowerCase();
    } catch {
      return target.toLowerCase();
    }
  }
  return target.toLowerCase().replace(/\.$/, '');
}

/** Both lists name the same places; a list that could not be computed (undefined) never matches. */
function sameDestinations(a: string[] | undefined, b: string[] | undefined): boolean {
  const key = (list: string[]) => [...new Set(list.map(destinationKey))].sort().join('\n');
  return a !== undefined && b !== undefined && key(a) === key(b);
}

export class SecretFields {
  readonly #fields: SecretField[];

  /** `jsonSchema`: the config's input-side JSON Schema (as GET /probes and /notifiers answer it). */
  constructor(jsonSchema: unknown) {
    this.#fields = isObject(jsonSchema) ? fieldsOf(jsonSchema as SchemaNode) : [];
  }

  /** A copy of `config` with every secret that is set replaced by MASK. */
  mask(config: Json): Json {
    const copy = structuredClone(config);
    for (const f of this.#fields) {
      for (const s of slots(copy, f.steps)) {
        if (!(s.key in s.holder)) continue;
        if (f.kind === 'value') s.holder[s.key] = MASK;
        else if (urlPassword(s.holder[s.key])) s.holder[s.key] = withPassword(s.holder[s.key] as string, MASK);
      }
    }
    return copy;
  }

  /**
   * `incoming` against the stored config (undefined on create). A secret sent back as MASK, or
   * left out, keeps its stored value; a record of secrets (headers) is replaced key by key: a key
   * left out is gone, a key sent as MASK keeps its value. When `destinations` of the result differ
   * from the stored config's, nothing is kept: MASK is refused and what was left out is cleared.
   */
  edit(incoming: Json, stored: Json | undefined, destinations: (config: Json) => string[] = () => []): SecretEdit {
    const config = structuredClone(incoming);
    const refused: string[] = [];
    const kept: Array<{ path: string; omitted: boolean; undo: () => void }> = [];
    for (const f of this.#fields) {
      const record = f.steps.length > 0 && typeof f.steps[f.steps.length - 1] === 'object';
      for (const { holder, key, path } of slots(config, f.steps)) {
        const value = holder[key];
        const old = stored === undefined ? undefined : at(stored, path);
        const dotted = path.join('.');
        if (f.kind === 'url-password') {
          if (urlPassword(value) !== MASK) continue;
          const oldPassword = urlPassword(old);
          if (!oldPassword) refused.push(dotted);
          else {
            holder[key] = withPassword(value as string, oldPassword);
            kept.push({ path: dotted, omitted: false, undo: () => (holder[key] = value) });
          }
        } else if (value === MASK || (value === undefined && !record)) {
          if (old === undefined) {
            if (value === MASK) refused.push(dotted);
          } else {
            holder[key] = old;
            kept.push({ path: dotted, omitted: value === undefined, undo: () => (value === undefined ? delete holder[key] : (holder[key] = value)) });
          }
        }
      }
    }
    const cleared: string[] = [];
    if (kept.length && stored !== undefined && !sameDestinations(destinationsOf(destinations, config), destinationsOf(destinations, stored))) {
      for (const k of kept) {
        k.undo();
        (k.omitted ? cleared : refused).push(k.path);
      }
    }
    return { config, refused, cleared };
  }
}

/** A plugin's destinations, or undefined when its function fails on this config. */
function destinationsOf(f: (config: Json) => string[], config: Json): string[] | undefined {
  try {
    const list = f(config);
    return Array.isArray(list) ? list.filter((t): t is string => typeof t === 'string') : undefined;
  } catch {
    return undefined;
  }
}

/** The secrets of every plugin of one kind (probes, notifiers), by plugin id: what both registries hold. */
export class PluginSecrets {
  readonly #plugins = new Map<string, { fields: SecretFields; destinations: (config: Json) => string[] }>();

  /** `destinations`: where a config sends its secrets (a plugin's `targets`), judged on raw input. */
  add(id: string, jsonSchema: unknown, destinations: (config: Json) => string[]): void {
    this.#plugins.set(id, { fields: new SecretFields(jsonSchema), destinations });
  }

  /** A copy of `config` with every secret that is set replaced by MASK. */
  mask(id: string, config: Json): Json {
    return this.#plugins.get(id)?.fields.mask(config) ?? structuredClone(config);
  }

  /** See SecretFields.edit; `stored` is undefined for a new config. */
  edit(id: string, incoming: Json, stored?: Json): SecretEdit {
    const p = this.#plugins.get(id);
    return p ? p.fields.edit(incoming, stored, p.destinations) : { config: structuredClone(incoming), refused: [], cleared: [] };
  }
}
