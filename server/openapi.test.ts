/**
 * GET /api/v1/openapi.json against the whole app: a valid OpenAPI 3.1 document (the official schema
 * and redocly's recommended rules, testing/openapi-lint.ts), every route main.ts mounts under
 * /api/v1 coming from a declaration (http/routes.ts), every operation served ahead of the app
 * (`served: 'ahead'`) answered by it, and request bodies documented as the routes parse them.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type Router from '@koa/router';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { startTestApp, type TestApp } from './testing/app.js';
import { invite, signUp, TestClient } from './testing/client.js';
import type { AppOptions } from './http/app.js';
import { declarationsOf, defineRoute, describe as describeRoutes, type Route } from './http/routes.js';
import { buildOpenApi } from './openapi.js';
import { lintOpenApi } from './testing/openapi-lint.js';

// The routers main.ts hands to createApp, and the declarations it hands to openApiRoute, recorded on their way into the real app.
const seen = vi.hoisted(() => ({ opts: undefined as AppOptions | undefined, declared: undefined as readonly Route[] | undefined }));
vi.mock('./openapi.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./openapi.js')>();
  return {
    ...real,
    openApiRoute: (routes: readonly Route[]) => {
      seen.declared = routes;
      return real.openApiRoute(routes);
    },
  };
});
vi.mock('./http/app.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./http/app.js')>();
  return {
    ...real,
    createApp: (opts: AppOptions) => {
      seen.opts = opts;
      return real.createApp(opts);
    },
  };
});

type Json = any;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PREFIX = '/api/v1';

let app: TestApp;
let doc: Json;

beforeAll(async () => {
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open' });
  const res = await fetch(`${app.url}${PREFIX}/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
});
afterAll(() => app?.stop());

/** The value at a local JSON pointer such as #/components/schemas/Error, or undefined. */
function resolve(ref: string, root: Json = doc): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: Json = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

const deref = (node: Json): Json => (node && typeof node.$ref === 'string' ? deref(resolve(node.$ref)) : node);

function refsIn(node: unknown, at = '#', out: Array<[string, string]> = []): Array<[string, string]> {
  if (Array.isArray(node)) node.forEach((v, i) => refsIn(v, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push([at, v]);
      else refsIn(v, `${at}/${k}`, out);
    }
  }
  return out;
}

function operations(): Array<{ key: string; path: string; method: string; op: Json }> {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })),
  );
}

/** `METHOD /path/{param}` for each route of these routers under /api/v1; other layers as `UNDOCUMENTABLE …`. */
function routesOf(routers: Router<any>[], onlyApi: boolean): string[] {
  const out: string[] = [];
  for (const router of routers) {
    for (const layer of router.stack) {
      if (!layer.methods.length) continue; // router.use() middleware, not a route
      if (typeof layer.path !== 'string') {
        if (!onlyApi) out.push(`UNDOCUMENTABLE ${String(layer.path)}`);
        continue;
      }
      if (!layer.path.startsWith(PREFIX + '/')) {
        if (!onlyApi) out.push(`OUTSIDE ${PREFIX} ${layer.path}`);
        continue;
      }
      const path = layer.path.slice(PREFIX.length).replace(/:(\w+)/g, '{$1}');
      for (const m of layer.methods) if (m !== 'HEAD') out.push(`${m} ${path}`);
    }
  }
  return out;
}

