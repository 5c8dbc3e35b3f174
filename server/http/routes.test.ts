/**
 * The route toolkit on a bare Koa app (no database): what the mounter checks before a handler
 * runs, in which order, what it answers, and what `describe` derives for the OpenAPI document.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Middleware } from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { createLogger } from '../log.js';
import { jsonBody } from './body.js';
import { errorMiddleware } from './errors.js';
import { declarationsOf, defineRoute, describe as describeRoutes, mount, pathText, uuid, type Auth, type Route } from './routes.js';
import { page } from '../../contracts/input.js';

const route = defineRoute<{ who?: string }>();
const seen: unknown[] = [];

const routes: Route[] = [
  route({
    method: 'get',
    path: '/orgs/:org/things/:id',
    summary: 'A thing',
    tag: 'Monitors',
    auth: 'monitors:read',
    params: { id: uuid('Thing') },
    query: z.strictObject({ limit: page.limit(10, 5), before: page.before(z.string().regex(/^\d+$/)) }),
    responses: { 200: z.object({ id: z.string(), org: z.string(), limit: z.number(), who: z.string().optional() }) },
    handler: (ctx, { params, query }) => {
      seen.push(query);
      return { id: params.id, org: params.org, limit: query.limit, who: ctx.state.who };
    },
  }),
  route({
    method: 'post',
    path: '/things',
    summary: 'Make a thing',
    tag: 'Monitors',
    auth: 'session',
    body: z.strictObject({ name: z.string().min(1) }),
    responses: { 201: z.object({ name: z.string() }) },
    errors: [409],
    handler: (_ctx, { body }) => {
      if (body.name === 'taken') throw new AppError(409, 'SLUG_TAKEN', 'Taken');
      return { name: body.name };
    },
  }),
  route({
    method: 'delete',
    path: '/links/:token',
    summary: 'Forget a link',
    tag: 'Public',
    auth: 'none',
    params: { token: pathText(z.string().regex(/^tok_/), 'A link') },
    body: z.strictObject({}).optional(),
    responses: { 204: null },
    handler: (_ctx, { params }) => {
      seen.push(params.token);
    },
  }),
];

// The guard the composition hands over: here, a header says who is asking.
const guarded: Auth[] = [];
const guard = (auth: Auth): Middleware[] => {
  guarded.push(auth);
  if (auth === 'none') return [];
  return [
    async (ctx, next) => {
      const who = ctx.get('x-who');
      if (!who) throw new AppError(401, 'UNAUTHORIZED', 'Sign in first');
      if (auth !== 'session' && who !== 'reader') throw new AppError(403, 'FORBIDDEN', 'No');
      ctx.state.who = who;
      await next();
    },
  ];
};

let server: http.Server;
let url: string;

beforeAll(async () => {
  const app = new Koa();
  app.use(errorMiddleware(createLogger('silent')));
  app.use(jsonBody(1000));
  const router = mount(routes, guard);
  expect(declarationsOf(router)).toBe(routes);
  app.use(router.routes()).use(router.allowedMethods());
  server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function call(method: string, path: string, opts: { who?: string; body?: unknown } = {}) {
  const res = await fetch(url + path, {
    method,
    headers: { ...(opts.who ? { 'x-who': opts.who } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const org = '6f1c2c4e-8a8b-4c1e-9f0e-0b7b3f3f4a10';
const id = '0d9b1b64-7f0e-4b9a-8a53-2f6cb0b8e7c1';

describe('mount', () => {
  it('puts the guard of each route first, by its declared auth', () => {
    expect(guarded).toEqual(['monitors:read', 'session', 'none']);
  });

  it('answers with the declared status and the handler’s body, params and query parsed', async () => {
    expect(await call('GET', `/orgs/${org}/things/${id}?limit=3`, { who: 'reader' })).toEqual({ status: 200, body: { id, org, limit: 3, who: 'reader' } });
    expect(seen.pop()).toEqual({ limit: 3 });
    expect(await call('POST', '/things', { who: 'someone', body: { name: 'a' } })).toEqual({ status: 201, body: { name: 'a' } });
    expect(await call('DELETE', '/links/tok_1')).toEqual({ status: 204, body: undefined });
    expect(seen.pop()).toBe('tok_1');
  });

  it('answers a malformed UUID with 404 naming what it names, :org included, after the guard', async () => {
    expect(await call('GET', `/orgs/${org}/things/nope`, { who: 'reader' })).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'Thing not found' } } });
    expect(await call('GET', `/orgs/nope/things/${id}`, { who: 'reader' })).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'Organization not found' } } });
    expect((await call('GET', `/orgs/${org}/things/nope`)).status).toBe(401);
    expect((await call('GET', `/orgs/${org}/things/nope`, { who: 'stranger' })).status).toBe(403);
  });

  it('hands a documented-only param to the handler as it came', async () => {
    expect((await call('DELETE', '/links/anything')).status).toBe(204);
    expect(seen.pop()).toBe('anything');
  });

  it('refuses a bad query or body with 400 VALIDATION_FAILED at the field, as parse() does', async () => {
    const q = await call('GET', `/orgs/${org}/things/${id}?limit=11&extra=1`, { who: 'reader' });
    expect(q.status).toBe(400);
    expect(q.body.error.code).toBe('VALIDATION_FAILED');
    expect(q.body.error.details.map((d: { path: string; code: string }) => `${d.path}:${d.code}`).sort()).toEqual([':unrecognized_keys', 'limit:too_big']);
    const b = await call('POST', '/things', { who: 'someone', body: { name: '' } });
    expect([b.status, b.body.error.code, b.body.error.details[0].path]).toEqual([400, 'VALIDATION_FAILED', 'name']);
    expect((await call('POST', '/things', { who: 'someone' })).status).toBe(400);
    expect((await call('DELETE', '/links/tok_2', { body: { no: 1 } })).status).toBe(400);
    expect((await call('POST', '/things', { who: 'someone', body: { name: 'taken' } })).body.error.code).toBe('SLUG_TAKEN');
  });

  it('refuses declarations that do not add up, at once', () => {
    const base = { method: 'get', summary: 's', tag: 'Public', auth: 'none', handler: () => ({}) } as const;
    expect(() => mount([route({ ...base, path: '/a/:id', responses: { 200: z.object({}) } })], guard)).toThrow(/declare the path parameter :id/);
    expect(() => mount([route({ ...base, path: '/a', params: { id: uuid('A') } as never, responses: { 200: z.object({}) } })], guard)).toThrow(/not in the path/);
    expect(() => mount([route({ ...base, path: '/a', responses: { 200: z.object({}), 201: z.object({}) } })], guard)).toThrow(/exactly one success status/);
  });

  it("refuses an operation served ahead of the app: it has no handler to mount", () => {
    const ahead = route({ served: 'ahead', method: 'get', path: '/public/things/:slug', summary: 's', tag: 'Public', auth: 'none', params: { slug: pathText(z.string(), 'Slug') }, responses: { 200: z.object({}) } });
    expect(() => mount([routes[0]!, ahead], guard)).toThrow("GET /public/things/:slug is served ahead of the app (served: 'ahead'): it has no handler to mount; hand it to the OpenAPI document only");
  });
});

describe('describe', () => {
  it('gives each operation its OpenAPI path, params, answer and the error answers it implies', () => {
    const [get, post, del] = describeRoutes(routes);
    expect(get).toMatchObject({ method: 'get', path: '/orgs/{org}/things/{id}', status: 200, errors: [400, 401, 403, 404] });
    expect(get!.params.map((p) => [p.name, p.description])).toEqual([['org', 'Organization id'], ['id', 'Thing id']]);
    expect(post).toMatchObject({ path: '/things', status: 201, bodyRequired: true, errors: [400, 401, 403, 409, 413] });
    expect(del).toMatchObject({ path: '/links/{token}', status: 204, answer: null, bodyRequired: false, errors: [400, 404, 413] });
  });

  it('describes an operation served ahead of the app like a mounted one', () => {
    const answer = z.object({ status: z.literal('queued') });
    const body = z.strictObject({ email: z.email() });
    const [op] = describeRoutes([
      route({ served: 'ahead', method: 'post', path: '/public/things/:slug/subscribers', summary: 'Sign up', tag: 'Public', auth: 'none', params: { slug: pathText(z.string(), 'Slug') }, body, responses: { 202: answer }, errors: [429] }),
    ]);
    expect(op).toMatchObject({ method: 'post', path: '/public/things/{slug}/subscribers', status: 202, body, bodyRequired: true, answer, errors: [400, 404, 413, 429] });
    expect(op!.params.map((p) => p.name)).toEqual(['slug']);
  });

  it('declares the paging fields once', () => {
    const q = z.strictObject({ limit: page.limit(50, 20), before: page.before(z.string()) });
    expect(q.parse({})).toEqual({ limit: 20 });
    expect(q.safeParse({ limit: '51' }).success).toBe(false);
    expect(q.parse({ limit: '2', before: '9' })).toEqual({ limit: 2, before: '9' });
  });
});
