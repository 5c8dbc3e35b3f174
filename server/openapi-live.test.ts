/**
 * The served OpenAPI document against live answers: every documented operation gets a real
 * request (testing/api-walk.ts says which) from a whole PingPage, and its answer must carry a
 * status the operation documents and a body that validates (JSON Schema 2020-12, ajv) against
 * that status's schema. Each operation is also asked wrongly: a malformed path parameter (404),
 * an invalid body (400), no credentials (401), an API key without a scope that allows it (403),
 * each answered with the documented error shape.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WALK, startWalk, type Call, type World } from './testing/api-walk.js';
import type { Answer, TestClient } from './testing/client.js';
import { lintOpenApi, resolvePointer } from './testing/openapi-lint.js';

/**
 * Strict: a documented answer without a schema (or with one that allows any JSON) fails its
 * operation. Off, such answers are only listed as unchecked (how the walk was written while the
 * routes were being declared, issue 14 item 2).
 */
const STRICT = true;

type Json = any;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** The document's id inside ajv: its `#/components/...` references resolve against it. */
const DOC_ID = 'https://pingpage.test/api/v1/openapi.json';
/** Fits no path parameter: not a UUID, not a slug, not an invitation token. */
const MALFORMED = 'NOT-AN-ID';

let w: World;
let doc: Json;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const unchecked: string[] = [];

beforeAll(async () => {
  w = await startWalk();
  const res = await w.anonymous().get('/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
  ajv.addSchema(doc, DOC_ID);
});
afterAll(async () => {
  if (unchecked.length) console.info(`openapi-live: ${unchecked.length} answers without a response schema, unchecked (STRICT is off):\n  ${unchecked.join('\n  ')}`);
  await w?.close();
});

const at = (ref: string): Json => resolvePointer(ref, doc);

/** Follows `$ref`s (of responses, parameters, request bodies) to the object itself. */
const deref = (node: Json, seen = 0): Json => (node && typeof node.$ref === 'string' && seen < 20 ? deref(at(node.$ref), seen + 1) : node);

interface Operation {
  key: string;
  method: string;
  path: string;
  op: Json;
}

function operations(): Operation[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, op })),
  );
}

/** Every Schema Object of the document, with where it is. */
function schemas(): Array<[string, Json]> {
  const out: Array<[string, Json]> = [];
  const media = (where: string, content: Json) => {
    for (const [type, m] of Object.entries((content ?? {}) as Record<string, Json>)) if (m?.schema !== undefined) out.push([`${where} ${type}`, m.schema]);
  };
  const parameter = (where: string, p: Json) => p?.schema !== undefined && out.push([`${where} parameter ${p.name}`, p.schema]);
  const c = doc.components ?? {};
  for (const [name, s] of Object.entries((c.schemas ?? {}) as Record<string, Json>)) out.push([`components.schemas.${name}`, s]);
  for (const [name, p] of Object.entries((c.parameters ?? {}) as Record<string, Json>)) parameter(`components.parameters.${name}`, p);
  for (const [name, r] of Object.entries((c.responses ?? {}) as Record<string, Json>)) media(`components.responses.${name}`, r.content);
  for (const { key, op } of operations()) {
    for (const p of op.parameters ?? []) if (!p.$ref) parameter(key, p);
    if (op.requestBody && !op.requestBody.$ref) media(`${key} request`, op.requestBody.content);
    for (const [status, r] of Object.entries((op.responses ?? {}) as Record<string, Json>)) if (!r.$ref) media(`${key} ${status}`, r.content);
  }
  return out;
}

/** A schema taken out of the document, its local references pointed back into it. */
function detached(node: Json): Json {
  if (Array.isArray(node)) return node.map(detached);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? DOC_ID + v : detached(v)]));
}

const validators = new WeakMap<object, ValidateFunction>();
function validatorOf(schema: Json): ValidateFunction {
  if (typeof schema !== 'object') return ajv.compile(detached(schema));
  let v = validators.get(schema);
  if (!v) validators.set(schema, (v = ajv.compile(detached(schema))));
  return v;
}

/** The JSON media type of a response or request body, if it has one. */
const jsonMedia = (content: Json): Json => Object.entries((content ?? {}) as Record<string, Json>).find(([type]) => /^application\/([\w.-]+\+)?json\b/.test(type))?.[1];

/** Keywords that say something about a schema without constraining a value. */
const ANNOTATIONS = new Set(['title', 'description', '$comment', 'default', 'examples', 'example', 'deprecated', 'readOnly', 'writeOnly', '$schema', '$id']);

/** Whether a response schema says anything about the body: absent, `true`, `{}` (any JSON) and annotations alone do not. */
function constrains(schema: Json): boolean {
  const s = deref(schema);
  if (s === undefined || s === true) return false;
  return typeof s !== 'object' || s === null || Object.keys(s).some((k) => !ANNOTATIONS.has(k));
}

const shown = (body: unknown) => (JSON.stringify(body) ?? 'nothing').slice(0, 400);

/**
 * What is wrong with `res` as the answer `status` of `o` (nothing: empty list): a status the
 * operation does not document, a body its schema refuses, a body where none is documented.
 */
