import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ByteBudget, plainContext, ProbeFailure, type ProbeContext } from '../sdk.js';
import { makeCa, makeLeaf, type Pem } from '../testing/certs.js';
import { forbiddenContext, localContext } from '../testing/context.js';
import { listen, type Running } from '../testing/servers.js';
import http from './index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const running: Running[] = [];
async function serve(handler: Handler): Promise<Running> {
  const server = await listen(createServer(handler));
  running.push(server);
  return server;
}
async function serveTls(pem: Pem, handler: Handler): Promise<Running> {
  const server = await listen(createHttpsServer({ key: pem.key, cert: pem.cert }, handler));
  running.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(running.map((server) => server.close()));
});

const signal = () => AbortSignal.timeout(5_000);
const parse = (input: unknown) => http.configSchema.parse(input);
const run = (config: unknown, ctx: ProbeContext = localContext(), abort = signal()) =>
  http.run(ctx, parse(config), abort);

describe('http config', () => {
  const base = { url: 'http://example.test/' };
  it.each([
    ['a file: URL', { url: 'file:///etc/passwd' }, ['url']],
    ['a gopher: URL', { url: 'gopher://example.test/' }, ['url']],
    ['a javascript: URL', { url: 'javascript:alert(1)' }, ['url']],
    ['no URL', {}, ['url']],
    ['an unknown method', { ...base, method: 'TRACE' }, ['method']],
    ['a status like 2xx', { ...base, expectedStatus: ['2xx'] }, ['expectedStatus', 0]],
    ['a status out of range', { ...base, expectedStatus: [700] }, ['expectedStatus', 0]],
    ['no accepted status at all', { ...base, expectedStatus: [] }, ['expectedStatus']],
    ['a header name with a space', { ...base, headers: { 'X Bad': 'v' } }, ['headers', 'X Bad']],
    ['a header value with CRLF', { ...base, headers: { 'X-A': 'v\r\nInjected: 1' } }, ['headers', 'X-A']],
    ['an unknown auth type', { ...base, auth: { type: 'digest' } }, ['auth', 'type']],
    ['basic auth without a password', { ...base, auth: { type: 'basic', username: 'u' } }, ['auth', 'password']],
    ['negative maxRedirects', { ...base, maxRedirects: -1 }, ['maxRedirects']],
    ['a huge maxBodyBytes', { ...base, maxBodyBytes: 1e10 }, ['maxBodyBytes']],
    ['maxBodyBytes above 10 MiB', { ...base, maxBodyBytes: 10 * 1024 * 1024 + 1 }, ['maxBodyBytes']],
    ['a regex keyword with a back-reference', { ...base, keyword: '(a)\\1', keywordRegex: true }, ['keyword']],
    ['a regex keyword with look-ahead', { ...base, keyword: 'a(?=b)', keywordRegex: true }, ['keyword']],
    ['a malformed jsonPath', { ...base, jsonPath: 'a..b' }, ['jsonPath']],
    ['a CA that is not PEM', { ...base, ca: '/etc/ssl/ca.pem' }, ['ca']],
    ['a misspelt field', { ...base, expectedStatuses: [200] }, []],
  ])('refuses %s', (_name, input, path) => {
    const result = http.configSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(path);
  });

  it('takes the same text as a plain keyword, and 10 MiB as the largest body', () => {
    expect(http.configSchema.safeParse({ ...base, keyword: '(a)\\1' }).success).toBe(true);
    expect(http.configSchema.safeParse({ ...base, maxBodyBytes: 10 * 1024 * 1024 }).success).toBe(true);
    const refused = http.configSchema.safeParse({ ...base, keyword: '(?<!a)b', keywordRegex: true });
    expect(refused.error?.issues[0]).toMatchObject({ code: 'custom', params: { code: 'REGEX_UNSUPPORTED' } });
  });

  it('clamps a stored maxBodyBytes above today\'s limit instead of refusing the monitor', () => {
    const stored = { ...base, maxBodyBytes: 64 * 1024 * 1024 };
    expect(http.configSchema.safeParse(stored).success).toBe(false);
    expect(parse(http.upgradeConfig!(stored)).maxBodyBytes).toBe(10 * 1024 * 1024);
    expect(http.upgradeConfig!(base)).toBe(base);
  });

  it('fills in the defaults', () => {
    expect(parse(base)).toEqual({
      ...base,
      method: 'GET',
      headers: {},
      auth: { type: 'none' },
      followRedirects: true,
      maxRedirects: 5,
      expectedStatus: ['200-399'],
      keywordRegex: false,
      invertKeyword: false,
      maxBodyBytes: 1024 * 1024,
      ignoreTlsErrors: false,
    });
  });

  it('renders as JSON Schema with descriptions and defaults', () => {
    const schema = z.toJSONSchema(http.configSchema, { io: 'input' }) as {
      properties: Record<string, { description?: string; default?: unknown }>;
    };
    for (const [name, field] of Object.entries(schema.properties)) expect(field.description, name).toBeTruthy();
    expect(schema.properties.expectedStatus.default).toEqual(['200-399']);
  });
});

