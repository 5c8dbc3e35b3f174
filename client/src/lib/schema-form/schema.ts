/**
 * What the form renderer needs to know about a JSON Schema (draft 2020-12 as zod emits it):
 * which control a node gets, its default value, how to validate it before sending and how to
 * strip what the user left empty. Nothing here knows about any particular probe.
 */
import { SAY } from '../../../../contracts/messages.js';

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  readOnly?: boolean;
  writeOnly?: boolean;
  /** Shown among the main fields though it has a default (the SDK's mainField()). */
  'x-main'?: boolean;
  examples?: unknown[];
}

export type Kind =
  | 'const'
  | 'enum'
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'object'
  | 'record'
  | 'array'
  | 'union'
  | 'primitive-union'
  | 'json';

export type Errors = Record<string, string>;

const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean']);

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Follows `$ref` (local refs only) and merges `allOf`, so callers see one plain node. */
export function resolve(schema: JsonSchema | boolean | undefined, root: JsonSchema): JsonSchema {
  if (schema === true || schema === undefined) return {};
  if (schema === false) return {};
  let s = schema;
  for (let depth = 0; s.$ref && depth < 32; depth++) {
    const target = lookup(s.$ref, root);
    const { $ref: _ref, ...rest } = s;
    s = { ...target, ...rest };
  }
  if (s.allOf?.length) {
    const { allOf, ...rest } = s;
    let merged: JsonSchema = {};
    for (const part of allOf) merged = mergeSchemas(merged, resolve(part, root));
    s = mergeSchemas(merged, rest);
  }
  return s;
}

function lookup(ref: string, root: JsonSchema): JsonSchema {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return {};
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
  }
  return isObject(node) ? (node as JsonSchema) : {};
}

function mergeSchemas(a: JsonSchema, b: JsonSchema): JsonSchema {
  return {
    ...a,
    ...b,
    properties: a.properties || b.properties ? { ...a.properties, ...b.properties } : undefined,
    required: a.required || b.required ? [...new Set([...(a.required ?? []), ...(b.required ?? [])])] : undefined,
  };
}

function typesOf(s: JsonSchema): string[] {
  return s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
}

/** The options of a oneOf/anyOf, without the `null` option that only means "optional". */
export function optionsOf(s: JsonSchema, root: JsonSchema): JsonSchema[] {
  const raw = s.oneOf ?? s.anyOf ?? [];
  return raw.map((o) => resolve(o, root)).filter((o) => !(typesOf(o).length === 1 && typesOf(o)[0] === 'null'));
}

/** A union whose options are all objects told apart by one property holding a different constant. */
export function discriminatorOf(options: JsonSchema[]): string | undefined {
  if (options.length < 2) return undefined;
  const first = options[0]!.properties ?? {};
  for (const key of Object.keys(first)) {
    const values = options.map((o) => constOf(o.properties?.[key]));
    if (values.every((v) => v !== undefined) && new Set(values.map((v) => JSON.stringify(v))).size === values.length) return key;
  }
  return undefined;
}

export function constOf(s: JsonSchema | undefined): unknown {
  if (!s) return undefined;
  if ('const' in s) return s.const;
  if (s.enum?.length === 1) return s.enum[0];
  return undefined;
}

export function kindOf(schema: JsonSchema, root: JsonSchema): Kind {
  const s = resolve(schema, root);
  if (s.oneOf || s.anyOf) {
    const options = optionsOf(s, root);
    if (options.length === 1) return kindOf(options[0]!, root);
    if (options.length && options.every((o) => !o.enum && !('const' in o) && typesOf(o).length === 1 && PRIMITIVES.has(typesOf(o)[0]!))) {
      return 'primitive-union';
    }
    if (options.length) return 'union';
  }
  if ('const' in s) return 'const';
  if (s.enum) return 'enum';
  const types = typesOf(s).filter((t) => t !== 'null');
  const type = types[0] ?? (s.properties ? 'object' : s.items ? 'array' : undefined);
  switch (type) {
    case 'string':
    case 'number':
    case 'integer':
    case 'boolean':
      return types.length > 1 ? 'json' : type;
    case 'array':
      return 'array';
    case 'object':
      if (s.properties && Object.keys(s.properties).length) return 'object';
      if (s.additionalProperties !== undefined && s.additionalProperties !== false) return 'record';
      return s.properties ? 'object' : 'record';
    default:
      return 'json';
  }
}