function judge(o: Operation, what: string, res: Answer, status: number): string[] {
  const label = `${o.key} ${what}`;
  if (res.status !== status) return [`${label}: expected ${status}, got ${res.status} ${shown(res.body)}`];
  const response = deref(o.op.responses?.[String(status)]);
  if (!response) return [`${label}: ${status} is not documented`];
  if (!response.content) return res.body === undefined ? [] : [`${label}: ${status} documents no body, the answer has one: ${shown(res.body)}`];
  const media = jsonMedia(response.content);
  if (!media) return [`${label}: ${status} documents no JSON body (${Object.keys(response.content).join(', ')})`];
  if (!constrains(media.schema)) {
    if (STRICT) return [`${label}: ${status} has no response schema (or one that allows anything)`];
    unchecked.push(`${o.key} ${status}`);
    return [];
  }
  if (!/^application\/([\w.-]+\+)?json\b/.test(res.headers.get('content-type') ?? '')) return [`${label}: answered ${res.headers.get('content-type')}, not JSON`];
  const validate = validatorOf(media.schema);
  if (validate(res.body)) return [];
  const errors = (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`);
  return [`${label}: the ${status} answer does not match its schema:\n    ${errors.join('\n    ')}\n    body: ${shown(res.body)}`];
}

/** `path` (concrete) with the segment of template parameter `name` replaced by MALFORMED. */
function malformed(template: string, path: string, name: string): string {
  const [bare, query] = path.split(/\?(.*)/s, 2);
  const names = template.split('/');
  const segments = bare!.split('/');
  if (names.length !== segments.length) throw new Error(`${path} does not fit ${template}`);
  const i = names.indexOf(`{${name}}`);
  segments[i] = MALFORMED;
  return segments.join('/') + (query ? `?${query}` : '');
}

/** A body no JSON object schema accepts (and an object for one that wants an array). */
function invalidBody(op: Json): unknown {
  const schema = deref(jsonMedia(deref(op.requestBody)?.content)?.schema);
  return schema?.type === 'array' ? { notAnArray: true } : ['not', 'an', 'object'];
}

describe('GET /api/v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document (the official schema, and the lint rules it cannot express)', () => {
    expect(lintOpenApi(doc)).toEqual([]);
  });

  it('holds only valid JSON Schema 2020-12, every reference resolving', () => {
    const found = schemas();
    expect(found.length).toBeGreaterThan(50);
    const broken: string[] = [];
    for (const [where, schema] of found) {
      if (!ajv.validateSchema(schema)) broken.push(`${where}: ${ajv.errorsText(ajv.errors)}`);
      else {
        try {
          validatorOf(schema);
        } catch (err) {
          broken.push(`${where}: ${(err as Error).message}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  // The walk meets 2xx, 400, 401 and 404; this covers the answers it cannot provoke (403, 413, default).
  it.runIf(STRICT)('documents a schema for every answer that has a body', () => {
    const missing = operations().flatMap(({ key, op }) =>
      Object.entries((op.responses ?? {}) as Record<string, Json>)
        .map(([status, r]) => [status, deref(r)] as const)
        .filter(([, r]) => r?.content && !constrains(jsonMedia(r.content)?.schema))
        .map(([status]) => `${key} ${status}`),
    );
    expect(missing).toEqual([]);
  });

  it('has a walk step for every documented operation', () => {
    const missing = operations().filter((o) => !(o.key in WALK)).map((o) => `${o.key}: no step in WALK (server/testing/api-walk.ts)`);
    expect(missing).toEqual([]);
  });
});

describe('every operation answers as documented', () => {
  it.each(Object.keys(WALK))('%s', async (key) => {
    const o = operations().find((x) => x.key === key);
    expect(o, `WALK has a step for ${key}, which the document no longer lists`).toBeDefined();
    const step = WALK[key]!;
    const call: Call = await step(w);
    const client: TestClient = call.as ?? w.owner;
    const method = o!.method.toUpperCase();
    const problems: string[] = [];

    // The wrong requests first: a DELETE's real request removes what they need.
    for (const [, name] of o!.path.matchAll(/\{([^}]+)\}/g)) {
      const res = await client.req(method, malformed(o!.path, call.path, name!), call.body);
      problems.push(...judge(o!, `with a malformed {${name}}`, res, 404));
    }
    if (o!.op.requestBody) {
      problems.push(...judge(o!, 'with an invalid body', await client.req(method, call.path, invalidBody(o!.op)), 400));
    }
    if ((o!.op.security ?? []).length) {
      problems.push(...judge(o!, 'without credentials', await w.anonymous().req(method, call.path, call.body), 401));
    }
    // An org permission: a key of the walk's org without any scope that allows it is refused.
    const scopes = o!.op['x-pingpage-scopes'] as string[] | undefined;
    const outsider = scopes && call.path.startsWith(`/orgs/${w.orgId}`) ? w.narrowKeys.find((k) => !scopes.includes(k.scope)) : undefined;
    if (outsider) {
      problems.push(...judge(o!, `with a key holding only ${outsider.scope}`, await outsider.client.req(method, call.path, call.body), 403));
    }

    const res = await client.req(method, call.path, call.body);
    const success = Object.keys(o!.op.responses ?? {}).filter((s) => /^2\d\d$/.test(s)).map(Number);
    const status = success.includes(res.status) ? res.status : (success[0] ?? 200);
    problems.push(...judge(o!, `at ${call.path}`, res, status));
    // What a success made is kept even when its body is wrong: later steps fail for their own reasons only.
    if (success.includes(res.status)) call.after?.(res);
    expect(problems).toEqual([]);
  });
});
