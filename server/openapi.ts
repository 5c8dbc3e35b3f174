/**
 * GET /api/v1/openapi.json: the OpenAPI 3.1 document of the API, built from the route declarations
 * of every domain (http/routes.ts `describe`): paths, params, query, bodies and answers all come
 * from the schemas the routes parse and answer with. Named contract schemas (`.meta({ id })` in
 * contracts/) become components. Operations answered ahead of the app's routers (`served: 'ahead'`)
 * are declared too, and described the same way.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { scopesAllowing } from './auth/authorize.js';
import { SESSION_COOKIE } from './auth/sessions.js';
import type { Action } from './auth/types.js';
import { inputJsonSchema, type JsonSchema } from './http/json-schema.js';
import { defineRoute, describe, type Auth, type ErrorStatus, type Operation, type Route, type SuccessStatus, type Tag } from './http/routes.js';
import { ErrorJson, ValidationIssue } from '../contracts/wire.js';

const TAGS: Record<Tag, string> = {
  Instance: 'The server itself',
  Auth: 'Accounts and sessions',
  Organizations: 'Organizations, members, invitations, API keys, audit log',
  Monitors: 'Probes, monitors and their history',
  Alerting: 'Notifiers, notification channels and alert policies',
  'Status pages': 'Status pages and their components',
  Incidents: 'Incidents and their updates',
  Maintenance: 'Maintenance windows',
  Public: 'What status page visitors reach, without signing in',
};

const SUCCESS: Record<SuccessStatus, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' };

/** The shared error answers, by status: one Error component behind all of them. */
const ERROR_RESPONSES: Record<ErrorStatus, string> = {
  400: 'ValidationFailed',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Gone',
  413: 'TooLarge',
  415: 'UnsupportedMediaType',
  429: 'RateLimited',
  502: 'BadGateway',
  503: 'Unavailable',
};

const json = (schema: JsonSchema | { $ref: string }) => ({ 'application/json': { schema } });
const errorRef = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({ description, content: json(errorRef) });

const RESPONSES = {
  ValidationFailed: {
    description: 'The body or query is not valid: VALIDATION_FAILED with the issues in details (also INVALID_JSON, and rules of the route such as INVALID_CURRENT_PASSWORD)',
    content: json({
      allOf: [errorRef, { properties: { error: { properties: { details: { type: 'array', items: { $ref: '#/components/schemas/ValidationIssue' } } } } } }],
    }),
  },
  Unauthorized: errorResponse('Not signed in, or the API key is not valid; for a status page with a password, PASSWORD_REQUIRED'),
  Forbidden: errorResponse('The role or the API key scopes do not allow this, or the CSRF check failed; refused to an API key, `details.requiredScopes` lists the scopes that would allow it (any one)'),
  NotFound: errorResponse('No such resource, or not yours'),
  Conflict: errorResponse('The request conflicts with the current state (e.g. EMAIL_TAKEN, LAST_OWNER)'),
  Gone: errorResponse('It existed but is no longer usable (e.g. INVITATION_EXPIRED)'),
  TooLarge: errorResponse('The request body is too large'),
  UnsupportedMediaType: errorResponse('The body is not JSON'),
  RateLimited: errorResponse('Too many attempts: RATE_LIMITED, with Retry-After'),
  BadGateway: errorResponse('A service PingPage relies on failed (e.g. the SMTP server)'),
  Unavailable: errorResponse('Not ready to answer this now'),
  Error: errorResponse('Any other error (415 not JSON, 500, …)'),
};

const SECURITY_SCHEMES = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'The dashboard session (POST /auth/login). Writes must send an Origin of this server, or X-CSRF-Token from GET /auth/me.',
  },
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'pp_live_…',
    description: "An organization's API key: `Authorization: Bearer pp_live_…`. Listed roles are the scopes that allow the operation.",
  },
};

/**
 * Components of one document: every schema goes through `schema()`, which moves `$defs` into
 * components.schemas. A def named by a contract (`.meta({ id })`) keeps its name (its input side,
 * which may differ, gets `Input` appended); anonymous ones (recursion) are named after where they
 * were found. The same name with a different body is a mistake, refused at build.
 */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  private put(name: string, body: JsonSchema) {
    const had = this.schemas[name];
    if (had && JSON.stringify(had) !== JSON.stringify(body)) throw new Error(`Two different schemas are named ${name}`);
    this.schemas[name] = body;
  }

  /** A zod schema as a Schema Object; `name` names it when it refers to itself. */
  schema(zod: z.ZodType, name: string, io: 'input' | 'output'): JsonSchema {
    const raw = io === 'input' ? inputJsonSchema(zod, { unrepresentable: 'any' }) : (z.toJSONSchema(zod, { io, unrepresentable: 'any' }) as JsonSchema);
    const { $schema: _dialect, $defs, ...root } = raw;
    const defs = ($defs ?? {}) as Record<string, JsonSchema>;
    const componentOf = (def: string) => (/^__schema\d+$/.test(def) ? `${name}.${def}` : io === 'input' ? `${def}Input` : def);
    const target = (ref: string) => {
      if (ref === '#') return `#/components/schemas/${name}`;
      const def = /^#\/\$defs\/(.+)$/.exec(ref)?.[1];
      return def !== undefined ? `#/components/schemas/${componentOf(def)}` : ref;
    };
    let selfRef = false;
    const rewrite = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(rewrite);
      if (typeof v !== 'object' || v === null) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string') {
          selfRef ||= x === '#';
          out[k] = target(x);
        } else out[k] = rewrite(x);
      }
      return out;
    };
    for (const [key, def] of Object.entries(defs)) this.put(componentOf(key), rewrite(def) as JsonSchema);
    const body = rewrite(root) as JsonSchema;
    if (!selfRef) return body;
    this.put(name, body);
    return { $ref: target('#') };
  }
}