describe('GET /api/v1/openapi.json', () => {
  it('is public, cacheable for five minutes, and the same document every time', async () => {
    const anonymous = await fetch(`${app.url}${PREFIX}/openapi.json`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/json/);
    expect(anonymous.headers.get('cache-control')).toBe('public, max-age=300');
    const { client } = await signUp(app.url, 'reader@example.com');
    const signedIn = await client.get('/openapi.json');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toEqual(await anonymous.json());
    expect(signedIn.body).toEqual(doc);
  });

  it("documents a channel's useForAllMonitors (\"Use for every monitor\") on create and change, as the routes parse it", () => {
    for (const [method, path] of [['post', '/orgs/{org}/notification-channels'], ['patch', '/orgs/{org}/notification-channels/{id}']] as const) {
      const schema = deref(deref(doc.paths[path][method].requestBody).content['application/json'].schema);
      expect(schema.properties.useForAllMonitors, `${method} ${path}`).toMatchObject({ type: 'boolean', description: expect.stringMatching(/^Use for every monitor: .*default alert policy/) });
      expect(schema.required ?? []).not.toContain('useForAllMonitors');
    }
  });

  it('is a well-formed OpenAPI 3.1 document', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'PingPage', version: pkg.version });
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    expect(doc.components.securitySchemes).toMatchObject({
      session: { type: 'apiKey', in: 'cookie', name: 'pp_session' },
      apiKey: { type: 'http', scheme: 'bearer', bearerFormat: expect.stringMatching(/^pp_live_/) },
    });
    expect(doc.components.schemas.Error).toMatchObject({
      required: ['error'],
      properties: { error: { required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
    });

    const tags = new Set((doc.tags as Array<{ name: string }>).map((t) => t.name));
    const schemes = new Set(Object.keys(doc.components.securitySchemes));
    const ids = new Set<string>();
    const ops = operations();
    expect(ops.length).toBeGreaterThan(40);
    for (const { key, path, op } of ops) {
      expect(path, key).toMatch(/^\/[^:]*$/);
      expect(typeof op.operationId, key).toBe('string');
      expect(ids.has(op.operationId), `${key}: operationId ${op.operationId} is not unique`).toBe(false);
      ids.add(op.operationId);
      for (const t of op.tags ?? []) expect(tags.has(t), `${key}: tag ${t}`).toBe(true);
      for (const requirement of op.security ?? []) for (const name of Object.keys(requirement)) expect(schemes.has(name), `${key}: scheme ${name}`).toBe(true);

      const statuses = Object.keys(op.responses ?? {});
      expect(statuses.length, `${key} has no responses`).toBeGreaterThan(0);
      expect(statuses.some((s) => /^2\d\d$/.test(s)), `${key} has no success response`).toBe(true);
      for (const s of statuses) {
        expect(s, key).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
        expect(typeof deref(op.responses[s])?.description, `${key} ${s}`).toBe('string');
      }

      const params = (op.parameters ?? []).map(deref);
      for (const p of params) {
        expect(['path', 'query', 'header', 'cookie'], `${key} ${p.name}`).toContain(p.in);
        expect(p.schema, `${key} ${p.name}`).toBeTypeOf('object');
      }
      const named = params.map((p: Json) => `${p.in} ${p.name}`);
      expect(new Set(named).size, `${key}: a parameter twice`).toBe(named.length);
      const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const inPath = params.filter((p: Json) => p.in === 'path');
      expect(inPath.map((p: Json) => p.name).sort(), key).toEqual(inTemplate);
      for (const p of inPath) expect(p.required, `${key} ${p.name}`).toBe(true);

      if (op.requestBody) expect(deref(op.requestBody).content['application/json'].schema, key).toBeTypeOf('object');
    }
  });

  it('resolves every $ref inside the document', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    const broken = refs.filter(([, ref]) => resolve(ref) === undefined).map(([at, ref]) => `${at}: ${ref}`);
    expect(broken).toEqual([]);
  });

  it('moves recursive schemas into components, where their $refs resolve', () => {
    const node: z.ZodType = z.object({
      name: z.string(),
      get children() {
        return z.array(node);
      },
    });
    const route = defineRoute();
    const built = buildOpenApi(
      describeRoutes([
        route({ method: 'post', path: '/tree', summary: 'A tree', tag: 'Instance', auth: 'none', body: node, responses: { 200: node }, handler: () => ({ name: 'x', children: [] }) }),
        route({ method: 'post', path: '/forest', summary: 'A tree inside', tag: 'Instance', auth: 'none', body: z.strictObject({ tree: node }), responses: { 204: null }, handler: () => {} }),
      ]),
    );
    const refs = refsIn(built).map(([, ref]) => ref);
    expect(refs).toEqual(expect.arrayContaining(['#/components/schemas/postTreeBody', '#/components/schemas/postTree200', '#/components/schemas/postForestBody.__schema0']));
    expect(refs.filter((ref) => resolve(ref, built) === undefined)).toEqual([]);
    expect(JSON.stringify(built)).not.toContain('$defs');
    expect(lintOpenApi(built)).toEqual([]);
  });

  it("passes the official OpenAPI 3.1 schema and redocly's recommended rules", () => {
    expect(lintOpenApi(doc)).toEqual([]);
  });

  it('fails the lint when the document breaks a rule', () => {
    const broken = structuredClone(doc);
    broken.paths['/instance'].get.operationId = broken.paths['/openapi.json'].get.operationId;
    broken.paths['/orgs/{org}'].get.parameters = [];
    broken.paths['/orgs/{org}/members'].get.responses = { default: { $ref: '#/components/responses/Nowhere' } };
    delete broken.paths['/auth/me'].get.summary;
    const problems = lintOpenApi(broken).map((p) => p.split(/[: ]/)[0]);
    expect(problems).toEqual(expect.arrayContaining(['operation-operationId-unique', 'path-parameters-defined', 'no-unresolved-refs', 'operation-2xx-response', 'operation-summary']));
    expect(lintOpenApi({ ...doc, openapi: '3.0.3' })[0]).toMatch(/^struct /);
  });

  it('documents the answer of every declared route, with the error answers its declaration implies', () => {
    const declared = operations();
    expect(declared.map((o) => o.key)).toEqual(
      expect.arrayContaining(['GET /instance', 'GET /openapi.json', 'POST /auth/signup', 'GET /orgs/{org}/members', 'GET /probes', 'GET /public/status-pages/{slug}', 'POST /public/status-pages/{slug}/subscribers']),
    );
    for (const { key, op } of declared) {
      const [status, answer] = Object.entries(op.responses).find(([s]) => /^2/.test(s)) as [string, Json];
      if (status === '204') expect(answer.content, key).toBeUndefined();
      else {
        const schema = deref(answer.content['application/json'].schema);
        expect(Object.keys(schema).length, `${key}: its answer has a schema`).toBeGreaterThan(0);
      }
      if (op.security.length) expect(Object.keys(op.responses), key).toEqual(expect.arrayContaining(['401', '403']));
      if (op.parameters?.some((p: Json) => deref(p).in === 'path')) expect(Object.keys(op.responses), key).toContain('404');
      if (op.requestBody) expect(Object.keys(op.responses), key).toEqual(expect.arrayContaining(['400', '413']));
      for (const [s, r] of Object.entries(op.responses) as Array<[string, Json]>) {
        if (!/^2/.test(s)) expect(deref(r).content['application/json'].schema, `${key} ${s}`).toBeTypeOf('object');
      }
    }
    // Shared answers are components, named by their contract.
    expect(doc.paths['/orgs/{org}/members'].get.responses['200'].content['application/json'].schema).toEqual({ type: 'array', items: { $ref: '#/components/schemas/Member' } });
    expect(doc.components.schemas.Member).toMatchObject({ type: 'object', required: expect.arrayContaining(['userId', 'email', 'name', 'role', 'joinedAt']), additionalProperties: false });
    // The public answers, served ahead of the app, are contract schemas too.
    expect(doc.paths['/public/status-pages/{slug}'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PublicPage' });
    expect(doc.components.schemas.PublicPage).toMatchObject({ required: expect.arrayContaining(['slug', 'overall', 'components', 'incidents', 'maintenances']), additionalProperties: false });
    expect(doc.paths['/public/status-pages/{slug}/subscribers'].post.responses['202'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SubscribeAnswer' });
  });
});

describe('no drift between the routers and the document', () => {
  it('documents every route of every router mounted under /api/v1', () => {
    const opts = seen.opts!;
    expect(opts.api.length).toBeGreaterThan(5);
    const registered = [...routesOf(opts.api, false), ...routesOf(opts.operations ?? [], true)];
    expect(registered).toContain('POST /orgs/{org}/monitors');
    expect(registered).toContain('POST /public/status-pages/{slug}/subscribers');
    const documented = new Set(operations().map((o) => o.key));
    expect(registered.filter((r) => !documented.has(r))).toEqual([]);
  });

  it('has a route for every documented operation, or serves it ahead of the app', () => {
    const opts = seen.opts!;
    const registered = new Set([...routesOf(opts.api, true), ...routesOf(opts.operations ?? [], true)]);
    const ahead = new Set(describeRoutes(aheadDeclarations()).map((o) => `${o.method.toUpperCase()} ${o.path}`));
    // Answered by middleware rather than a router layer (the public status page JSON): asked of the app below.
    expect(operations().filter((o) => !registered.has(o.key) && !ahead.has(o.key)).map((o) => o.key)).toEqual([]);
  });

  it('mounts every route under /api/v1 from a declaration; routes ahead of the app only as declared', () => {
    const opts = seen.opts!;
    const byHand = opts.api.filter((r) => !declarationsOf(r));
    expect(routesOf(byHand, true), 'routes of hand-built routers under /api/v1').toEqual([]);
    const fromDeclarations = routesOf(opts.api, true);
    expect(fromDeclarations).toEqual(expect.arrayContaining(['GET /instance', 'GET /openapi.json', 'POST /auth/login', 'DELETE /orgs/{org}/api-keys/{id}', 'GET /probes']));
    const ahead = describeRoutes(aheadDeclarations()).map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(ahead.sort()).toEqual(['GET /public/status-pages/{slug}', 'POST /public/status-pages/{slug}/subscribers']);
    // Routers ahead of sessions and the body parser (createApp's `operations`) serve /api/v1 paths only as declared 'ahead'.
    expect(routesOf(opts.operations ?? [], true).filter((r) => !ahead.includes(r)), "routes ahead of the app not declared served: 'ahead'").toEqual([]);
  });

  it("answers every operation served ahead of the app (served: 'ahead') with its declared answers", async () => {
    const ahead = describeRoutes(aheadDeclarations());
    expect(ahead.length).toBeGreaterThan(0);
    for (const op of ahead) {
      const key = `${op.method.toUpperCase()} ${op.path}`;
      const url = op.path.replace(/\{([^}]+)\}/g, 'no-such-page');
      const res = await fetch(`${app.url}${PREFIX}${url}`, {
        method: op.method.toUpperCase(),
        ...(op.body ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
      });
      const body = (await res.json().catch(() => undefined)) as Json;
      expect(res.status === 405 || /^No route for/.test(body?.error?.message ?? ''), `${key}: ${res.status} ${JSON.stringify(body)}`).toBe(false);
      expect([op.status, ...op.errors], `${key}: ${res.status} ${JSON.stringify(body)}`).toContain(res.status);
    }
  });
});

/** The declarations main.ts handed to openApiRoute that the app serves ahead of its routers. */
function aheadDeclarations(): Route[] {
  expect(seen.declared, 'main.ts hands its declarations to openApiRoute').toBeDefined();
  return seen.declared!.filter((r) => r.served === 'ahead');
}

/** A value the schema accepts, derived from the schema alone; NONE when it names none. */
const NONE = Symbol('none');
function sample(s: Json): unknown {
  if (!s || typeof s !== 'object') return NONE;
  s = deref(s);
  if ('default' in s) return s.default;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) {
    const v = sample(alt);
    if (v !== NONE) return v;
  }
  switch (Array.isArray(s.type) ? s.type[0] : s.type) {
    case 'string':
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'email') return 'someone@example.com';
      if (s.format === 'date-time') return new Date().toISOString();
      if (s.format === 'uri') return 'https://example.com/';
      return s.pattern ? NONE : 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return s.minItems ? NONE : [];
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const k of s.required ?? []) if ((o[k] = sample(s.properties?.[k])) === NONE) return NONE;
      return o;
    }
  }
  return NONE;
}