/** The value a new form starts with: defaults where the schema has them, required parts filled in. */
export function defaultValue(schema: JsonSchema, root: JsonSchema, required: boolean): unknown {
  const s = resolve(schema, root);
  if ('default' in s) return structuredClone(s.default);
  const kind = kindOf(s, root);
  switch (kind) {
    case 'const':
      return s.const;
    case 'object': {
      if (!required) return undefined;
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        const v = defaultValue(prop, root, s.required?.includes(key) ?? false);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    case 'union': {
      if (!required) return undefined;
      const first = optionsOf(s, root)[0];
      return first ? defaultValue(first, root, true) : undefined;
    }
    case 'enum':
      return required && s.enum?.length === 1 ? s.enum[0] : undefined;
    case 'boolean':
      return required ? false : undefined;
    case 'array': {
      // A list that needs entries starts with that many empty rows, ready to fill.
      if (!required || !s.minItems) return undefined;
      const item = resolve(s.items ?? {}, root);
      const blank = () => defaultValue(item, root, true) ?? (['string', 'primitive-union'].includes(kindOf(item, root)) ? '' : undefined);
      return Array.from({ length: s.minItems }, blank);
    }
    default:
      return undefined;
  }
}

/** Which option of a union a value is: the discriminator's constant, else the first that validates. */
export function optionIndex(options: JsonSchema[], value: unknown, root: JsonSchema): number {
  const key = discriminatorOf(options);
  if (key !== undefined) {
    if (!isObject(value)) return 0;
    const i = options.findIndex((o) => JSON.stringify(constOf(o.properties?.[key])) === JSON.stringify(value[key]));
    return Math.max(0, i);
  }
  const i = options.findIndex((o) => Object.keys(validate(o, value, root, '', true)).length === 0);
  return Math.max(0, i);
}

const ACRONYMS: Record<string, string> = { url: 'URL', uri: 'URI', ca: 'CA', tls: 'TLS', ssl: 'SSL', dns: 'DNS', http: 'HTTP', https: 'HTTPS', smtp: 'SMTP', ip: 'IP', id: 'ID', api: 'API', sni: 'SNI', json: 'JSON', ttl: 'TTL', tcp: 'TCP', udp: 'UDP', helo: 'HELO', ehlo: 'EHLO', starttls: 'STARTTLS', pem: 'PEM', sha: 'SHA' };

/** A short description ("HTTP method", "Authentication") names a field better than its key. */
export function shortDescription(schema?: JsonSchema): string | undefined {
  const d = schema?.description;
  return d && d.length <= 32 && !/[.;:(),"]/.test(d) ? d : undefined;
}

/** The description as a hint under the field, unless it already serves as the label. */
export function hintOf(schema: JsonSchema): string | undefined {
  return !schema.title && shortDescription(schema) ? undefined : schema.description;
}

/** "maxResponseTimeMs" → "Max response time (ms)"; the schema's title, then a short description, win. */
export function labelOf(key: string, schema?: JsonSchema): string {
  if (schema?.title) return schema.title;
  const short = shortDescription(schema);
  if (short) return short;
  const unit = /(Ms|Seconds|Bytes|Days)$/.exec(key)?.[1];
  const base = unit ? key.slice(0, -unit.length) : key;
  const words = base
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((w, i) => ACRONYMS[w.toLowerCase()] ?? (i === 0 ? w : /^[A-Z0-9]+$/.test(w) && w.length > 1 ? w : w.toLowerCase()));
  const text = words.join(' ');
  const label = text.charAt(0).toUpperCase() + text.slice(1);
  if (!label) return '';
  return unit ? `${label} (${unit === 'Ms' ? 'ms' : unit.toLowerCase()})` : label;
}

/** Name of an option of a union, for the picker. */
export function optionLabel(option: JsonSchema, index: number, discriminator?: string): string {
  if (option.title) return option.title;
  if (option.description) return option.description;
  const c = discriminator ? constOf(option.properties?.[discriminator]) : undefined;
  if (typeof c === 'string') return labelOf(c);
  const t = typesOf(option)[0];
  return t ? labelOf(t) : `Option ${index + 1}`;
}

/** Secrets are typed into password inputs. */
export function isSecret(key: string, s: JsonSchema): boolean {
  return s.format === 'password' || s.writeOnly === true || /password|secret|token|apikey|api_key/i.test(key);
}

/** Turns what is typed into a primitive union's box into the first option it fits (200 → number, "2xx" → string). */
export function coercePrimitive(text: string, options: JsonSchema[], root: JsonSchema): unknown {
  const trimmed = text.trim();
  for (const o of options) {
    const t = typesOf(o)[0];
    if ((t === 'integer' && /^-?\d+$/.test(trimmed)) || (t === 'number' && trimmed !== '' && !Number.isNaN(Number(trimmed)))) {
      const n = Number(trimmed);
      if (!Object.keys(validate(o, n, root, '', true)).length) return n;
    }
    if (t === 'boolean' && (trimmed === 'true' || trimmed === 'false')) return trimmed === 'true';
  }
  return options.some((o) => typesOf(o)[0] === 'string') ? text : trimmed === '' ? undefined : text;
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v));

/**
 * Checks a value against the schema the way the server will, for the common rules (required,
 * lengths, ranges, patterns, item counts), so most mistakes show before a round trip.
 * Answers messages keyed by dotted path.
 */
export function validate(schema: JsonSchema, value: unknown, root: JsonSchema, path: string, required: boolean): Errors {
  const errors: Errors = {};
  const s = resolve(schema, root);
  const put = (p: string, m: string) => (errors[p] ??= m);
  if (isEmpty(value)) {
    if (required && !('default' in s)) put(path, SAY.required);
    return errors;
  }
  const kind = kindOf(s, root);
  const join = (k: string | number) => (path ? `${path}.${k}` : String(k));
  switch (kind) {
    case 'string': {
      if (typeof value !== 'string') return put(path, SAY.text), errors;
      if (s.minLength !== undefined && value.length < s.minLength) put(path, SAY.minChars(s.minLength));
      if (s.maxLength !== undefined && value.length > s.maxLength) put(path, SAY.maxChars(s.maxLength));
      if (s.pattern && !testPattern(s.pattern, value)) put(path, SAY.format);
      break;
    }
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return put(path, SAY.number), errors;
      if (kind === 'integer' && !Number.isInteger(value)) put(path, SAY.wholeNumber);
      if (s.minimum !== undefined && value < s.minimum) put(path, SAY.min(s.minimum));
      if (s.maximum !== undefined && value > s.maximum) put(path, SAY.max(s.maximum));
      if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) put(path, SAY.min(s.exclusiveMinimum, false));
      if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) put(path, SAY.max(s.exclusiveMaximum, false));
      break;
    }
    case 'boolean':
      if (typeof value !== 'boolean') put(path, SAY.yesNo);
      break;
    case 'enum':
      if (!s.enum!.some((e) => JSON.stringify(e) === JSON.stringify(value))) put(path, SAY.oneOf());
      break;
    case 'object': {
      if (!isObject(value)) return put(path, SAY.fields), errors;
      // An optional group nobody filled in is simply left out, whatever it requires inside.
      if (!required && clean(s, value, root, false) === undefined) return errors;
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        Object.assign(errors, validate(prop, value[key], root, join(key), s.required?.includes(key) ?? false));
      }
      break;
    }
    case 'record': {
      if (!isObject(value)) return put(path, SAY.fields), errors;
      const names = s.propertyNames ? resolve(s.propertyNames, root) : undefined;
      const each = isObject(s.additionalProperties) ? (s.additionalProperties as JsonSchema) : undefined;
      for (const [key, v] of Object.entries(value)) {
        if (names?.pattern && !testPattern(names.pattern, key)) put(join(key), `“${key}” is not a valid name`);
        // An empty value is a value ("X-Empty: "); only the schema's own rules apply.
        if (each) Object.assign(errors, validate(each, v, root, join(key), false));
      }
      break;
    }
    case 'array': {
      if (!Array.isArray(value)) return put(path, SAY.list), errors;
      if (s.minItems !== undefined && value.length < s.minItems) put(path, SAY.minItems(s.minItems));
      if (s.maxItems !== undefined && value.length > s.maxItems) put(path, SAY.maxItems(s.maxItems));
      if (s.items) value.forEach((item, i) => Object.assign(errors, validate(s.items!, item, root, join(i), true)));
      break;
    }
    case 'union':
    case 'primitive-union': {
      const options = optionsOf(s, root);
      if (kind === 'union') {
        const option = options[optionIndex(options, value, root)];
        if (option) Object.assign(errors, validate(option, value, root, path, true));
      } else if (!options.some((o) => !Object.keys(validate(o, value, root, path, true)).length)) put(path, SAY.notAccepted);
      break;
    }
  }
  return errors;
}