const word = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase());

/** getOrgsByOrgMonitorsById: unique because method and path are. */
function operationId(op: Operation): string {
  return op.method + op.path.split('/').filter(Boolean).map((seg) => (seg.startsWith('{') ? 'By' + word(seg.slice(1, -1)) : word(seg))).join('');
}

const permissionOf = (auth: Auth): Action | undefined => (auth === 'none' || auth === 'session' || auth === 'session-or-key' ? undefined : auth);

function security(auth: Auth): Array<Record<string, string[]>> {
  if (auth === 'none') return [];
  if (auth === 'session') return [{ session: [] }];
  if (auth === 'session-or-key') return [{ session: [] }, { apiKey: [] }];
  const scopes = scopesAllowing(auth);
  return scopes.length ? [{ session: [] }, { apiKey: scopes }] : [{ session: [] }];
}

function permissionNote(permission: Action): string {
  const scopes = scopesAllowing(permission);
  return `Needs the \`${permission}\` permission in the organization (from the member's role)` +
    (scopes.length ? `; API keys need one of the scopes ${scopes.map((s) => `\`${s}\``).join(', ')}.` : '; API keys may not do this.');
}

function queryParameters(op: Operation, schema: z.ZodType) {
  const json = inputJsonSchema(schema, { unrepresentable: 'any' });
  const properties = json.properties as Record<string, JsonSchema> | undefined;
  if (json.type !== 'object' || !properties) throw new Error(`${op.method.toUpperCase()} ${op.path}: the query schema must be an object`);
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

function operation(op: Operation, components: Components) {
  const id = operationId(op);
  const parameters = [
    ...op.params.map((p) => ({ name: p.name, in: 'path', required: true, description: p.description, schema: components.schema(p.schema, `${id}.${p.name}`, 'input') })),
    ...(op.query ? queryParameters(op, op.query) : []),
  ];
  const responses: Record<string, unknown> = {
    [op.status]: op.answer ? { description: SUCCESS[op.status], content: json(components.schema(op.answer, `${id}${op.status}`, 'output')) } : { description: SUCCESS[op.status] },
  };
  for (const status of op.errors) responses[status] = { $ref: `#/components/responses/${ERROR_RESPONSES[status]}` };
  responses.default = { $ref: '#/components/responses/Error' };
  const permission = permissionOf(op.auth);
  const description = [permission && permissionNote(permission), op.description].filter(Boolean).join(' ');
  return {
    operationId: id,
    summary: op.summary,
    ...(description ? { description } : {}),
    ...(permission ? { 'x-pingpage-permission': permission, 'x-pingpage-scopes': scopesAllowing(permission) } : {}),
    tags: [op.tag],
    security: security(op.auth),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: op.bodyRequired, content: json(components.schema(op.body, `${id}Body`, 'input')) } } : {}),
    responses,
  };
}

/** The whole document for these operations. */
export function buildOpenApi(operations: readonly Operation[]): Record<string, unknown> {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; description?: string };
  const components = new Components();
  // The error shapes first, under their own names: every error response points at them.
  components.schema(ErrorJson, 'Error', 'output');
  components.schema(ValidationIssue, 'ValidationIssue', 'output');
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`${op.method.toUpperCase()} ${op.path} is described twice`);
    item[op.method] = operation(op, components);
  }
  return {
    openapi: '3.1.1',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'PingPage',
      version: pkg.version,
      description: `${pkg.description ?? 'PingPage'}. JSON over HTTP; ids are UUIDs, times ISO 8601 UTC, durations seconds unless a field name says Ms. Errors are always {"error": {"code", "message", "details"}}.`,
    },
    servers: [{ url: '/api/v1' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: { securitySchemes: SECURITY_SCHEMES, schemas: components.schemas, responses: RESPONSES },
  };
}

/** What GET /openapi.json answers: an OpenAPI 3.1 document (its own schema is the OpenAPI specification's). */
const OpenApiDocument = z
  .looseObject({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())),
    components: z.record(z.string(), z.unknown()),
  })
  .describe('This document');

const route = defineRoute();

/**
 * GET /openapi.json, public: the document of `routes` (every declared operation of the API, those
 * served ahead of the app included, handed over by main.ts) and of itself. Built on first
 * request, then served from memory.
 */
export function openApiRoute(routes: readonly Route[]): Route {
  let doc: Record<string, unknown> | undefined;
  const self = route({
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    tag: 'Instance',
    auth: 'none',
    responses: { 200: OpenApiDocument },
    handler: (ctx) => {
      doc ??= buildOpenApi(describe([...routes, self]));
      ctx.set('Cache-Control', 'public, max-age=300');
      return doc as z.input<typeof OpenApiDocument>;
    },
  });
  return self;
}
