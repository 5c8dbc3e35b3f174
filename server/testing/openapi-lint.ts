/**
 * Validates an OpenAPI 3.1 document the way `redocly lint` (recommended rules) would, inside the
 * test suite: first against the official OpenAPI 3.1 JSON Schema (server/openapi/schema-3.1.json,
 * its source and licence in server/openapi/README.md) with ajv's draft 2020-12 validator, the
 * `struct` rule; then the rules of redocly's recommended set that are errors there and that a
 * schema cannot express. Answers the problems found, as "rule at pointer: message"; [] is a pass.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Json = any;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let validateStruct: ((doc: unknown) => string[]) | undefined;

/** The `struct` rule: the document against the OpenAPI 3.1 schema. */
function struct(doc: unknown): string[] {
  if (!validateStruct) {
    // ajv resolves `$dynamicRef: "#meta"` to the schema's root (which allows no Schema Object
    // keywords) instead of its one `$dynamicAnchor: meta`, $defs/schema; alone (no dialect extends
    // it, as schema-base.json would), the dynamic reference means exactly that static one.
    const text = readFileSync(new URL('../openapi/schema-3.1.json', import.meta.url), 'utf8');
    const schema = JSON.parse(text.replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    // A format of the OpenAPI schema (Media Type Object keys) that ajv-formats does not know.
    ajv.addFormat('media-range', true);
    const validate = ajv.compile(schema);
    validateStruct = (d) => (validate(d) ? [] : (validate.errors ?? []).map((e) => `struct at #${e.instancePath}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`));
  }
  return validateStruct(doc);
}

/** The value at a local JSON pointer such as #/components/schemas/Error, or undefined. */
export function resolvePointer(ref: string, root: Json): unknown {
  if (!ref.startsWith('#')) return undefined;
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: Json = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

function refs(node: unknown, at: string, out: Array<[string, string]>): Array<[string, string]> {
  if (Array.isArray(node)) node.forEach((v, i) => refs(v, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push([at, v]);
      else refs(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
    }
  }
  return out;
}

/** Every Schema Object of the document with its pointer (properties, items, allOf… included). */
function schemas(doc: Json): Array<[string, Json]> {
  const out: Array<[string, Json]> = [];
  const walk = (s: Json, at: string) => {
    if (!s || typeof s !== 'object' || Array.isArray(s)) return;
    out.push([at, s]);
    for (const k of ['items', 'additionalProperties', 'not', 'propertyNames', 'contains']) walk(s[k], `${at}/${k}`);
    for (const k of ['properties', 'patternProperties', '$defs']) for (const [n, v] of Object.entries(s[k] ?? {})) walk(v, `${at}/${k}/${n}`);
    for (const k of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) (s[k] ?? []).forEach((v: Json, i: number) => walk(v, `${at}/${k}/${i}`));
  };
  for (const [name, s] of Object.entries(doc.components?.schemas ?? {})) walk(s, `#/components/schemas/${name}`);
  for (const [path, item] of Object.entries(doc.paths ?? {}) as Array<[string, Json]>) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const at = `#/paths/${path.replace(/\//g, '~1')}/${m}`;
      (op.parameters ?? []).forEach((p: Json, i: number) => walk(p.schema, `${at}/parameters/${i}/schema`));
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {}) as Array<[string, Json]>) walk(media.schema, `${at}/requestBody/content/${type}/schema`);
      for (const [status, r] of Object.entries(op.responses ?? {}) as Array<[string, Json]>) {
        for (const [type, media] of Object.entries(r.content ?? {}) as Array<[string, Json]>) walk(media.schema, `${at}/responses/${status}/content/${type}/schema`);
      }
    }
  }
  return out;
}

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

