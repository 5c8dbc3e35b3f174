/**
 * One HTTP POST to a receiver, on a fresh connection to the address the outbound policy checked.
 * Redirects are not followed (a receiver that moved is a failure to fix, and following would
 * need a second policy check per hop); the answer's body is read up to a small cap.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import net from 'node:net';
import { ProbeFailure } from '../../../../plugins/sdk.js';
import { bareHost, raceAbort } from '../../../../plugins/shared/net.js';
import { checkUrl } from '../../../outbound/policy.js';
import type { NotifierContext, SendResult } from '../../sdk.js';

/** Bytes of the receiver's answer kept for the error message. */
const MAX_ANSWER_BYTES = 16 * 1024;

export interface PostOptions {
  url: string;
  /** The request body, already serialised. */
  body: string;
  /** Lower-case header names; Host, Content-Length and User-Agent are set here. */
  headers?: Record<string, string>;
  contentType?: string;
}

export interface PostAnswer extends SendResult {
  /** The start of the receiver's answer (at most 16 KiB), for notifiers that read it. */
  answer?: string;
}

const SOCKET_CODES: Record<string, string> = {
  ECONNREFUSED: 'CONNECTION_REFUSED',
  ECONNRESET: 'CONNECTION_RESET',
  EPIPE: 'CONNECTION_RESET',
  ETIMEDOUT: 'TIMEOUT',
};

/** Failure as data: abort first (whatever the destroyed socket said then is a consequence). */
export function sendProblem(err: unknown, signal: AbortSignal, fallback = 'SEND_FAILED'): SendResult {
  if (signal.aborted) return { ok: false, error: { code: 'TIMEOUT', message: 'The receiver did not answer in time' } };
  if (err instanceof ProbeFailure) {
    const permanent = ['TARGET_FORBIDDEN', 'INVALID_URL', 'UNSUPPORTED_SCHEME'].includes(err.code);
    return { ok: false, error: { code: err.code, message: err.message }, ...(permanent ? { retryable: false } : {}) };
  }
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = e?.message ?? String(err);
  if (SOCKET_CODES[code]) return { ok: false, error: { code: SOCKET_CODES[code], message } };
  if (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code === 'EPROTO' || code.includes('CERT')) {
    return { ok: false, error: { code: 'TLS_ERROR', message } };
  }
  return { ok: false, error: { code: fallback, message: code ? `${code}: ${message}` : message } };
}

/** Seconds or an HTTP date, as Retry-After allows; capped at an hour. */
function retryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : (Date.parse(value) - now) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 3600) * 1000 : undefined;
}

/** Statuses after which the same request cannot succeed later: the channel needs fixing. */
function permanent(status: number): boolean {
  return (status >= 300 && status < 500 && status !== 408 && status !== 425 && status !== 429) || status === 501;
}

export async function post(ctx: NotifierContext, o: PostOptions, signal: AbortSignal): Promise<PostAnswer> {
  let request: ReturnType<typeof httpRequest> | undefined;
  const onAbort = () => request?.destroy(signal.reason as Error);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    signal.throwIfAborted();
    const url = checkUrl(o.url);
    const hostname = bareHost(url.hostname);
    const target = await raceAbort(ctx.resolve(hostname, signal), signal);
    const secure = url.protocol === 'https:';
    const body = Buffer.from(o.body, 'utf8');
    request = (secure ? httpsRequest : httpRequest)({
      host: target.address,
      family: target.family,
      port: url.port || (secure ? 443 : 80),
      path: url.pathname + url.search,
      method: 'POST',
      headers: {
        ...o.headers,
        'content-type': o.contentType ?? 'application/json',
        'content-length': String(body.length),
        'user-agent': ctx.userAgent,
        host: url.host,
      },
      agent: false,
      servername: net.isIP(hostname) ? '' : hostname,
    });
    signal.throwIfAborted();
    const req = request;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
      req.end(body);
    });
    const chunks: Buffer[] = [];
    let kept = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      const room = MAX_ANSWER_BYTES - kept;
      chunks.push(chunk.subarray(0, room));
      kept += Math.min(room, chunk.length);
      if (kept >= MAX_ANSWER_BYTES) break;
    }
    const status = response.statusCode ?? 0;
    const answer = Buffer.concat(chunks).toString('utf8');
    if (status >= 200 && status < 300) return { ok: true, status, answer };
    const excerpt = answer.replace(/\s+/g, ' ').trim().slice(0, 200);
    return {
      ok: false,
      status,
      answer,
      error: { code: 'HTTP_STATUS', message: `The receiver answered ${status}${excerpt ? `: ${excerpt}` : ''}` },
      ...(permanent(status) ? { retryable: false } : {}),
      ...(status === 429 || status === 503 ? { retryAfterMs: retryAfter(response.headers['retry-after'], ctx.now()) } : {}),
    };
  } catch (err) {
    return sendProblem(err, signal);
  } finally {
    signal.removeEventListener('abort', onAbort);
    request?.destroy();
  }
}

/** A JSON POST: the common case of chat webhooks. */
export function postJson(ctx: NotifierContext, url: string, payload: unknown, signal: AbortSignal, headers?: Record<string, string>) {
  return post(ctx, { url, body: JSON.stringify(payload), headers }, signal);
}
