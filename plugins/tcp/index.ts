/** TCP probe: connect, optionally send a line, optionally expect a reply (banner). */
import type net from 'node:net';
import { z } from 'zod';
import { defineProbe, EXCERPT_BYTES, excerpt, fail, linearRegex, regexWhen, since, type MemoryReservation, type Timings } from '../sdk.js';
import { problemOf } from '../shared/errors.js';
import { connectTcp, hostPort, raceAbort, resolveTarget } from '../shared/net.js';
import { hostSchema, portSchema } from '../shared/schema.js';
import { StreamSearch } from '../shared/stream-search.js';

/** Reading stops here even without a match, so an endless talker cannot grow memory. */
const READ_LIMIT = 64 * 1024;
/** Bytes kept for the banner: one more than an excerpt shows, so it knows whether to cut. */
const BANNER_KEPT = EXCERPT_BYTES + 1;

const tcpConfig = z.strictObject({
  host: hostSchema.describe('Host name or IP address'),
  port: portSchema.describe('TCP port'),
  send: z
    .string()
    .max(4096)
    .optional()
    .describe('Text sent after connecting; the escapes \\r \\n \\t \\0 \\\\ and \\xHH are decoded'),
  expect: z.string().min(1).max(1024).optional().describe('Text the server must send (e.g. a banner); absent: connecting is enough'),
  expectRegex: z
    .boolean()
    .default(false)
    .describe('Treat expect as a regular expression (RE2 syntax: no back-references or look-around; (?i) ignores case)'),
  readTimeoutMs: z
    .number()
    .int()
    .positive()
    .max(300_000)
    .default(5_000)
    .describe('How long to wait for the expected reply (milliseconds); the monitor timeout still applies'),
}).superRefine(regexWhen('expectRegex', 'expect'));

export type TcpMetadata = {
  /** The IP address connected to (what the host resolved to). */
  address: string;
  /** The start of what the server sent, as printable UTF-8 (at most 200 bytes); absent when nothing was read. */
  banner?: string;
};

