/** One HTTP request/response on a fresh connection to an already-resolved address. */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import net from 'node:net';
import { rootCertificates, type TLSSocket } from 'node:tls';
import type { ResolvedTarget } from '../sdk.js';
import { certificateFacts, type CertificateFacts } from '../shared/certificate.js';
import { bareHost } from '../shared/net.js';

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
  maxBodyBytes: number;
  rejectUnauthorized: boolean;
  ca?: string;
}

export interface Exchange {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body went on past maxBodyBytes and we hung up. */
  truncated: boolean;
  certificate?: CertificateFacts;
  /** Milliseconds: TCP connect, TLS handshake, connection ready → response headers, whole exchange. */
  timings: { connect: number; tls?: number; firstByte: number; total: number };
}

const ms = (from: number, to: number) => Math.round((to - from) * 100) / 100;

export async function exchange(o: ExchangeOptions, signal: AbortSignal): Promise<Exchange> {
  signal.throwIfAborted();
  const secure = o.url.protocol === 'https:';
  const hostname = bareHost(o.url.hostname);
  const start = performance.now();
  let connectedAt = start;
  let secureAt: number | undefined;
  let certificate: CertificateFacts | undefined;

  const request = (secure ? httpsRequest : httpRequest)({
    host: o.target.address,
    family: o.target.family,
    port: o.url.port || (secure ? 443 : 80),
    path: o.url.pathname + o.url.search,
    method: o.method,
    headers: { ...o.headers, host: o.url.host },
    // A fresh socket per check: a pooled one would skip connect/TLS and could outlive the run.
    agent: false,
    // SNI carries the name, never an IP literal (RFC 6066); verification then uses the name too.
    servername: net.isIP(hostname) ? '' : hostname,
    rejectUnauthorized: o.rejectUnauthorized,
    // Node's `ca` replaces the system store; a private CA should add to it.
    ...(o.ca ? { ca: [...rootCertificates, o.ca] } : {}),
  });
  const onAbort = () => request.destroy(signal.reason as Error);
  signal.addEventListener('abort', onAbort, { once: true });
  request.on('socket', (socket) => {
    socket.once('connect', () => (connectedAt = performance.now()));
    if (secure) {
      socket.once('secureConnect', () => {
        secureAt = performance.now();
        certificate = certificateFacts((socket as TLSSocket).getPeerCertificate());
      });
    }
  });

  try {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      request.on('response', resolve);
      // `on`, not `once`: a second error event without a listener would crash the process.
      request.on('error', reject);
      request.end(o.body);
    });
    const firstByteAt = performance.now();
    o.onStatus(response.statusCode ?? 0);
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    if (o.readBody(response.statusCode ?? 0, response.headers)) {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        const room = o.maxBodyBytes - kept;
        const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
        chunks.push(piece);
        kept += piece.length;
        if (chunk.length > room) {
          // Leaving the loop destroys the response; the finally below closes the socket.
          truncated = true;
          break;
        }
      }
    }
    const ready = secureAt ?? connectedAt;
    return {
      statusCode: response.statusCode ?? 0,
      headers: response.headers,
      body: Buffer.concat(chunks, kept),
      truncated,
      certificate,
      timings: {
        connect: ms(start, connectedAt),
        ...(secureAt !== undefined ? { tls: ms(connectedAt, secureAt) } : {}),
        firstByte: ms(ready, firstByteAt),
        total: ms(start, performance.now()),
      },
    };
  } finally {
    signal.removeEventListener('abort', onAbort);
    request.destroy();
  }
}
