/**
 * An HTTP/1.1 response read straight off the socket, for the probe: status line and headers, then
 * the body framed by Transfer-Encoding: chunked, Content-Length or the end of the connection.
 * Node's http client costs about twice the CPU per check (agents, streams, async iteration), and
 * a monitor reads one response per connection and hangs up: that is all this handles. Strict:
 * anything malformed or oversized is an HTTP_ERROR, never a guess.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { excerpt, ProbeFailure } from '../sdk.js';

/** Largest status line + headers accepted (Node's default is 16 KB). */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Largest chunk-size line (with extensions) or trailer line. */
const MAX_LINE_BYTES = 4096;

const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: [^\r\n]*)?$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\0\r\n]*?)[ \t]*$/;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

export interface ResponseHandlers {
  /**
   * The final (non-1xx) status line and headers; answers whether to read the body. `bodyBytes` is
   * how long the body will be: 0 when there is none, undefined when only its end will tell.
   */
  onHead(statusCode: number, headers: IncomingHttpHeaders, bodyBytes: number | undefined): boolean;
  /** Body bytes as they arrive (already de-chunked). Answers false to stop reading. */
  onBody(chunk: Buffer): boolean;
  /** The response is complete (or no more of it is wanted). */
  onDone(): void;
}

/** The error a connection closed too early gives, as Node's own sockets word it (CONNECTION_RESET). */
export function connectionReset(message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}

function malformed(what: string): ProbeFailure {
  return new ProbeFailure('HTTP_ERROR', `Malformed response: ${what}`);
}

function parseHead(head: string): { statusCode: number; headers: IncomingHttpHeaders } {
  const lines = head.split('\r\n');
  const status = STATUS_LINE.exec(lines[0]!);
  if (!status) throw malformed(`status line "${excerpt(lines[0]!, 80)}"`);
  const headers: IncomingHttpHeaders = {};
  for (let i = 1; i < lines.length; i++) {
    const m = HEADER_LINE.exec(lines[i]!);
    if (!m) throw malformed(`header line "${excerpt(lines[i]!, 80)}"`);
    const name = m[1]!.toLowerCase();
    const value = m[2]!;
    if (name === 'set-cookie') (headers['set-cookie'] ??= []).push(value);
    else {
      const previous = headers[name];
      headers[name] = previous === undefined ? value : `${previous as string}, ${value}`;
    }
  }
  return { statusCode: Number(status[1]), headers };
}

