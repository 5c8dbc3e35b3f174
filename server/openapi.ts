/**
 * GET /api/v1/openapi.json: the OpenAPI 3.1 document of the API, built from the zod schemas the
 * routes parse with. Every route is one row of OPERATIONS; openapi.test.ts fails when a router
 * has a route without a row, or a row has no route.
 */
import { readFileSync } from 'node:fs';
import Router from '@koa/router';
import { z } from 'zod';
import { monitorAlertSettings } from './alerting/index.js';
import { logQuery } from './alerting/routes.js';
import { createChannelBody, patchChannelBody } from './alerting/channels/schema.js';
import { alertPolicySchema } from './alerting/policies/schema.js';
import { subscribeBody } from './alerting/subscribers/service.js';
import { scopesAllowing } from './auth/authorize.js';
import { auditQuery } from './auth/audit.js';
import { loginBody, passwordBody, signupBody } from './auth/routes.js';
import { SESSION_COOKIE } from './auth/sessions.js';
import type { Action } from './auth/types.js';
import { incidentCreate, incidentPatch, incidentQuery, incidentUpdate, maintenanceCreate, maintenancePatch, maintenanceQuery, updatePatch } from './incidents/schemas.js';
import { dailyQuery, heartbeatsQuery, monitorBodies, uptimeQuery } from './monitors/schema.js';
import { acceptBody, memberBody } from './orgs/invitation-routes.js';
import { TOKEN_PATTERN } from './orgs/invitations.js';
import { keyBody, orgBody, orgPatch, rolePatch } from './orgs/routes.js';
import { pageCreate, pagePatch, slugSchema } from './statuspages/schemas.js';
import { inputJsonSchema, type JsonSchema } from './http/json-schema.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Tag = 'Instance' | 'Auth' | 'Organizations' | 'Monitors' | 'Alerting' | 'Status pages' | 'Incidents' | 'Maintenance' | 'Public';

/**
 * Who may call: `none` (anyone), `session` (a signed-in person; API keys are refused),
 * `session-or-key` (a person or any API key), or the org permission `requireOrg()` checks,
 * which API keys get through their scopes (see auth/authorize.ts).
 */
type Auth = 'none' | 'session' | 'session-or-key' | Action;

export interface Operation {
  method: Method;
  /** Under /api/v1, with OpenAPI `{param}` placeholders. */
  path: string;
  summary: string;
  tag: Tag;
  auth: Auth;
  /** The schema the route parses its JSON body with. */
  body?: z.ZodType;
  /** The schema the route parses its query string with. */
  query?: z.ZodType;
  /** The answer when all goes well. */
  status: 200 | 201 | 202 | 204;
}

const org = '/orgs/{org}';
const monitor = `${org}/monitors/{id}`;
// As the monitor service builds them from what main.ts hands monitoring: `alerts` by alerting's schema.
const monitorBody = monitorBodies(monitorAlertSettings.schema);