const patterns = new Map<string, RegExp | null>();
function testPattern(pattern: string, value: string): boolean {
  if (!patterns.has(pattern)) {
    try {
      patterns.set(pattern, new RegExp(pattern, 'u'));
    } catch {
      patterns.set(pattern, null); // a pattern JavaScript cannot read: leave it to the server
    }
  }
  const re = patterns.get(pattern);
  return !re || re.test(value);
}

/**
 * What to send: empty optional fields removed (the server applies its defaults), empty rows of
 * lists dropped, objects the user left untouched omitted.
 */
export function clean(schema: JsonSchema, value: unknown, root: JsonSchema, required: boolean): unknown {
  const s = resolve(schema, root);
  if (isEmpty(value)) return required && value === '' ? '' : undefined;
  const kind = kindOf(s, root);
  switch (kind) {
    case 'object': {
      if (!isObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        const v = clean(prop, value[key], root, s.required?.includes(key) ?? false);
        if (v !== undefined) out[key] = v;
      }
      return !required && Object.keys(out).length === 0 ? undefined : out;
    }
    case 'record': {
      if (!isObject(value)) return value;
      const each = isObject(s.additionalProperties) ? (s.additionalProperties as JsonSchema) : {};
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) if (key !== '') out[key] = clean(each, v, root, true) ?? '';
      return out;
    }
    case 'array': {
      if (!Array.isArray(value)) return value;
      return value.map((item) => clean(s.items ?? {}, item, root, false)).filter((item) => item !== undefined);
    }
    case 'union': {
      const options = optionsOf(s, root);
      const option = options[optionIndex(options, value, root)];
      return option ? clean(option, value, root, true) : value;
    }
    case 'string':
      return value;
    default:
      return value;
  }
}

/** An id for the control of a dotted path, so error summaries can point at it. */
export function fieldId(path: string): string {
  return 'f-' + path.replace(/[^A-Za-z0-9_-]/g, (c) => '_' + c.charCodeAt(0).toString(16));
}

/** "Headers" → "header", "Expected answers" → "expected answer", "Expected status" stays. */
export function singular(label: string): string {
  const base = label.replace(/ \(.*\)$/, '');
  const lower = /^[A-Z]{2,}/.test(base) ? base : base.charAt(0).toLowerCase() + base.slice(1);
  if (/ies$/.test(lower)) return lower.slice(0, -3) + 'y';
  if (/(ss|us|is|ses)$/.test(lower)) return lower;
  return lower.replace(/s$/, '');
}