describe('http probe', () => {
  it('connects to the resolved address and sends Host, User-Agent and a timed request', async () => {
    let seen: IncomingMessage['headers'] = {};
    const server = await serve((req, res) => {
      seen = req.headers;
      res.end('hello');
    });
    const ctx = localContext();
    const result = await run({ url: `http://app.test:${server.port}/health?x=1` }, ctx);
    expect(result).toMatchObject({ ok: true, metadata: { statusCode: 200, bodyBytes: 5, bodyTruncated: false, redirects: [] } });
    expect(ctx.resolved).toEqual(['app.test']);
    expect(seen.host).toBe(`app.test:${server.port}`);
    expect(seen['user-agent']).toBe('PingPage/test');
    for (const phase of ['resolve', 'connect', 'firstByte', 'total'] as const) {
      expect(result.timings[phase]).toBeGreaterThanOrEqual(0);
    }
    expect(result.timings.tls).toBeUndefined();
  });

  it('works with the plain context and an IP literal', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const result = await run({ url: `http://127.0.0.1:${server.port}/` }, plainContext);
    expect(result.ok).toBe(true);
  });

  it('sends method, headers, body and auth', async () => {
    const seen: Array<{ method?: string; auth?: string; type?: string; body: string }> = [];
    const server = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method, auth: req.headers.authorization, type: req.headers['content-type'], body });
        res.end();
      });
    });
    const url = `http://app.test:${server.port}/`;
    await run({ url, method: 'POST', body: '{"a":1}', headers: { 'Content-Type': 'application/json' }, auth: { type: 'basic', username: 'u', password: 'p' } });
    await run({ url, method: 'DELETE', auth: { type: 'bearer', token: 't0k' } });
    expect(seen).toEqual([
      { method: 'POST', auth: `Basic ${Buffer.from('u:p').toString('base64')}`, type: 'application/json', body: '{"a":1}' },
      { method: 'DELETE', auth: 'Bearer t0k', type: undefined, body: '' },
    ]);
  });

  it('checks the status against codes and ranges', async () => {
    const server = await serve((req, res) => {
      res.statusCode = Number(req.url?.slice(1));
      res.end();
    });
    const url = (code: number) => `http://app.test:${server.port}/${code}`;
    expect((await run({ url: url(503) })).error?.code).toBe('STATUS_MISMATCH');
    expect((await run({ url: url(404) })).error?.code).toBe('STATUS_MISMATCH');
    expect((await run({ url: url(503), expectedStatus: [503] })).ok).toBe(true);
    expect((await run({ url: url(204), expectedStatus: ['200-204', 301] })).ok).toBe(true);
    expect((await run({ url: url(205), expectedStatus: ['200-204', 301] })).error?.code).toBe('STATUS_MISMATCH');
  });

  it('checks keywords, inverted keywords and regular expressions', async () => {
    const server = await serve((_req, res) => res.end('<h1>All systems operational</h1>'));
    const url = `http://app.test:${server.port}/`;
    expect((await run({ url, keyword: 'operational' })).ok).toBe(true);
    expect((await run({ url, keyword: 'maintenance' })).error?.code).toBe('KEYWORD_MISSING');
    expect((await run({ url, keyword: 'maintenance', invertKeyword: true })).ok).toBe(true);
    expect((await run({ url, keyword: 'operational', invertKeyword: true })).error?.code).toBe('KEYWORD_FOUND');
    expect((await run({ url, keyword: 'All \\w+ operational', keywordRegex: true })).ok).toBe(true);
    expect((await run({ url, keyword: '^operational', keywordRegex: true })).error?.code).toBe('KEYWORD_MISSING');
    // Refused by the schema; one stored before that rule fails the check instead of crashing it.
    const stored = { ...parse({ url }), keyword: '(unclosed', keywordRegex: true };
    expect((await http.run(localContext(), stored, signal())).error?.code).toBe('CONFIG_INVALID');
  });

  it('checks a value inside a JSON body', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/text') return res.end('not json');
      res.end(JSON.stringify({ data: { items: [{ status: 'up', count: 3, tags: ['a'] }] } }));
    });
    const url = `http://app.test:${server.port}/`;
    expect((await run({ url, jsonPath: 'data.items[0].status', jsonExpected: 'up' })).ok).toBe(true);
    expect((await run({ url, jsonPath: 'data.items[0].count', jsonExpected: '3' })).ok).toBe(true);
    expect((await run({ url, jsonPath: 'data.items[0].tags', jsonExpected: '["a"]' })).ok).toBe(true);
    expect((await run({ url, jsonPath: 'data.items[0]' })).ok).toBe(true);
    expect((await run({ url, jsonPath: 'data.items[0].status', jsonExpected: 'down' })).error?.code).toBe('JSON_MISMATCH');
    expect((await run({ url, jsonPath: 'data.items[1].status' })).error?.code).toBe('JSON_MISMATCH');
    expect((await run({ url, jsonPath: 'data.constructor' })).error?.code).toBe('JSON_MISMATCH');
    expect((await run({ url: `${url}text`, jsonPath: 'data' })).error?.code).toBe('JSON_MISMATCH');
    expect((await run({ url, jsonExpected: 'up' })).error?.code).toBe('CONFIG_INVALID');
  });

  it('fails a response slower than maxResponseTimeMs', async () => {
    const server = await serve((_req, res) => void setTimeout(() => res.end('late'), 200));
    const result = await run({ url: `http://app.test:${server.port}/`, maxResponseTimeMs: 50 });
    expect(result.error?.code).toBe('SLOW_RESPONSE');
    expect(result.metadata.statusCode).toBe(200);
  });

  it('does not read the body of a HEAD request', async () => {
    const server = await serve((_req, res) => res.end('body'));
    const result = await run({ url: `http://app.test:${server.port}/`, method: 'HEAD' });
    expect(result).toMatchObject({ ok: true, metadata: { bodyBytes: 0 } });
  });
});

