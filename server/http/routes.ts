/**
 * Routes that describe themselves (issue 14, item 2). A domain declares each route as data: method,
 * path, who may call it, the zod schemas of its params, query, body and answers, and a handler.
 * `mount()` builds the Koa router from the declarations; `describe()` gives what the OpenAPI
 * document (server/openapi.ts) is built from. One list, so the two cannot drift.
 *
 * How a route is declared (server/orgs/routes.ts, server/auth/routes.ts are whole examples):
 *
 *   const route = defineRoute<OrgState>();
 *   route({
 *     method: 'delete', path: '/orgs/:org/api-keys/:id', tag: 'Organizations', auth: 'keys:manage',
 *     summary: 'Revoke an API key',
 *     params: { id: uuid('API key') },          // a malformed id: 404 "API key not found"
 *     responses: { 204: null },
 *     handler: async (ctx, { params }) => { ... },   // returns the answer's body (nothing for 204)
 *   });
 *
 * - `:org` needs no declaration: every route under /orgs/:org has it, as the Organization's UUID.
 * - Query and body are parsed with their schema before the handler runs, after the guard: the
 *   same 400 VALIDATION_FAILED answers as http/body.ts `parse`.
 * - The one success status is the key of `responses` (200, 201, 202 or 204); the handler returns
 *   that answer's body, typed by its schema. Error answers are added by `describe()`.
 * - `served: 'ahead'` declares an operation the app answers ahead of its routers (before sessions
 *   and the body parser, or straight from memory: the public status page JSON, a subscriber's
 *   sign-up). It has no handler: the code that serves it stays where it is, and the declaration
 *   sits next to it. `describe()` documents it like any route; `mount()` refuses it. The domain
 *   hands it to main.ts apart from its mounted `routes`, and openapi.test.ts asks the running app
 *   for each one.
 */
import Router, { type RouterContext } from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { Action } from '../../contracts/auth.js';
import { notFound } from '../errors.js';
import { parse } from './body.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call: `none` (anyone), `session` (a signed-in person; handlers refuse API keys
 * themselves, each with its reason), `session-or-key` (a person or any API key), or the org
 * permission the org guard checks, which API keys get through their scopes (auth/authorize.ts).
 */
export type Auth = 'none' | 'session' | 'session-or-key' | Action;

/** The middleware that lets a request through for `auth`: made by the composition (auth/), so http/ needs no domain. */
export type Guard = (auth: Auth) => Middleware[];

/** The groups of the OpenAPI document (their descriptions are in server/openapi.ts). */
export type Tag = 'Instance' | 'Auth' | 'Organizations' | 'Monitors' | 'Alerting' | 'Status pages' | 'Incidents' | 'Maintenance' | 'Public';

export type SuccessStatus = 200 | 201 | 202 | 204;

/**
 * Error answers a route gives beyond those `describe()` derives from its declaration (400 for a
 * query or body, 401 and 403 for a guard, 404 for path params, 413 for a body).
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 429 | 502 | 503;

/**
 * A path parameter. `what` set: the value must match `schema`, anything else answers 404 "<what>
 * not found" before the handler runs (a malformed id names nothing). `what` unset: the schema only
 * documents the value, and the handler judges it (e.g. an invitation token, whose lookups are
 * counted per address).
 */
export interface Param {
  schema: z.ZodType<string>;
  description: string;
  what?: string;
}

/** A UUID path parameter naming a `what` ("Monitor"): malformed ids answer 404 "Monitor not found". */
export function uuid(what: string, description = `${what} id`): Param {
  return { schema: z.uuid(), what, description };
}

/** A path parameter the handler checks itself; `schema` documents it. */
export function pathText(schema: z.ZodType<string>, description: string): Param {
  return { schema, description };
}

/** `:org`, on every route under /orgs/:org: declared here, once. */
export const ORG_PARAM: Param = uuid('Organization');