export const OPERATIONS: readonly Operation[] = [
  { method: 'get', path: '/instance', summary: 'Whether this is a fresh install, and who may sign up', tag: 'Instance', auth: 'none', status: 200 },
  { method: 'get', path: '/openapi.json', summary: 'This document', tag: 'Instance', auth: 'none', status: 200 },

  { method: 'post', path: '/auth/signup', summary: 'Create an account (and an organization); signs in', tag: 'Auth', auth: 'none', body: signupBody, status: 201 },
  { method: 'post', path: '/auth/login', summary: 'Sign in with email and password', tag: 'Auth', auth: 'none', body: loginBody, status: 200 },
  { method: 'post', path: '/auth/logout', summary: 'Sign out (ends this session)', tag: 'Auth', auth: 'none', status: 204 },
  { method: 'get', path: '/auth/me', summary: 'The signed-in user, their organizations and the CSRF token', tag: 'Auth', auth: 'session', status: 200 },
  { method: 'post', path: '/auth/password', summary: 'Change the password; every other session is revoked', tag: 'Auth', auth: 'session', body: passwordBody, status: 204 },
  { method: 'get', path: '/auth/sessions', summary: "The user's sessions", tag: 'Auth', auth: 'session', status: 200 },
  { method: 'delete', path: '/auth/sessions/{id}', summary: 'Revoke a session', tag: 'Auth', auth: 'session', status: 204 },
  { method: 'get', path: '/auth/security-activity', summary: 'Your own sign-ins, failed sign-ins, password changes and session revocations, newest first', tag: 'Auth', auth: 'session', query: auditQuery, status: 200 },

  { method: 'get', path: '/orgs', summary: 'Organizations of the user (or of the API key)', tag: 'Organizations', auth: 'session-or-key', status: 200 },
  { method: 'post', path: '/orgs', summary: 'Create an organization (you become its owner)', tag: 'Organizations', auth: 'session', body: orgBody, status: 201 },
  { method: 'get', path: org, summary: 'An organization', tag: 'Organizations', auth: 'org:read', status: 200 },
  { method: 'patch', path: org, summary: 'Rename an organization or change its policy', tag: 'Organizations', auth: 'org:update', body: orgPatch, status: 200 },
  { method: 'delete', path: org, summary: 'Delete an organization and everything in it', tag: 'Organizations', auth: 'org:delete', status: 204 },
  { method: 'get', path: `${org}/first-steps`, summary: 'The first-run tour: whether the organization has a monitor of its own (PingPage\'s self-monitor aside), a notification channel and a status page', tag: 'Organizations', auth: 'org:update', status: 200 },
  { method: 'get', path: `${org}/members`, summary: 'Members', tag: 'Organizations', auth: 'members:read', status: 200 },
  { method: 'post', path: `${org}/members`, summary: 'Invite an email (with or without an account): e-mails the link, or answers it once', tag: 'Organizations', auth: 'members:manage', body: memberBody, status: 201 },
  { method: 'patch', path: `${org}/members/{userId}`, summary: "Change a member's role", tag: 'Organizations', auth: 'members:manage', body: rolePatch, status: 200 },
  { method: 'delete', path: `${org}/members/{userId}`, summary: 'Leave (yourself) or remove a member (members:manage)', tag: 'Organizations', auth: 'org:read', status: 204 },
  { method: 'get', path: `${org}/invitations`, summary: 'Pending and expired invitations (never their links)', tag: 'Organizations', auth: 'members:manage', status: 200 },
  { method: 'post', path: `${org}/invitations/{id}/resend`, summary: 'A new link for an invitation (the old one dies); e-mailed, or answered once', tag: 'Organizations', auth: 'members:manage', status: 200 },
  { method: 'delete', path: `${org}/invitations/{id}`, summary: 'Revoke an invitation (its link dies at once)', tag: 'Organizations', auth: 'members:manage', status: 204 },
  { method: 'get', path: '/invitations/{token}', summary: 'What an invitation link offers: organization, inviter, role, email, expiry', tag: 'Organizations', auth: 'none', status: 200 },
  { method: 'post', path: '/invitations/{token}/accept', summary: 'Accept an invitation as the signed-in account of the invited email', tag: 'Organizations', auth: 'session', body: acceptBody, status: 200 },
  { method: 'get', path: `${org}/api-keys`, summary: 'API keys (never the keys themselves)', tag: 'Organizations', auth: 'keys:manage', status: 200 },
  { method: 'post', path: `${org}/api-keys`, summary: 'Create an API key; the key is in this answer only', tag: 'Organizations', auth: 'keys:manage', body: keyBody, status: 201 },
  { method: 'delete', path: `${org}/api-keys/{id}`, summary: 'Revoke an API key', tag: 'Organizations', auth: 'keys:manage', status: 204 },
  { method: 'get', path: `${org}/audit-log`, summary: "The org's audit log (its own events only), newest first", tag: 'Organizations', auth: 'audit:read', query: auditQuery, status: 200 },

  { method: 'get', path: '/probes', summary: 'Probe types with their config as JSON Schema', tag: 'Monitors', auth: 'session-or-key', status: 200 },
  { method: 'get', path: `${org}/monitors`, summary: 'Monitors', tag: 'Monitors', auth: 'monitors:read', status: 200 },
  { method: 'post', path: `${org}/monitors`, summary: "Create a monitor (config is checked against the probe's schema)", tag: 'Monitors', auth: 'monitors:write', body: monitorBody.create, status: 201 },
  { method: 'get', path: monitor, summary: 'A monitor', tag: 'Monitors', auth: 'monitors:read', status: 200 },
  { method: 'patch', path: monitor, summary: 'Change a monitor', tag: 'Monitors', auth: 'monitors:write', body: monitorBody.patch, status: 200 },
  { method: 'delete', path: monitor, summary: 'Delete a monitor and its history', tag: 'Monitors', auth: 'monitors:write', status: 204 },
  { method: 'post', path: `${monitor}/pause`, summary: 'Pause checks', tag: 'Monitors', auth: 'monitors:write', status: 200 },
  { method: 'post', path: `${monitor}/resume`, summary: 'Resume checks', tag: 'Monitors', auth: 'monitors:write', status: 200 },
  { method: 'post', path: `${monitor}/check`, summary: 'Run a check now; answers the probe result', tag: 'Monitors', auth: 'monitors:write', status: 200 },
  { method: 'get', path: `${monitor}/heartbeats`, summary: 'Check results, newest first', tag: 'Monitors', auth: 'monitors:read', query: heartbeatsQuery, status: 200 },
  { method: 'get', path: `${monitor}/uptime`, summary: 'Uptime (percent) over windows such as 24h, 7d, 30d, 90d', tag: 'Monitors', auth: 'monitors:read', query: uptimeQuery, status: 200 },
  { method: 'get', path: `${monitor}/daily`, summary: 'Uptime, checks and mean latency per day', tag: 'Monitors', auth: 'monitors:read', query: dailyQuery, status: 200 },
  { method: 'get', path: `${org}/dashboard`, summary: "Every monitor with its last checks and 24 h uptime, as the dashboard socket's snapshot (with its mark for subscribe's resume)", tag: 'Monitors', auth: 'monitors:read', status: 200 },

  { method: 'get', path: '/notifiers', summary: 'Notifier types with their config as JSON Schema', tag: 'Alerting', auth: 'session-or-key', status: 200 },
  { method: 'get', path: `${org}/notification-channels`, summary: 'Notification channels (secrets masked)', tag: 'Alerting', auth: 'monitors:read', status: 200 },
  { method: 'post', path: `${org}/notification-channels`, summary: "Create a channel (config is checked against the notifier's schema)", tag: 'Alerting', auth: 'channels:manage', body: createChannelBody, status: 201 },
  { method: 'get', path: `${org}/notification-channels/{id}`, summary: 'A notification channel (secrets masked)', tag: 'Alerting', auth: 'monitors:read', status: 200 },
  { method: 'patch', path: `${org}/notification-channels/{id}`, summary: 'Change a channel; masked or missing secrets keep their value', tag: 'Alerting', auth: 'channels:manage', body: patchChannelBody, status: 200 },
  { method: 'delete', path: `${org}/notification-channels/{id}`, summary: 'Delete a channel', tag: 'Alerting', auth: 'channels:manage', status: 204 },
  { method: 'post', path: `${org}/notification-channels/{id}/test`, summary: 'Send a test message; answers the delivery result', tag: 'Alerting', auth: 'channels:manage', status: 200 },
  { method: 'get', path: `${monitor}/alert-policy`, summary: "A monitor's alert policy (or the org defaults it follows)", tag: 'Alerting', auth: 'monitors:read', status: 200 },
  { method: 'put', path: `${monitor}/alert-policy`, summary: "Set a monitor's own alert policy", tag: 'Alerting', auth: 'monitors:write', body: alertPolicySchema, status: 200 },
  { method: 'delete', path: `${monitor}/alert-policy`, summary: "Drop a monitor's own policy (it follows the org defaults again)", tag: 'Alerting', auth: 'monitors:write', status: 200 },
  { method: 'get', path: `${org}/alert-defaults`, summary: "The org's default alert policy", tag: 'Alerting', auth: 'monitors:read', status: 200 },
  { method: 'put', path: `${org}/alert-defaults`, summary: "Set the org's default alert policy", tag: 'Alerting', auth: 'channels:manage', body: alertPolicySchema, status: 200 },
  { method: 'get', path: `${monitor}/alerts`, summary: "The monitor's alert deliveries, newest first", tag: 'Alerting', auth: 'monitors:read', query: logQuery, status: 200 },

  { method: 'get', path: `${org}/status-pages`, summary: 'Status pages', tag: 'Status pages', auth: 'status-pages:read', status: 200 },
  { method: 'post', path: `${org}/status-pages`, summary: 'Create a status page', tag: 'Status pages', auth: 'status-pages:write', body: pageCreate, status: 201 },
  { method: 'get', path: `${org}/status-pages/{id}`, summary: 'A status page', tag: 'Status pages', auth: 'status-pages:read', status: 200 },
  { method: 'patch', path: `${org}/status-pages/{id}`, summary: 'Change a status page (components are replaced as a list)', tag: 'Status pages', auth: 'status-pages:write', body: pagePatch, status: 200 },
  { method: 'post', path: `${org}/status-pages/{id}/domain/verify`, summary: 'Look for the custom domain\'s TXT record (_pingpage.<domain> holding domainVerification.token) now; served on the domain once found', tag: 'Status pages', auth: 'status-pages:write', status: 200 },
  { method: 'delete', path: `${org}/status-pages/{id}`, summary: 'Delete a status page', tag: 'Status pages', auth: 'status-pages:write', status: 204 },

  { method: 'get', path: `${org}/incidents`, summary: 'Incidents, newest first', tag: 'Incidents', auth: 'status-pages:read', query: incidentQuery, status: 200 },
  { method: 'post', path: `${org}/incidents`, summary: 'Open an incident', tag: 'Incidents', auth: 'incidents:write', body: incidentCreate, status: 201 },
  { method: 'get', path: `${org}/incidents/{id}`, summary: 'An incident with its updates', tag: 'Incidents', auth: 'status-pages:read', status: 200 },
  { method: 'patch', path: `${org}/incidents/{id}`, summary: 'Change an incident', tag: 'Incidents', auth: 'incidents:write', body: incidentPatch, status: 200 },
  { method: 'delete', path: `${org}/incidents/{id}`, summary: 'Delete an incident', tag: 'Incidents', auth: 'incidents:write', status: 204 },
  { method: 'post', path: `${org}/incidents/{id}/updates`, summary: 'Post an update (status, message, component statuses)', tag: 'Incidents', auth: 'incidents:write', body: incidentUpdate, status: 200 },
  { method: 'patch', path: `${org}/incidents/{id}/updates/{updateId}`, summary: "Correct an update's message", tag: 'Incidents', auth: 'incidents:write', body: updatePatch, status: 200 },

  { method: 'get', path: `${org}/maintenances`, summary: 'Maintenance windows', tag: 'Maintenance', auth: 'status-pages:read', query: maintenanceQuery, status: 200 },
  { method: 'post', path: `${org}/maintenances`, summary: 'Schedule a maintenance window', tag: 'Maintenance', auth: 'incidents:write', body: maintenanceCreate, status: 201 },
  { method: 'get', path: `${org}/maintenances/{id}`, summary: 'A maintenance window', tag: 'Maintenance', auth: 'status-pages:read', status: 200 },
  { method: 'patch', path: `${org}/maintenances/{id}`, summary: 'Change a maintenance window', tag: 'Maintenance', auth: 'incidents:write', body: maintenancePatch, status: 200 },
  { method: 'delete', path: `${org}/maintenances/{id}`, summary: 'Delete a maintenance window (a running one ends now)', tag: 'Maintenance', auth: 'incidents:write', status: 204 },

  { method: 'get', path: '/public/status-pages/{slug}', summary: 'A public status page as JSON', tag: 'Public', auth: 'none', status: 200 },
  { method: 'post', path: '/public/status-pages/{slug}/subscribers', summary: 'Subscribe by email or webhook; a confirmation is sent', tag: 'Public', auth: 'none', body: subscribeBody, status: 202 },
];

