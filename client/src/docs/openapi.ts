/**
 * Reads the served OpenAPI document (/api/v1/openapi.json, server/openapi.ts) into what the
 * /api/docs page lists: one row per route with who may call it and its parameters and body fields.
 */

type Json = Record<string, any>;

export interface Field {
  name: string;
  /** Where it goes: a path segment, the query string or the JSON body. */
  in: 'path' | 'query' | 'body';
  /** A short type in plain words: "integer 10–86400", "one of up, down", "array of string". */
  type: string;
  required: boolean;
  description?: string;
  /** The value used when the field is left out. */
  default?: string;
}

export interface Route {
  /** operationId: the row's anchor (#postOrgsByOrgMonitors). */
  id: string;
  method: string;
  path: string;
  summary: string;
  tag: string;
  /** Who may call it, in a few words. */
  access: string;
  /** API key scopes that allow it (any one); empty when keys may not call it or any key may. */
  scopes: string[];
  fields: Field[];
}

export interface ApiDocs {
  title: string;
  version: string;
  description: string;
  /** The API's base path: /api/v1. */
  base: string;
  tags: Array<{ name: string; description: string; routes: Route[] }>;
}

/** Follows a local `$ref` (#/components/…) in `doc`. */
function deref(doc: Json, value: Json | undefined): Json {
  let v = value ?? {};
  for (let i = 0; i < 10 && typeof v.$ref === 'string' && v.$ref.startsWith('#/'); i++) {
    v = v.$ref
      .slice(2)
      .split('/')
      .reduce((node: Json | undefined, key: string) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc) ?? {};
  }
  return v;
}

function range(min: unknown, max: unknown, unit = ''): string {
  if (typeof min === 'number' && typeof max === 'number') return ` ${min}–${max}${unit}`;
  if (typeof min === 'number') return ` ≥ ${min}${unit}`;
  if (typeof max === 'number') return ` ≤ ${max}${unit}`;
  return '';
}

/** A JSON Schema as a few words. */
export function typeOf(doc: Json, schema: Json | undefined, depth = 0): string {
  const s = deref(doc, schema);
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v: unknown) => String(v)).join(', ')}`;
  const alternatives = (s.oneOf ?? s.anyOf) as Json[] | undefined;
  if (alternatives) {
    if (depth > 1) return 'one of several shapes';
    // An object told apart by a constant field reads as {type: "latency", maxMs, severity}.
    const kinds = alternatives.map((a) => {
      const d = deref(doc, a);
      const props = Object.entries((d.properties ?? {}) as Json);
      if (!props.some(([, p]) => p.const !== undefined)) return typeOf(doc, d, depth + 1);
      return `object {${props.map(([name, p]) => (p.const !== undefined ? `${name}: ${JSON.stringify(p.const)}` : name)).join(', ')}}`;
    });
    return [...new Set(kinds)].join(' | ');
  }
  const type = Array.isArray(s.type) ? s.type.filter((t: string) => t !== 'null').join(' or ') + ' or null' : s.type;
  switch (type) {
    case 'string':
      return s.format ? `string (${s.format})` : `string${range(s.minLength, s.maxLength, ' chars')}`;
    case 'integer':
    case 'number':
      return `${type}${range(s.minimum, s.maximum)}`;
    case 'boolean':
      return 'boolean';
    case 'array':
      return `array of ${typeOf(doc, s.items, depth + 1)}${range(s.minItems, s.maxItems, ' items')}`;
    case 'object':
      return s.properties && depth < 1 ? `object {${Object.keys(s.properties).join(', ')}}` : 'object';
    default:
      return type ? String(type) : 'any';
  }
}

function field(doc: Json, name: string, where: Field['in'], schema: Json, required: boolean, description?: string): Field {
  const s = deref(doc, schema);
  return {
    name,
    in: where,
    type: typeOf(doc, s),
    required,
    description: description ?? s.description,
    default: s.default === undefined ? undefined : JSON.stringify(s.default),
  };
}

function bodyFields(doc: Json, op: Json): Field[] {
  const schema = deref(doc, deref(doc, op.requestBody).content?.['application/json']?.schema);
  if (!schema.properties) return schema.type || schema.oneOf || schema.anyOf ? [field(doc, '(body)', 'body', schema, true)] : [];
  const required = new Set<string>(schema.required ?? []);
  return Object.entries(schema.properties as Json).map(([name, s]) => field(doc, name, 'body', s, required.has(name)));
}

function access(op: Json): { access: string; scopes: string[] } {
  const security = (op.security ?? []) as Json[];
  if (!security.length) return { access: 'Anyone', scopes: [] };
  const key = security.find((s) => 'apiKey' in s) as { apiKey: string[] } | undefined;
  const scopes = (op['x-pingpage-scopes'] as string[] | undefined) ?? key?.apiKey ?? [];
  const permission = op['x-pingpage-permission'] as string | undefined;
  if (!key) return { access: permission ? `A person with the ${permission} permission; not API keys` : 'A signed-in person; not API keys', scopes: [] };
  if (!permission) return { access: 'A signed-in person or any API key', scopes: [] };
  return { access: `A person with the ${permission} permission, or an API key with one of these scopes`, scopes };
}

export function readDocument(doc: Json): ApiDocs {
  const routes: Route[] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      const fields = ((op.parameters ?? []) as Json[]).map((p) => {
        const param = deref(doc, p);
        return field(doc, param.name, param.in === 'path' ? 'path' : 'query', param.schema, !!param.required, param.description);
      });
      routes.push({ id: op.operationId, method: method.toUpperCase(), path, summary: op.summary ?? '', tag: op.tags?.[0] ?? 'Other', ...access(op), fields: [...fields, ...bodyFields(doc, op)] });
    }
  }
  const named = ((doc.tags ?? []) as Array<{ name: string; description?: string }>).map((t) => ({ name: t.name, description: t.description ?? '' }));
  for (const r of routes) if (!named.some((t) => t.name === r.tag)) named.push({ name: r.tag, description: '' });
  return {
    title: doc.info?.title ?? 'API',
    version: doc.info?.version ?? '',
    description: doc.info?.description ?? '',
    base: doc.servers?.[0]?.url ?? '',
    tags: named.map((t) => ({ ...t, routes: routes.filter((r) => r.tag === t.name) })).filter((t) => t.routes.length),
  };
}

/** Whether a route matches every word of `query` (method, path, summary, tag, scopes, field names). */
export function matches(route: Route, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const text = [route.method, route.path, route.summary, route.tag, route.access, ...route.scopes, ...route.fields.map((f) => f.name)].join(' ').toLowerCase();
  return words.every((w) => text.includes(w));
}