describe('http redirects', () => {
  let origin: Running;
  let other: Running;
  const otherSeen: Array<{ url?: string; method?: string; auth?: string; host?: string }> = [];
  beforeAll(async () => {
    other = await serve((req, res) => {
      otherSeen.push({ url: req.url, method: req.method, auth: req.headers.authorization, host: req.headers.host });
      res.end('landed');
    });
    origin = await serve((req, res) => {
      const go = (status: number, location: string) => {
        res.writeHead(status, { location });
        res.end();
      };
      const path = req.url ?? '/';
      if (path === '/a') return go(301, '/b');
      if (path === '/b') return go(302, `http://other.test:${other.port}/final`);
      if (path === '/loop') return go(302, '/loop');
      if (path === '/file') return go(302, 'file:///etc/passwd');
      if (path === '/forbidden') return go(307, `http://evil.test:${other.port}/steal`);
      if (path === '/post') return go(303, `http://other.test:${other.port}/after-post`);
      if (path === '/nolocation') return void res.writeHead(302).end();
      res.end('origin');
    });
  });

  it('follows a chain, resolving every hop, and drops credentials across origins', async () => {
    const ctx = localContext();
    const result = await run({ url: `http://app.test:${origin.port}/a`, auth: { type: 'bearer', token: 'secret' } }, ctx);
    expect(result).toMatchObject({
      ok: true,
      metadata: {
        statusCode: 200,
        redirects: [`http://app.test:${origin.port}/b`, `http://other.test:${other.port}/final`],
        bodyBytes: 6,
      },
    });
    expect(ctx.resolved).toEqual(['app.test', 'app.test', 'other.test']);
    expect(otherSeen.at(-1)).toEqual({ url: '/final', method: 'GET', auth: undefined, host: `other.test:${other.port}` });
  });

  it('sends URL credentials as Basic, never to another origin, and never shows them in results', async () => {
    const seen: Array<string | undefined> = [];
    const own = await serve((req, res) => {
      seen.push(req.headers.authorization);
      if (req.url === '/start') return void res.writeHead(302, { location: '/next' }).end();
      if (req.url === '/next') return void res.writeHead(302, { location: `http://other.test:${other.port}/final` }).end();
      res.end('ok');
    });
    const result = await run({ url: `http://us%40er:p%C3%A4ss@app.test:${own.port}/start`, maxRedirects: 1 });
    const basic = `Basic ${Buffer.from('us@er:päss').toString('base64')}`;
    expect(seen).toEqual([basic, basic]);
    expect(result).toMatchObject({ ok: false, error: { code: 'TOO_MANY_REDIRECTS' }, metadata: { redirects: [`http://app.test:${own.port}/next`] } });
    expect(JSON.stringify(result)).not.toContain('p%C3%A4ss');
    const followed = await run({ url: `http://user:pw@app.test:${own.port}/next` });
    expect(followed.metadata.redirects).toEqual([`http://other.test:${other.port}/final`]);
    expect(otherSeen.at(-1)).toMatchObject({ url: '/final', auth: undefined });
  });

  it('continues a POST answered with 303 as a GET', async () => {
    const result = await run({ url: `http://app.test:${origin.port}/post`, method: 'POST', body: 'x' });
    expect(result.ok).toBe(true);
    expect(otherSeen.at(-1)).toMatchObject({ url: '/after-post', method: 'GET' });
  });

  it('refuses a redirect to a forbidden host before connecting to it', async () => {
    const before = otherSeen.length;
    const ctx = localContext(['evil.test']);
    const result = await run({ url: `http://app.test:${origin.port}/forbidden` }, ctx);
    expect(result.error?.code).toBe('TARGET_FORBIDDEN');
    expect(ctx.resolved).toEqual(['app.test', 'evil.test']);
    expect(otherSeen.length).toBe(before);
  });

  it('stops after maxRedirects', async () => {
    const result = await run({ url: `http://app.test:${origin.port}/loop`, maxRedirects: 3 });
    expect(result.error?.code).toBe('TOO_MANY_REDIRECTS');
    expect(result.metadata.redirects).toHaveLength(3);
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const result = await run({ url: `http://app.test:${origin.port}/file` });
    expect(result.error?.code).toBe('BAD_REDIRECT');
  });

  it('judges the redirect itself when not following', async () => {
    const url = `http://app.test:${origin.port}/a`;
    expect(await run({ url, followRedirects: false })).toMatchObject({ ok: true, metadata: { statusCode: 301 } });
    expect((await run({ url, followRedirects: false, expectedStatus: ['200-299'] })).error?.code).toBe('STATUS_MISMATCH');
    expect(await run({ url: `http://app.test:${origin.port}/nolocation` })).toMatchObject({ ok: true, metadata: { statusCode: 302 } });
  });
});