/** `:a/:b` → 'a' | 'b'. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}` ? Name | PathParams<`/${Rest}`> : P extends `${string}:${infer Name}` ? Name : never;

type Responses = Partial<Record<SuccessStatus, z.ZodType | null>>;

/** The body a handler returns: what the success answer's schema describes (nothing for `null`, i.e. 204). */
export type AnswerOf<R extends Responses> = { [S in keyof R]: R[S] extends z.ZodType ? z.input<R[S]> : void }[keyof R];

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface Input<P extends string, Q, B> {
  params: Record<PathParams<P>, string>;
  query: Parsed<Q>;
  body: Parsed<B>;
}

export type RouteContext<S> = RouterContext<S>;

/** What every declaration has: the operation as the OpenAPI document shows it. */
interface Declaration<P extends string, Q extends z.ZodType | undefined, B extends z.ZodType | undefined, R extends Responses> {
  method: Method;
  /** Koa style, under /api/v1: '/orgs/:org/monitors/:id'. */
  path: P;
  summary: string;
  /** Longer words for the document, after the permission note. */
  description?: string;
  tag: Tag;
  auth: Auth;
  /** Every `:param` of the path but `:org`. */
  params?: Partial<Record<PathParams<P>, Param>>;
  /** A z.strictObject of the query string's fields. */
  query?: Q;
  /** The JSON body's schema; an optional schema (`.optional()`) makes the body optional. */
  body?: B;
  /** The one success status and its body's schema (`null`: no body, 204). */
  responses: R;
  errors?: ErrorStatus[];
}

/** A route `mount()` serves: the declaration and its handler. */
export interface RouteDef<S, P extends string, Q extends z.ZodType | undefined, B extends z.ZodType | undefined, R extends Responses> extends Declaration<P, Q, B, R> {
  served?: undefined;
  handler: (ctx: RouteContext<S>, input: Input<P, Q, B>) => Promise<AnswerOf<R>> | AnswerOf<R>;
  /** How the answer goes out, when not as plain JSON (e.g. compressed once: http/compressed.ts); it sets ctx.body. */
  send?: Send;
}

/** An operation answered ahead of the app's routers by code of its own (see the top comment): no handler. */
export interface AheadDef<P extends string, Q extends z.ZodType | undefined, B extends z.ZodType | undefined, R extends Responses> extends Declaration<P, Q, B, R> {
  served: 'ahead';
}

/** Puts the handler's answer into the response (its status is already set). */
export type Send = (ctx: RouteContext<any>, answer: unknown) => Promise<void> | void;

/** A declaration of any shape: what lists of routes hold. */
export type Route = MountedRoute | AheadRoute;

interface AnyDeclaration {
  method: Method;
  path: string;
  summary: string;
  description?: string;
  tag: Tag;
  auth: Auth;
  params?: Partial<Record<string, Param>>;
  query?: z.ZodType;
  body?: z.ZodType;
  responses: Responses;
  errors?: ErrorStatus[];
}

export interface MountedRoute extends AnyDeclaration {
  served?: undefined;
  handler: (ctx: RouteContext<any>, input: { params: Record<string, string>; query: any; body: any }) => unknown;
  send?: Send;
}

export interface AheadRoute extends AnyDeclaration {
  served: 'ahead';
}

/**
 * The declaring function for routes whose handlers read state `S` (e.g. OrgState, set by the org
 * guard): `const route = defineRoute<OrgState>()` once per file, then `route({...})` per route
 * (or `route({ served: 'ahead', ... })` for an operation answered ahead of the app).
 */
export function defineRoute<S = Record<string, unknown>>() {
  return <const P extends string, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined, R extends Responses = Responses>(
    def: RouteDef<S, P, Q, B, R> | AheadDef<P, Q, B, R>,
  ): Route => def as unknown as Route;
}

/** The route's one success status. */
export function successOf(route: Route): SuccessStatus {
  const statuses = Object.keys(route.responses).map(Number) as SuccessStatus[];
  if (statuses.length !== 1) throw new Error(`${route.method.toUpperCase()} ${route.path}: declare exactly one success status (has ${statuses.join(', ') || 'none'})`);
  return statuses[0]!;
}