/** A value of a JSON type the schema does not allow, or NONE. */
function wrongType(s: Json): unknown {
  s = deref(s);
  const types = new Set<string>([s, ...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap((x: Json) => [deref(x).type ?? []].flat()));
  if (types.has('integer')) types.add('number');
  if (!types.size) return NONE;
  const candidates: Array<[string, unknown]> = [['string', 'not this'], ['number', 12.5], ['boolean', true], ['array', []], ['object', {}], ['null', null]];
  return candidates.find(([t]) => !types.has(t))?.[1] ?? NONE;
}

describe('request bodies are documented as the routes parse them', () => {
  let owner: TestClient;
  let orgId: string;
  let n = 0;

  beforeAll(async () => {
    ({ client: owner, orgId } = await signUp(app.url, 'owner@example.com', { orgName: 'Acme' }));
  });

  const cases: Array<{
    route: string;
    send: (body: unknown) => Promise<{ status: number; body: Json }>;
    example: () => Record<string, unknown>;
    created: number;
    /** Optional fields whose valid values exist only on the server (a secret it issued), made for the body they go with. */
    issued?: Record<string, (body: Record<string, unknown>) => Promise<unknown>>;
  }> = [
    {
      route: 'POST /auth/signup',
      send: (body) => new TestClient(app.url).post('/auth/signup', body),
      example: () => ({ email: `user${++n}@example.com`, password: 'correct horse battery', name: 'Ada' }),
      created: 201,
      issued: { invitationToken: (body) => invite(owner, orgId, body.email as string) },
    },
    {
      route: 'POST /orgs/{org}/monitors',
      send: (body) => owner.post(`/orgs/${orgId}/monitors`, body),
      example: () => ({ name: `Site ${++n}`, probe: 'tcp', config: { host: '127.0.0.1', port: 9 } }),
      created: 201,
    },
    {
      route: 'POST /orgs/{org}/notification-channels',
      send: (body) => owner.post(`/orgs/${orgId}/notification-channels`, body),
      example: () => ({ name: `Hook ${++n}`, notifier: 'webhook', config: { url: 'https://hooks.example/in' } }),
      created: 201,
    },
  ];

  describe.each(cases)('$route', ({ route, send, example, created, issued }) => {
    const schemaOf = () => {
      const [method, path] = route.split(' ');
      const body = deref(doc.paths[path!][method!.toLowerCase()].requestBody);
      const schema = deref(body.content['application/json'].schema);
      expect(schema.type).toBe('object');
      return schema as { properties: Record<string, Json>; required?: string[]; additionalProperties?: unknown };
    };
    const issuesAt = (res: { body: Json }, field: string) =>
      ((res.body?.error?.details ?? []) as Array<{ path: string; code: string }>).filter((d) => d.path === field || d.path.startsWith(field + '.'));

    it('accepts the example, which has every required field', async () => {
      const schema = schemaOf();
      const body = example();
      for (const k of schema.required ?? []) expect(body, k).toHaveProperty(k);
      for (const k of Object.keys(body)) expect(schema.properties, k).toHaveProperty(k);
      expect((await send(body)).status).toBe(created);
    });

    it('refuses the example without each required field, at that field', async () => {
      const required = schemaOf().required ?? [];
      expect(required.length).toBeGreaterThan(0);
      for (const field of required) {
        const { [field]: _gone, ...body } = example();
        const res = await send(body);
        expect(res.status, field).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        expect(issuesAt(res, field), field).not.toEqual([]);
      }
    });

    it('accepts each documented optional field', async () => {
      const schema = schemaOf();
      const optional = Object.keys(schema.properties).filter((k) => !(schema.required ?? []).includes(k) && !(k in example()));
      for (const field of optional) {
        const body = example();
        const value = issued?.[field] ? await issued[field](body) : sample(schema.properties[field]);
        expect(value, `${field} is documented, but its schema accepts nothing`).not.toBe(NONE);
        const res = await send({ ...body, [field]: value });
        expect(res.status, `${field}=${JSON.stringify(value)}: ${JSON.stringify(res.body)}`).toBe(created);
      }
    });

    it('refuses each documented field given a value of the wrong type, at that field', async () => {
      const schema = schemaOf();
      for (const [field, fieldSchema] of Object.entries(schema.properties)) {
        const value = wrongType(fieldSchema);
        if (value === NONE) continue;
        const res = await send({ ...example(), [field]: value });
        expect(res.status, `${field}=${JSON.stringify(value)}`).toBe(400);
        expect(issuesAt(res, field), field).not.toEqual([]);
      }
    });

    it('refuses fields the document does not list (additionalProperties: false)', async () => {
      expect(schemaOf().additionalProperties).toBe(false);
      const res = await send({ ...example(), notDocumented: 1 });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toContainEqual(expect.objectContaining({ code: 'unrecognized_keys', keys: ['notDocumented'] }));
    });
  });
});