describe('http failures', () => {
  it('reports a refused connection', async () => {
    const server = await listen(createServer());
    const port = server.port;
    await server.close();
    const result = await run({ url: `http://app.test:${port}/` });
    expect(result.error?.code).toBe('CONNECTION_REFUSED');
  });

  it('reports a reset connection', async () => {
    const server = await serve((req) => req.socket.destroy());
    const result = await run({ url: `http://app.test:${server.port}/` });
    expect(result.error?.code).toBe('CONNECTION_RESET');
  });

  it('passes through the resolver policy and DNS failures', async () => {
    const url = 'http://blocked.test/';
    expect((await run({ url }, forbiddenContext)).error?.code).toBe('TARGET_FORBIDDEN');
    const noSuchName: ProbeContext = {
      ...plainContext,
      resolve: async () => {
        throw new ProbeFailure('DNS_FAILED', 'NXDOMAIN');
      },
    };
    expect((await run({ url }, noSuchName)).error?.code).toBe('DNS_FAILED');
    const broken: ProbeContext = {
      ...plainContext,
      resolve: async () => {
        throw new Error('resolver crashed');
      },
    };
    expect((await run({ url }, broken)).error).toEqual({ code: 'DNS_FAILED', message: 'Cannot resolve blocked.test: resolver crashed' });
  });

  it('times out on a resolver that never answers', async () => {
    const hanging: ProbeContext = { ...plainContext, resolve: () => new Promise(() => {}) };
    const result = await run({ url: 'http://slow.test/' }, hanging, AbortSignal.timeout(300));
    expect(result.error?.code).toBe('TIMEOUT');
  }, 5_000);

  it('times out promptly on a server that accepts and never answers, and hangs up', async () => {
    const server = await serve(() => {});
    const result = await run({ url: `http://app.test:${server.port}/` }, localContext(), AbortSignal.timeout(300));
    expect(result.error?.code).toBe('TIMEOUT');
    await server.drained();
  }, 5_000);

  it('times out on a body that stalls halfway', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const result = await run({ url: `http://app.test:${server.port}/` }, localContext(), AbortSignal.timeout(300));
    expect(result.error?.code).toBe('TIMEOUT');
    expect(result.metadata.statusCode).toBe(200);
    await server.drained();
  }, 5_000);

  it('reads at most maxBodyBytes of an endless body with flat memory', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const server = await serve((req, res) => {
      // Bounded "endless" body: 200 MB unless the client hangs up first; honours backpressure.
      const pump = () => {
        while (sent < 200 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      req.socket.on('close', () => res.destroy());
      pump();
    });
    const before = process.memoryUsage().rss;
    // The default cap (1 MiB). The server streaming into this same process counts in RSS too.
    const result = await run({ url: `http://app.test:${server.port}/`, keyword: 'never there' });
    const growth = process.memoryUsage().rss - before;
    expect(result.error?.code).toBe('KEYWORD_MISSING');
    expect(result.metadata.bodyBytes).toBe(1024 * 1024);
    expect(result.metadata.bodyTruncated).toBe(true);
    expect(growth).toBeLessThan(50 * 1024 * 1024);
    await server.drained();
    expect(sent).toBeLessThan(200 * 1024 * 1024);
  }, 20_000);
});