/** The route's path params in path order, each with its declaration (`:org` from ORG_PARAM). */
export function paramsOf(route: Route): Array<[string, Param]> {
  const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const declared = Object.keys(route.params ?? {});
  const extra = declared.filter((n) => !names.includes(n));
  if (extra.length) throw new Error(`${route.method.toUpperCase()} ${route.path}: params ${extra.join(', ')} are not in the path`);
  return names.map((name) => {
    const p = name === 'org' ? (route.params?.org ?? ORG_PARAM) : route.params?.[name];
    if (!p) throw new Error(`${route.method.toUpperCase()} ${route.path}: declare the path parameter :${name}`);
    return [name, p];
  });
}

const mounted = new WeakMap<Router<any>, readonly Route[]>();

/** The declarations a router was mounted from; undefined for a router built by hand. */
export function declarationsOf(router: Router<any>): readonly Route[] | undefined {
  return mounted.get(router);
}

/**
 * The Koa router of `routes`: for each, the guard of its `auth`, then its path params, query and
 * body checked and parsed, then its handler, whose return is the answer with the declared status.
 * Throws at once on a declaration that does not add up (an undeclared param, two success statuses),
 * and on one answered ahead of the app (`served: 'ahead'`), which has nothing to mount.
 */
export function mount(routes: readonly Route[], guard: Guard): Router<any> {
  const router = new Router<any>();
  for (const route of routes) {
    if (route.served === 'ahead') {
      throw new Error(`${route.method.toUpperCase()} ${route.path} is served ahead of the app (served: 'ahead'): it has no handler to mount; hand it to the OpenAPI document only`);
    }
    const status = successOf(route);
    const params = paramsOf(route);
    const run: Middleware = async (ctx) => {
      const values: Record<string, string> = {};
      for (const [name, p] of params) {
        const raw = (ctx as RouteContext<unknown>).params[name];
        if (p.what === undefined) values[name] = String(raw);
        else {
          const v = p.schema.safeParse(raw);
          if (!v.success) throw notFound(p.what);
          values[name] = v.data;
        }
      }
      const query = route.query ? parse(route.query, { ...ctx.query }) : undefined;
      const body = route.body ? parse(route.body, ctx.request.body) : undefined;
      const answer = await route.handler(ctx as RouteContext<any>, { params: values, query, body });
      ctx.status = status;
      if (status === 204) return;
      if (route.send) await route.send(ctx as RouteContext<any>, answer);
      else ctx.body = answer;
    };
    router.register(route.path, [route.method.toUpperCase()], [...guard(route.auth), run]);
  }
  mounted.set(router, routes);
  return router;
}

/** One operation of the API as the OpenAPI document needs it. */
export interface Operation {
  method: Method;
  /** Under /api/v1, with OpenAPI `{param}` placeholders. */
  path: string;
  summary: string;
  description?: string;
  tag: Tag;
  auth: Auth;
  params: Array<{ name: string; schema: z.ZodType; description: string }>;
  query?: z.ZodType;
  body?: z.ZodType;
  /** False when the body schema accepts no body at all. */
  bodyRequired: boolean;
  status: SuccessStatus;
  /** The success answer's schema; null for none (204). */
  answer: z.ZodType | null;
  /** Every error status the route may answer, derived from the declaration and its own `errors`. */
  errors: ErrorStatus[];
}

/** The operations of `routes`, for the OpenAPI document. */
export function describe(routes: readonly Route[]): Operation[] {
  return routes.map((route) => {
    const status = successOf(route);
    const params = paramsOf(route);
    const errors = new Set<ErrorStatus>(route.errors ?? []);
    if (route.query || route.body) errors.add(400);
    if (route.auth !== 'none') {
      errors.add(401);
      errors.add(403);
    }
    if (params.length) errors.add(404);
    if (route.body) errors.add(413);
    return {
      method: route.method,
      path: route.path.replace(/:(\w+)/g, '{$1}'),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tag: route.tag,
      auth: route.auth,
      params: params.map(([name, p]) => ({ name, schema: p.schema, description: p.description })),
      ...(route.query ? { query: route.query } : {}),
      ...(route.body ? { body: route.body } : {}),
      bodyRequired: route.body ? !route.body.safeParse(undefined).success : false,
      status,
      answer: route.responses[status] ?? null,
      errors: [...errors].sort((a, b) => a - b),
    };
  });
}