/** Every `{param}` of the paths above. */
const PATH_PARAMS: Record<string, { schema: z.ZodType; description: string }> = {
  org: { schema: z.uuid(), description: 'Organization id' },
  id: { schema: z.uuid(), description: 'Id of the resource named before it in the path' },
  userId: { schema: z.uuid(), description: 'User id of the member' },
  updateId: { schema: z.uuid(), description: 'Incident update id' },
  slug: { schema: slugSchema, description: "The status page's slug" },
  token: { schema: z.string().regex(TOKEN_PATTERN), description: 'The secret of an invitation link (`pp_inv_…`)' },
};

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

const SUCCESS: Record<Operation['status'], string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' };

const json = (schema: JsonSchema | { $ref: string }) => ({ 'application/json': { schema } });
const errorRef = { $ref: '#/components/schemas/Error' };

const COMPONENTS = {
  securitySchemes: {
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
  },
  schemas: {
    Error: {
      type: 'object',
      description: 'Every error answer.',
      required: ['error'],
      additionalProperties: false,
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          additionalProperties: false,
          properties: {
            code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', description: 'Stable, e.g. VALIDATION_FAILED, NOT_FOUND, RATE_LIMITED' },
            message: { type: 'string', description: 'For people; may change' },
            details: { description: 'More about the error; for VALIDATION_FAILED, the list of ValidationIssue' },
          },
        },
      },
    },
    ValidationIssue: {
      type: 'object',
      required: ['path', 'code', 'message'],
      properties: {
        path: { type: 'string', description: 'Dotted path of the field, e.g. components.0.name; empty for the whole input' },
        code: { type: 'string', description: "zod's issue code, or our own such as PASSWORD_TOO_SHORT" },
        message: { type: 'string' },
        keys: { type: 'array', items: { type: 'string' }, description: 'The unknown keys, for unrecognized_keys' },
      },
    },
  },
  responses: {
    ValidationFailed: {
      description: 'The body or query is not valid: VALIDATION_FAILED with the issues in details (also INVALID_JSON)',
      content: json({
        allOf: [errorRef, { properties: { error: { properties: { details: { type: 'array', items: { $ref: '#/components/schemas/ValidationIssue' } } } } } }],
      }),
    },
    Unauthorized: { description: 'Not signed in, or the API key is not valid', content: json(errorRef) },
    Forbidden: { description: 'The role or the API key scopes do not allow this, or the CSRF check failed; refused to an API key, `details.requiredScopes` lists the scopes that would allow it (any one)', content: json(errorRef) },
    NotFound: { description: 'No such resource, or not yours', content: json(errorRef) },
    TooLarge: { description: 'The request body is too large', content: json(errorRef) },
    Error: { description: 'Any other error (409 conflict, 415, 429 rate limited, …)', content: json(errorRef) },
  },
};