/** Decodes the escapes a form field cannot hold literally; \xHH is one raw byte. */
export function decodeEscapes(text: string): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const match of text.matchAll(/\\(x[0-9A-Fa-f]{2}|[rnt0\\])/g)) {
    parts.push(Buffer.from(text.slice(last, match.index), 'utf8'));
    const code = match[1];
    const byte = code[0] === 'x' ? parseInt(code.slice(1), 16) : { r: 13, n: 10, t: 9, '0': 0, '\\': 92 }[code]!;
    parts.push(Buffer.from([byte]));
    last = match.index + match[0].length;
  }
  parts.push(Buffer.from(text.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

/** Says, chunk by chunk, whether the expected reply has arrived. */
type Matcher = (chunk: Buffer) => boolean;

/** A regex needs the bytes read so far, kept in `kept` (READ_LIMIT bytes, reserved from the memory budget). */
function matcher(expect: string, regex: boolean, kept: Buffer | undefined): Matcher {
  if (!regex || !kept) {
    const search = new StreamSearch(Buffer.from(expect, 'utf8'));
    return (chunk) => search.push(chunk);
  }
  const pattern = linearRegex(expect);
  let size = 0;
  return (chunk) => {
    size += chunk.copy(kept, size);
    return pattern.test(kept.subarray(0, size));
  };
}

interface Reading {
  /** The first BANNER_KEPT bytes read. */
  head: Buffer;
  /** Why reading stopped. */
  stop: 'match' | 'closed' | 'readTimeout' | 'limit';
  firstByteAt?: number;
}

/** Reads until `matches`, the peer closes, readTimeoutMs passes or READ_LIMIT; rejects on error or abort. */
function readUntil(socket: net.Socket, matches: Matcher, readTimeoutMs: number, signal: AbortSignal) {
  return new Promise<Reading>((resolve, reject) => {
    const head: Buffer[] = [];
    let headSize = 0;
    let size = 0;
    let firstByteAt: number | undefined;
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('data', onData).off('end', onEnd).off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const finish = (stop: Reading['stop']) => {
      cleanup();
      resolve({ head: Buffer.concat(head, headSize), stop, firstByteAt });
    };
    const onData = (chunk: Buffer) => {
      firstByteAt ??= performance.now();
      const piece = chunk.subarray(0, READ_LIMIT - size);
      size += piece.length;
      if (headSize < BANNER_KEPT) {
        const more = Buffer.from(piece.subarray(0, BANNER_KEPT - headSize));
        head.push(more);
        headSize += more.length;
      }
      if (matches(piece)) finish('match');
      else if (size >= READ_LIMIT) finish('limit');
    };
    const onEnd = () => finish('closed');
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAbort = () => {
      cleanup();
      reject(signal.reason);
    };
    const timer = setTimeout(() => finish('readTimeout'), readTimeoutMs);
    socket.on('data', onData).on('end', onEnd).on('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const STOP_MESSAGES: Record<Exclude<Reading['stop'], 'match'>, string> = {
  closed: 'The server closed the connection before sending the expected reply',
  readTimeout: 'The expected reply did not arrive within readTimeoutMs',
  limit: `No match in the first ${READ_LIMIT} bytes`,
};

export default defineProbe<typeof tcpConfig, TcpMetadata>({
  id: 'tcp',
  version: '1.0.0',
  apiVersion: 1,
  title: 'TCP port',
  description: 'Connects to a TCP port, optionally sends a line and checks the reply.',
  configSchema: tcpConfig,
  metadataLabels: { address: 'Address connected to', banner: 'Server greeting' },
  targetKey: (config) => `${config.host}:${config.port}`,
  targets: (config) => [hostPort(config.host, config.port)],
  async run(ctx, config, signal) {
    const start = performance.now();
    const timings: Timings = {};
    const metadata: TcpMetadata = { address: '' };
    let socket: net.Socket | undefined;
    let reservation: MemoryReservation | undefined;
    try {
      if (config.expect !== undefined && config.expectRegex) {
        linearRegex(config.expect); // a pattern stored before it was validated fails here, before connecting
        reservation = await ctx.memory.reserve(READ_LIMIT, signal);
      }
      const kept = reservation ? Buffer.allocUnsafe(READ_LIMIT) : undefined;
      const matches = config.expect !== undefined ? matcher(config.expect, config.expectRegex, kept) : undefined;
      const target = await resolveTarget(ctx, config.host, signal);
      timings.resolve = since(start);
      metadata.address = target.address;
      const connectStart = performance.now();
      socket = await connectTcp(target, config.port, signal);
      timings.connect = since(connectStart);
      const connectedAt = performance.now();
      const payload = config.send !== undefined ? decodeEscapes(config.send) : undefined;

      if (!matches) {
        if (payload) {
          const sock = socket;
          await raceAbort(new Promise<void>((resolve, reject) => sock.write(payload, (err) => (err ? reject(err) : resolve()))), signal);
        }
        timings.total = since(start);
        return { ok: true, timings, metadata };
      }

      // Listen before sending: a fast server's reply must not slip past.
      const reading = readUntil(socket, matches, config.readTimeoutMs, signal);
      if (payload) socket.write(payload);
      const read = await reading;
      if (read.firstByteAt !== undefined) timings.firstByte = Math.round((read.firstByteAt - connectedAt) * 100) / 100;
      if (read.head.length > 0) metadata.banner = excerpt(read.head);
      timings.total = since(start);
      if (read.stop !== 'match') return fail('BANNER_MISMATCH', STOP_MESSAGES[read.stop], timings, metadata);
      return { ok: true, timings, metadata };
    } catch (err) {
      const problem = problemOf(err, signal, 'CONNECTION_FAILED');
      timings.total = since(start);
      return fail(problem.code, problem.message, timings, metadata);
    } finally {
      socket?.destroy();
      reservation?.release();
    }
  },
});
