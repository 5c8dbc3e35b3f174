import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeFailure } from '../sdk.js';
import { exchange } from './exchange.js';
import { MAX_HEAD_BYTES, ResponseReader } from './response.js';

interface Read {
  status?: number;
  headers?: Record<string, unknown>;
  body: string;
  done: boolean;
}

/** Feeds `wire` in pieces of `step` bytes (every boundary gets exercised) and records what came out. */
function read(wire: string | Buffer, opts: { method?: string; step?: number; readBody?: boolean; cap?: number; close?: boolean } = {}): Read {
  const out: Read = { body: '', done: false };
  const reader = new ResponseReader(opts.method ?? 'GET', {
    onHead(status, headers) {
      out.status = status;
      out.headers = headers;
      return opts.readBody ?? true;
    },
    onBody(chunk) {
      out.body += chunk.toString('latin1');
      return out.body.length < (opts.cap ?? Infinity);
    },
    onDone: () => (out.done = true),
  });
  const bytes = Buffer.isBuffer(wire) ? wire : Buffer.from(wire, 'latin1');
  const step = opts.step ?? bytes.length;
  for (let i = 0; i < bytes.length && !reader.done; i += step) reader.push(bytes.subarray(i, i + step));
  if (opts.close) reader.end();
  return out;
}

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof ProbeFailure ? err.code : (err as NodeJS.ErrnoException).code;
  }
  return 'no error';
};

describe('ResponseReader', () => {
  it.each([1, 2, 7, 1000])('reads a Content-Length body fed %i byte(s) at a time', (step) => {
    const r = read('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhelloEXTRA', { step });
    expect(r).toEqual({ status: 200, headers: { 'content-type': 'text/plain', 'content-length': '5', 'x-a': '1, 2', 'set-cookie': ['a=1', 'b=2'] }, body: 'hello', done: true });
  });

  it.each([1, 3, 1000])('decodes chunked bodies with extensions and trailers, fed %i byte(s) at a time', (step) => {
    const wire = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5;ext=1\r\nhello\r\n1A\r\n' + 'x'.repeat(26) + '\r\n0\r\nX-Trailer: yes\r\n\r\n';
    expect(read(wire, { step })).toMatchObject({ status: 200, body: 'hello' + 'x'.repeat(26), done: true });
  });

  it('skips interim 1xx responses and reads the final one', () => {
    const r = read('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno', { step: 4 });
    expect(r).toMatchObject({ status: 404, body: 'no', done: true });
  });

  it('reads a body without framing to the end of the connection, and Transfer-Encoding wins over Content-Length', () => {
    expect(read('HTTP/1.0 200 OK\r\n\r\nall of it', { close: true })).toMatchObject({ body: 'all of it', done: true });
    expect(read('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nmore than two', { close: true })).toMatchObject({ body: 'more than two', done: true });
  });

  it('expects no body after HEAD, 204 and 304, whatever the headers say', () => {
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n', { method: 'HEAD' })).toMatchObject({ status: 200, body: '', done: true });
    expect(read('HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n')).toMatchObject({ status: 204, done: true });
    expect(read('HTTP/1.1 304 Not Modified\r\n\r\n')).toMatchObject({ status: 304, done: true });
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')).toMatchObject({ body: '', done: true });
  });

  it('stops at the head when the body is not wanted, and when the consumer has enough', () => {
    expect(read('HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 9\r\n\r\nredirect!', { readBody: false })).toMatchObject({ status: 301, body: '', done: true });
    expect(read('HTTP/1.1 200 OK\r\n\r\n' + 'y'.repeat(1000), { step: 10, cap: 25 }).body.length).toBeLessThan(40);
  });

  it.each([
    ['a bad status line', 'HTTP/2 200 OK\r\n\r\n'],
    ['a status without a code', 'HTTP/1.1 OK\r\n\r\n'],
    ['a header without a colon', 'HTTP/1.1 200 OK\r\nBroken header\r\n\r\n'],
    ['a folded header (obs-fold)', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\n\r\n'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx'],
    ['a NUL in a header value', 'HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n'],
    ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx'],
    ['a negative Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a chunk not followed by CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxyz'],
  ])('refuses %s with HTTP_ERROR', (_name, wire) => {
    expect(code(() => read(wire))).toBe('HTTP_ERROR');
  });

  it('refuses headers larger than the cap, however they arrive', () => {
    const endless = 'HTTP/1.1 200 OK\r\nX-Big: ' + 'a'.repeat(MAX_HEAD_BYTES + 10);
    expect(code(() => read(endless, { step: 4096 }))).toBe('HTTP_ERROR');
    expect(code(() => read(endless + '\r\n\r\n'))).toBe('HTTP_ERROR');
    expect(code(() => read('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;' + 'e'.repeat(5000), { step: 100 }))).toBe('HTTP_ERROR');
  });

  it('treats a connection closed mid-response as a reset', () => {
    expect(code(() => read('HTTP/1.1 200', { close: true }))).toBe('ECONNRESET');
    expect(code(() => read('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort', { close: true }))).toBe('ECONNRESET');
    expect(code(() => read('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', { close: true }))).toBe('ECONNRESET');
  });
});

describe('exchange over a real socket', () => {
  const servers: net.Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  /** A TCP server that answers every connection with `wire`, written in small pieces with pauses. */
  async function rawServer(wire: string): Promise<{ port: number; requests: string[] }> {
    const requests: string[] = [];
    const server = net.createServer((socket) => {
      socket.once('data', async (d) => {
        requests.push(d.toString('latin1'));
        for (let i = 0; i < wire.length; i += 7) {
          socket.write(wire.slice(i, i + 7));
          await new Promise((r) => setTimeout(r, 1));
        }
        socket.end();
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return { port: (server.address() as net.AddressInfo).port, requests };
  }

  it('sends one request with Host, the headers and Connection: close, and reads a trickled chunked answer', async () => {
    const server = await rawServer('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nping\r\n4\r\npage\r\n0\r\n\r\n');
    const url = new URL(`http://status.test:${server.port}/health?deep=1`);
    const seen: number[] = [];
    const body: Buffer[] = [];
    const result = await exchange(
      {
        url,
        target: { address: '127.0.0.1', family: 4 },
        method: 'POST',
        headers: { 'user-agent': 'PingPage/test', 'x-token': 'abc' },
        body: 'héllo',
        readBody: () => true,
        onStatus: (s) => seen.push(s),
        onBody: (chunk) => body.push(Buffer.from(chunk)),
        maxBodyBytes: 1024,
        rejectUnauthorized: true,
      },
      new AbortController().signal,
    );
    expect(result).toMatchObject({ statusCode: 200, truncated: false, bodyBytes: 8 });
    expect(Buffer.concat(body).toString()).toBe('pingpage');
    expect(seen).toEqual([200]);
    expect(server.requests[0]).toBe(
      `POST /health?deep=1 HTTP/1.1\r\nHost: status.test:${server.port}\r\nuser-agent: PingPage/test\r\nx-token: abc\r\ncontent-length: 6\r\nconnection: close\r\n\r\nhéllo`.replace('é', '\xc3\xa9'),
    );
    expect(result.timings.firstByte).toBeGreaterThanOrEqual(0);
  });
});