type Framing = { kind: 'none' } | { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' };

function framingOf(method: string, statusCode: number, headers: IncomingHttpHeaders): Framing {
  if (method === 'HEAD' || statusCode === 204 || statusCode === 304 || statusCode < 200) return { kind: 'none' };
  const te = headers['transfer-encoding'];
  if (te !== undefined) {
    // Chunked must come last; anything else is read to the end of the connection (RFC 9112 6.3).
    return /(?:^|,)\s*chunked\s*$/i.test(te as string) ? { kind: 'chunked' } : { kind: 'close' };
  }
  const cl = headers['content-length'];
  if (cl !== undefined) {
    const values = new Set((cl as string).split(',').map((v) => v.trim()));
    const [only] = values;
    if (values.size !== 1 || !/^\d{1,15}$/.test(only!)) throw malformed(`Content-Length "${excerpt(cl as string, 40)}"`);
    return { kind: 'length', left: Number(only) };
  }
  return { kind: 'close' };
}

/** Feed it the socket's bytes; it calls the handlers and throws ProbeFailure on malformed input. */
export class ResponseReader {
  #buffer: Buffer = Buffer.alloc(0);
  #state: 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'done' = 'head';
  #framing: Framing = { kind: 'none' };
  #chunkLeft = 0;
  // While paused, bytes pushed wait in #buffer (the caller pauses the socket too, so they are few).
  #paused = false;
  #endPending = false;

  constructor(
    private readonly method: string,
    private readonly on: ResponseHandlers,
  ) {}

  get done(): boolean {
    return this.#state === 'done';
  }

  /** True once the status line and headers of the final response have been read. */
  get headRead(): boolean {
    return this.#state !== 'head';
  }

  push(data: Buffer): void {
    if (this.#state === 'done') return;
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, data]) : data;
    this.#drain();
  }

  /** Stops handing on body bytes until resume() (e.g. while waiting for memory to keep them in). */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#drain();
    if (this.#endPending && !this.done) this.end();
  }

  #drain(): void {
    while (!this.done && !this.#paused && this.#step());
  }

  /** The peer closed the connection. */
  end(): void {
    if (this.#state === 'done') return;
    if (this.#paused) {
      this.#endPending = true;
      return;
    }
    if (this.#state === 'body' && this.#framing.kind === 'close') return this.#finish();
    throw connectionReset(this.#state === 'head' ? 'socket hang up' : 'Connection closed before the response was complete');
  }

  #finish(): void {
    this.#state = 'done';
    this.#buffer = Buffer.alloc(0);
    this.on.onDone();
  }

  /** Consumes what it can; answers whether to go on. */
  #step(): boolean {
    switch (this.#state) {
      case 'head': {
        const end = this.#buffer.indexOf(HEAD_END);
        if (end < 0) {
          if (this.#buffer.length > MAX_HEAD_BYTES) throw malformed(`headers over ${MAX_HEAD_BYTES} bytes`);
          return false;
        }
        if (end > MAX_HEAD_BYTES) throw malformed(`headers over ${MAX_HEAD_BYTES} bytes`);
        const { statusCode, headers } = parseHead(this.#buffer.toString('latin1', 0, end));
        this.#buffer = this.#buffer.subarray(end + 4);
        if (statusCode >= 100 && statusCode < 200 && statusCode !== 101) return true; // interim: the real one follows
        const framing = framingOf(this.method, statusCode, headers);
        const bodyBytes = framing.kind === 'none' ? 0 : framing.kind === 'length' ? framing.left : undefined;
        if (!this.on.onHead(statusCode, headers, bodyBytes) || bodyBytes === 0) {
          this.#finish();
          return false;
        }
        this.#framing = framing;
        this.#state = framing.kind === 'chunked' ? 'chunk-size' : 'body';
        return this.#buffer.length > 0;
      }
      case 'body': {
        if (!this.#buffer.length) return false;
        let piece = this.#buffer;
        if (this.#framing.kind === 'length') {
          piece = piece.subarray(0, this.#framing.left);
          this.#framing.left -= piece.length;
        }
        this.#buffer = Buffer.alloc(0);
        if (!this.on.onBody(piece) || (this.#framing.kind === 'length' && this.#framing.left === 0)) this.#finish();
        return false;
      }
      case 'chunk-size': {
        const line = this.#line();
        if (line === undefined) return false;
        const size = /^([0-9a-fA-F]{1,12})[ \t]*(?:;[^\r\n]*)?$/.exec(line);
        if (!size) throw malformed(`chunk size "${excerpt(line, 40)}"`);
        this.#chunkLeft = parseInt(size[1]!, 16);
        this.#state = this.#chunkLeft === 0 ? 'trailers' : 'chunk-data';
        return true;
      }
      case 'chunk-data': {
        if (!this.#buffer.length) return false;
        const piece = this.#buffer.subarray(0, this.#chunkLeft);
        this.#buffer = this.#buffer.subarray(piece.length);
        this.#chunkLeft -= piece.length;
        if (this.#chunkLeft === 0) this.#state = 'chunk-end';
        if (!this.on.onBody(piece)) {
          this.#finish();
          return false;
        }
        return true;
      }
      case 'chunk-end': {
        if (this.#buffer.length < 2) return false;
        if (this.#buffer[0] !== 13 || this.#buffer[1] !== 10) throw malformed('no CRLF after a chunk');
        this.#buffer = this.#buffer.subarray(2);
        this.#state = 'chunk-size';
        return true;
      }
      case 'trailers': {
        const line = this.#line();
        if (line === undefined) return false;
        if (line === '') this.#finish();
        return line !== '';
      }
      default:
        return false;
    }
  }

  /** The next CRLF-terminated line, or undefined until it has arrived. */
  #line(): string | undefined {
    const end = this.#buffer.indexOf(CRLF);
    if (end < 0) {
      if (this.#buffer.length > MAX_LINE_BYTES) throw malformed(`line over ${MAX_LINE_BYTES} bytes`);
      return undefined;
    }
    if (end > MAX_LINE_BYTES) throw malformed(`line over ${MAX_LINE_BYTES} bytes`);
    const line = this.#buffer.toString('latin1', 0, end);
    this.#buffer = this.#buffer.subarray(end + 2);
    return line;
  }
}