/** A zod schema as a Schema Object: `$defs` (recursive or named schemas) move to components. */
function embed(schema: z.ZodType, name: string, shared: Record<string, JsonSchema>): JsonSchema {
  const { $schema: _dialect, $defs, ...root } = inputJsonSchema(schema, { unrepresentable: 'any' });
  const defs = ($defs ?? {}) as Record<string, JsonSchema>;
  const target = (ref: string) => {
    if (ref === '#') return `#/components/schemas/${name}`;
    const def = /^#\/\$defs\/(.+)$/.exec(ref)?.[1];
    return def !== undefined ? `#/components/schemas/${name}.${def}` : ref;
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
  for (const [key, def] of Object.entries(defs)) shared[`${name}.${key}`] = rewrite(def) as JsonSchema;
  const body = rewrite(root) as JsonSchema;
  if (!selfRef) return body;
  shared[name] = body;
  return { $ref: target('#') };
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

/** components.parameters: one entry per path parameter name. */
function pathParameterComponents() {
  return Object.fromEntries(
    Object.entries(PATH_PARAMS).map(([name, p]) => {
      const { $schema: _dialect, ...schema } = inputJsonSchema(p.schema, { unrepresentable: 'any' });
      return [name, { name, in: 'path', required: true, description: p.description, schema }];
    }),
  );
}

function pathParameters(op: Operation) {
  return [...op.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => {
    if (!PATH_PARAMS[name!]) throw new Error(`${op.method.toUpperCase()} ${op.path}: no schema for the path parameter {${name}}`);
    return { $ref: `#/components/parameters/${name}` };
  });
}

function operation(op: Operation, shared: Record<string, JsonSchema>) {
  const id = operationId(op);
  const inPath = pathParameters(op);
  const parameters = [...inPath, ...(op.query ? queryParameters(op, op.query) : [])];
  const responses: Record<string, unknown> = {
    [op.status]: op.status === 204 ? { description: SUCCESS[op.status] } : { description: SUCCESS[op.status], content: { 'application/json': {} } },
  };
  if (op.body || op.query) responses['400'] = { $ref: '#/components/responses/ValidationFailed' };
  if (op.auth !== 'none') {
    responses['401'] = { $ref: '#/components/responses/Unauthorized' };
    responses['403'] = { $ref: '#/components/responses/Forbidden' };
  }
  if (inPath.length) responses['404'] = { $ref: '#/components/responses/NotFound' };
  if (op.body) responses['413'] = { $ref: '#/components/responses/TooLarge' };
  responses.default = { $ref: '#/components/responses/Error' };
  const permission = permissionOf(op.auth);
  return {
    operationId: id,
    summary: op.summary,
    ...(permission ? { description: permissionNote(permission), 'x-pingpage-permission': permission, 'x-pingpage-scopes': scopesAllowing(permission) } : {}),
    tags: [op.tag],
    security: security(op.auth),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: json(embed(op.body, `${id}Body`, shared)) } } : {}),
    responses,
  };
}

/** The whole document for `operations` (default: every route of the API). */
export function buildOpenApi(operations: readonly Operation[] = OPERATIONS): Record<string, unknown> {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; description?: string };
  const shared: Record<string, JsonSchema> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`${op.method.toUpperCase()} ${op.path} is described twice`);
    item[op.method] = operation(op, shared);
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
    components: { ...COMPONENTS, schemas: { ...COMPONENTS.schemas, ...shared }, parameters: pathParameterComponents() },
  };
}

/** GET /openapi.json: public, built on first request, then served from memory. */
export function openApiRoutes(): Router {
  const router = new Router();
  let body: string | undefined;
  router.get('/openapi.json', (ctx) => {
    body ??= JSON.stringify(buildOpenApi());
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = body;
  });
  return router;
}