describe('https', () => {
  let ca: Pem;
  const tls = (pem: Pem, seen?: string[]) =>
    serveTls(pem, (req, res) => {
      seen?.push((req.socket as TLSSocket).servername || '');
      res.end('secure');
    });
  beforeAll(() => {
    ca = makeCa();
  });

  it('verifies a chain from a private CA and reports the certificate and SNI', async () => {
    const names: string[] = [];
    const server = await tls(makeLeaf({ hosts: ['app.test'], validDays: 30, ca }), names);
    const result = await run({ url: `https://app.test:${server.port}/`, ca: ca.cert });
    expect(result.ok).toBe(true);
    expect(names).toEqual(['app.test']);
    expect(result.metadata.certificate).toMatchObject({ subject: 'app.test', issuer: 'PingPage Test CA', sans: ['app.test'] });
    expect(result.metadata.certificate?.daysLeft).toBeGreaterThanOrEqual(29);
    expect(new Date(result.metadata.certificate?.validTo ?? '').getTime()).toBeGreaterThan(Date.now());
    expect(result.timings.tls).toBeGreaterThan(0);
  });

  it.each([
    ['an expired certificate', () => makeLeaf({ hosts: ['app.test'], validDays: -1, ca }), 'CERT_EXPIRED'],
    ['a self-signed certificate', () => makeLeaf({ hosts: ['app.test'], validDays: 30 }), 'CERT_SELF_SIGNED'],
    ['a certificate for another host', () => makeLeaf({ hosts: ['other.test'], validDays: 30, ca }), 'CERT_HOSTNAME'],
  ])('refuses %s', async (_name, make, code) => {
    const server = await tls(make());
    const result = await run({ url: `https://app.test:${server.port}/`, ca: ca.cert });
    expect(result.error?.code).toBe(code);
    await server.drained();
  });

  it('refuses an unknown CA when no ca is configured', async () => {
    const server = await tls(makeLeaf({ hosts: ['app.test'], validDays: 30, ca }));
    expect((await run({ url: `https://app.test:${server.port}/` })).error?.code).toBe('CERT_SELF_SIGNED');
  });

  it('accepts a bad certificate with ignoreTlsErrors and still reports it', async () => {
    const server = await tls(makeLeaf({ hosts: ['other.test'], validDays: -2 }));
    const result = await run({ url: `https://app.test:${server.port}/`, ignoreTlsErrors: true });
    expect(result.ok).toBe(true);
    expect(result.metadata.certificate).toMatchObject({ subject: 'other.test', issuer: 'other.test' });
    expect(result.metadata.certificate?.daysLeft).toBeLessThan(0);
  });

  it('reports TLS_ERROR when the server does not speak TLS', async () => {
    const server = await serve((_req, res) => res.end('plain'));
    expect((await run({ url: `https://app.test:${server.port}/` })).error?.code).toBe('TLS_ERROR');
  });

  it('times out on a server that never completes the handshake', async () => {
    // Reads (so it notices the hang-up) but never answers the ClientHello.
    const server = await listen(net.createServer((socket) => socket.resume()));
    running.push(server);
    const result = await run({ url: `https://app.test:${server.port}/` }, localContext(), AbortSignal.timeout(300));
    expect(result.error?.code).toBe('TIMEOUT');
    await server.drained();
  }, 5_000);
});

