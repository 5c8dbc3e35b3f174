/** One HTTP request/response on a fresh connection to an already-resolved address. */
import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import tls, { rootCertificates, type TLSSocket } from 'node:tls';
import type { ResolvedTarget } from '../sdk.js';
import { certificateFacts, type CertificateFacts } from '../shared/certificate.js';
import { bareHost } from '../shared/net.js';
import { connectionReset, ResponseReader } from './response.js';

export interface ExchangeOptions {
  url: URL;
  /** Where to connect: the address ctx.resolve checked for url.hostname. */
  target: ResolvedTarget;
  method: string;
  /** Lower-case names; Host is set here from the URL. */
  headers: Record<string, string>;
  body?: string;
  /** Decides from the status line whether the body matters (a redirect hop's does not). */
  readBody(statusCode: number, headers: IncomingHttpHeaders): boolean;
  /** Called when the status line arrives, so a body that stalls still reports its status. */
  onStatus(statusCode: number): void;
  /**
   * Called before the first body byte is read, with the body's length when the response gives it;
   * the body waits (the socket paused) until the promise settles, and a rejection ends the exchange.
   */
  beforeBody?(bodyBytes: number | undefined): Promise<void>;
  /** Body bytes as they arrive, at most maxBodyBytes in all; copy what you keep. */
  onBody?(chunk: Buffer): void;
  maxBodyBytes: number;
  rejectUnauthorized: boolean;
  ca?: string;
}

export interface Exchange {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** Body bytes read (at most maxBodyBytes); the bytes themselves went to onBody. */
  bodyBytes: number;
  /** The body went on past maxBodyBytes and we hung up. */
  truncated: boolean;
  certificate?: CertificateFacts;
  /** Milliseconds: TCP connect, TLS handshake, connection ready → response headers, whole exchange. */
  timings: { connect: number; tls?: number; firstByte: number; total: number };
}

const ms = (from: number, to: number) => Math.round((to - from) * 100) / 100;

/** Methods whose requests carry a body; Content-Length: 0 when the config gives none. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The request head and body as bytes (header names and values were validated by the config schema). */
function requestBytes(o: ExchangeOptions): Buffer {
  const body = o.body === undefined ? undefined : Buffer.from(o.body, 'utf8');
  let head = `${o.method} ${o.url.pathname}${o.url.search} HTTP/1.1\r\nHost: ${o.url.host}\r\n`;
  for (const name in o.headers) {
    if (name !== 'host' && name !== 'connection' && name !== 'content-length' && name !== 'transfer-encoding') head += `${name}: ${o.headers[name]}\r\n`;
  }
  if (body !== undefined || BODY_METHODS.has(o.method)) head += `content-length: ${body?.length ?? 0}\r\n`;
  // One request per connection: the server may close as soon as it has answered.
  head += 'connection: close\r\n\r\n';
  return body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
}

/**
 * One request on a fresh connection (never pooled: connect and TLS are measured every time, and
 * nothing outlives the run), read with ResponseReader rather than Node's http client.
 */
export function exchange(o: ExchangeOptions, signal: AbortSignal): Promise<Exchange> {
  signal.throwIfAborted();
  const secure = o.url.protocol === 'https:';
  const hostname = bareHost(o.url.hostname);
  const port = Number(o.url.port || (secure ? 443 : 80));
  const start = performance.now();

  return new Promise<Exchange>((resolve, reject) => {
    let connectedAt = start;
    let secureAt: number | undefined;
    let firstByteAt = start;
    let certificate: CertificateFacts | undefined;
    let statusCode = 0;
    let headers: IncomingHttpHeaders = {};
    let bodyBytes = 0;
    let truncated = false;
    let settled = false;

    const socket: net.Socket = secure
      ? tls.connect({
          host: o.target.address,
          port,
          // SNI carries the name, never an IP literal (RFC 6066); verification then uses the name too.
          servername: net.isIP(hostname) ? '' : hostname,
          rejectUnauthorized: o.rejectUnauthorized,
          // Node's `ca` replaces the system store; a private CA should add to it.
          ...(o.ca ? { ca: [...rootCertificates, o.ca] } : {}),
          ALPNProtocols: ['http/1.1'],
        })
      : net.connect({ host: o.target.address, port, family: o.target.family });

    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) return reject(err);
      const ready = secureAt ?? connectedAt;
      resolve({
        statusCode,
        headers,
        bodyBytes,
        truncated,
        certificate,
        timings: {
          connect: ms(start, connectedAt),
          ...(secureAt !== undefined ? { tls: ms(connectedAt, secureAt) } : {}),
          firstByte: ms(ready, firstByteAt),
          total: ms(start, performance.now()),
        },
      });
    };
    const onAbort = () => finish(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });

    const reader = new ResponseReader(o.method, {
      onHead(code, h, length) {
        firstByteAt = performance.now();
        statusCode = code;
        headers = h;
        o.onStatus(code);
        const read = o.readBody(code, h);
        if (read && length !== 0 && o.beforeBody) waitBeforeBody(o.beforeBody(length === undefined ? undefined : Math.min(length, o.maxBodyBytes)));
        return read;
      },
      onBody(chunk) {
        const room = o.maxBodyBytes - bodyBytes;
        const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
        bodyBytes += piece.length;
        if (piece.length > 0) o.onBody?.(piece);
        if (chunk.length > room) truncated = true;
        return !truncated;
      },
      onDone: () => finish(),
    });

    // Nothing more is read from the socket, or handed on by the reader, until the caller is ready.
    const waitBeforeBody = (ready: Promise<void>) => {
      reader.pause();
      socket.pause();
      ready.then(
        () => {
          if (settled) return;
          socket.resume();
          try {
            reader.resume();
          } catch (err) {
            finish(err);
          }
        },
        (err: unknown) => finish(err),
      );
    };

    const send = () => socket.write(requestBytes(o));
    socket.once('connect', () => {
      connectedAt = performance.now();
      if (!secure) send();
    });
    if (secure) {
      socket.once('secureConnect', () => {
        secureAt = performance.now();
        certificate = certificateFacts((socket as TLSSocket).getPeerCertificate());
        send();
      });
    }
    socket.on('data', (data: Buffer) => {
      try {
        reader.push(data);
      } catch (err) {
        finish(err);
      }
    });
    socket.on('end', () => {
      try {
        reader.end();
      } catch (err) {
        finish(err);
      }
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => {
      if (!settled) finish(connectionReset('socket hang up')); // else the usual case: we hung up
    });
  });
}