/** The problems of `doc`: [] when it passes. */
export function lintOpenApi(doc: Json): string[] {
  const problems = struct(doc);
  if (problems.length) return problems; // the rules below assume a well-formed document
  const deref = (node: Json): Json => (node && typeof node.$ref === 'string' ? deref(resolvePointer(node.$ref, doc)) : node);

  for (const [at, ref] of refs(doc, '#', [])) {
    if (resolvePointer(ref, doc) === undefined) problems.push(`no-unresolved-refs at ${at}: ${ref}`);
  }
  if (!doc.servers?.length) problems.push('no-empty-servers: the document names no server');
  for (const s of doc.servers ?? []) if (s.url !== '/' && s.url.endsWith('/')) problems.push(`no-server-trailing-slash: ${s.url}`);
  for (const name of Object.keys(doc.components ?? {}).flatMap((kind) => Object.keys(doc.components[kind] ?? {}).map((n) => `${kind}/${n}`))) {
    if (!/^[a-zA-Z0-9.\-_]+$/.test(name.split('/')[1]!)) problems.push(`spec-components-invalid-map-name: #/components/${name}`);
  }

  const tags = new Set((doc.tags ?? []).map((t: Json) => t.name));
  const schemes = new Set(Object.keys(doc.components?.securitySchemes ?? {}));
  const ids = new Map<string, string>();
  const shapes = new Map<string, string>();
  for (const [path, item] of Object.entries(doc.paths ?? {}) as Array<[string, Json]>) {
    if (path !== '/' && path.endsWith('/')) problems.push(`no-path-trailing-slash: ${path}`);
    if (path.includes('?')) problems.push(`path-not-include-query: ${path}`);
    if (/\{\}/.test(path)) problems.push(`path-declaration-must-exist: ${path}`);
    const shape = path.replace(/\{[^}]+\}/g, '{}');
    if (shapes.has(shape)) problems.push(`no-identical-paths: ${path} and ${shapes.get(shape)}`);
    shapes.set(shape, path);
    const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const key = `${m.toUpperCase()} ${path}`;
      if (!op.summary) problems.push(`operation-summary: ${key} has none`);
      if (typeof op.operationId !== 'string') problems.push(`operation-operationId: ${key} has none`);
      else {
        if (ids.has(op.operationId)) problems.push(`operation-operationId-unique: ${key} and ${ids.get(op.operationId)} share ${op.operationId}`);
        ids.set(op.operationId, key);
        if (!/^[A-Za-z0-9\-._~]+$/.test(op.operationId)) problems.push(`operation-operationId-url-safe: ${key}: ${op.operationId}`);
      }
      if (!Object.keys(op.responses ?? {}).some((s) => /^2(\d\d|XX)$/.test(s))) problems.push(`operation-2xx-response: ${key} has none`);
      if (!Object.keys(op.responses ?? {}).some((s) => /^4(\d\d|XX)$/.test(s) || s === 'default')) problems.push(`operation-4xx-response: ${key} has none`);
      for (const t of op.tags ?? []) if (!tags.has(t)) problems.push(`operation-tag-defined: ${key}: tag ${t}`);
      const security = op.security ?? doc.security;
      if (!Array.isArray(security)) problems.push(`security-defined: ${key} says nothing of security`);
      for (const requirement of security ?? []) for (const name of Object.keys(requirement)) if (!schemes.has(name)) problems.push(`security-defined: ${key}: no scheme ${name}`);

      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref);
      const named = params.map((p: Json) => `${p.in} ${p.name}`);
      for (const n of new Set(named)) if (named.filter((x) => x === n).length > 1) problems.push(`operation-parameters-unique: ${key}: ${n}`);
      const inPath = params.filter((p: Json) => p.in === 'path').map((p: Json) => p.name as string);
      for (const n of inTemplate) if (!inPath.includes(n)) problems.push(`path-parameters-defined: ${key}: {${n}} is not declared`);
      for (const n of inPath) if (!inTemplate.includes(n)) problems.push(`path-parameters-defined: ${key}: path parameter ${n} is not in the path`);
    }
  }

  for (const [at, s] of schemas(doc)) {
    if (!Array.isArray(s.enum) || s.type === undefined) continue;
    const allowed = new Set<string>([s.type].flat());
    for (const v of s.enum) {
      const t = typeOf(v);
      if (!allowed.has(t) && !(t === 'integer' && allowed.has('number'))) problems.push(`no-enum-type-mismatch at ${at}: ${JSON.stringify(v)} is not ${[...allowed].join(' or ')}`);
    }
  }
  return problems;
}