describe('http bodies and the memory budget', () => {
  const MiB = 1024 * 1024;
  /**
   * Serves `total` bytes of 'x' (chunked unless `length`), honouring backpressure, until the client
   * hangs up; with `go`, the headers go out at once and the body only once `go` resolves.
   */
  const streaming = (total: number, length = false, go?: Promise<void>) =>
    serve((req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      if (length) res.setHeader('content-length', total);
      res.flushHeaders();
      const pump = () => {
        while (sent < total && !res.destroyed) {
          const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
          sent += piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        res.end();
      };
      req.socket.on('close', () => res.destroy());
      void Promise.resolve(go).then(pump);
    });
  const until = async (condition: () => boolean) => {
    for (let i = 0; i < 1_000 && !condition(); i++) await new Promise((r) => setTimeout(r, 2));
    expect(condition()).toBe(true);
  };

  it('finds a plain keyword split across two chunks, holding none of the body', async () => {
    const server = await serve((_req, res) => {
      res.write('<p>all ok: nee'); // two writes, two chunks of a chunked body
      res.end('dle in the haystack</p>');
    });
    const budget = new ByteBudget(MiB);
    const url = `http://app.test:${server.port}/`;
    expect(await run({ url, keyword: 'needle' }, localContext([], budget))).toMatchObject({ ok: true, metadata: { bodyBytes: 37 } });
    expect((await run({ url, keyword: 'needle', invertKeyword: true }, localContext([], budget))).error?.code).toBe('KEYWORD_FOUND');
    expect((await run({ url, keyword: 'needles' }, localContext([], budget))).error?.code).toBe('KEYWORD_MISSING');
    expect(budget.stats.highWater).toBe(0);
  });

  it('reads only the first 1 MiB of a 20 MiB body by default, and a regex keeps exactly that much', async () => {
    const server = await streaming(20 * MiB, true);
    const budget = new ByteBudget(10 * MiB);
    const result = await run({ url: `http://app.test:${server.port}/`, keyword: '^x{1000}', keywordRegex: true }, localContext([], budget));
    expect(result).toMatchObject({ ok: true, metadata: { bodyBytes: MiB, bodyTruncated: true } });
    expect(budget.stats).toEqual({ held: 0, highWater: MiB, waited: 0, queued: 0 });
    await server.drained();
  });

  it('reserves only what Content-Length announces for a JSON path', async () => {
    const server = await serve((_req, res) => res.end('{"a":1}'));
    const budget = new ByteBudget(MiB);
    expect((await run({ url: `http://app.test:${server.port}/`, jsonPath: 'a', jsonExpected: '1' }, localContext([], budget))).ok).toBe(true);
    expect(budget.stats.highWater).toBe(7);
  });

  it('makes a check over budget wait for memory, then succeed', async () => {
    const server = await streaming(2 * MiB);
    const budget = new ByteBudget(MiB);
    const hog = await budget.reserve(MiB / 2, signal());
    let settled = false;
    const check = run({ url: `http://app.test:${server.port}/`, keyword: 'x+', keywordRegex: true }, localContext([], budget)).finally(() => (settled = true));
    await until(() => budget.stats.queued === 1);
    expect(settled).toBe(false);
    hog.release();
    expect(await check).toMatchObject({ ok: true, metadata: { bodyBytes: MiB, bodyTruncated: true } });
    expect(budget.stats).toMatchObject({ held: 0, highWater: MiB, waited: 1 });
  });

  it('gives up waiting at the monitor timeout, leaving the queue', async () => {
    const server = await streaming(2 * MiB);
    const budget = new ByteBudget(MiB);
    const hog = await budget.reserve(MiB, signal());
    const result = await run({ url: `http://app.test:${server.port}/`, jsonPath: 'a' }, localContext([], budget), AbortSignal.timeout(200));
    expect(result.error?.code).toBe('TIMEOUT');
    expect(budget.stats).toMatchObject({ held: MiB, queued: 0 });
    hog.release();
    await server.drained();
  });

  it('never holds more than the budget, however many checks stream big bodies at once', async () => {
    let go = () => {};
    const server = await streaming(4 * MiB, false, new Promise<void>((resolve) => (go = resolve)));
    const budget = new ByteBudget(3 * MiB);
    const url = `http://app.test:${server.port}/`;
    const checks = Array.from({ length: 12 }, () => run({ url, keyword: 'x{64}', keywordRegex: true }, localContext([], budget), AbortSignal.timeout(20_000)));
    // Every response has begun: three hold their megabyte, nine wait for one.
    await until(() => budget.stats.queued === 9);
    expect(budget.stats.held).toBe(3 * MiB);
    go();
    const results = await Promise.all(checks);
    expect(results.map((r) => r.error?.code ?? 'ok')).toEqual(Array(12).fill('ok'));
    expect(budget.stats).toEqual({ held: 0, highWater: 3 * MiB, waited: 9, queued: 0 });
    await server.drained();
  }, 30_000);
});
