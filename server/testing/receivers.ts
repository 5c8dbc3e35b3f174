/**
 * Real local receivers for alert tests: an HTTP server that records what it is sent and answers
 * as a script says (fail, hang), and an SMTP server (smtp-server) that keeps the messages it
 * accepts, decoded enough to read subjects, bodies and links. Both on 127.0.0.1, port 0.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedRequest {
  method: string;
  path: string;
  /** Lower-case names. */
  headers: http.IncomingHttpHeaders;
  /** The raw body, exactly as received. */
  body: string;
  json<T = any>(): T;
}

/** What to do with request number `n` (1-based): answer a status, or hold the connection open. */
export type Script = (n: number, req: ReceivedRequest) => { status?: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Requests whose answer was held ('hang'), still open. */
  hanging(): number;
  close(): Promise<void>;
}

export async function httpReceiver(script: Script = () => ({ status: 200 })): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const held = new Set<http.ServerResponse>();
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const body = Buffer.concat(chunks).toString('utf8');
    const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json: () => JSON.parse(body) };
    requests.push(r);
    const answer = script(requests.length, r);
    if (answer === 'hang') {
      held.add(res);
      res.on('close', () => held.delete(res));
      return;
    }
    res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? 'ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    hanging: () => held.size,
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  /** Header names in lower case; encoded words decoded. */
  headers: Record<string, string>;
  subject: string;
  text: string;
  html: string;
  raw: string;
}

export interface SmtpReceiver {
  port: number;
  messages: ReceivedMail[];
  /** AUTH attempts as user:pass. */
  logins: string[];
  close(): Promise<void>;
}

function decodeWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*/g, (_, _charset: string, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

function headersOf(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split(/\r\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  return out;
}

function decodeBody(body: string, encoding: string | undefined): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** text/plain and text/html of a (possibly multipart) message; enough for what nodemailer writes. */
function parts(raw: string): { headers: Record<string, string>; text: string; html: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = headersOf(raw.slice(0, split));
  const body = raw.slice(split + 4);
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
  if (!boundary) {
    const decoded = decodeBody(body, headers['content-transfer-encoding']);
    return { headers, text: type.startsWith('text/html') ? '' : decoded, html: type.startsWith('text/html') ? decoded : '' };
  }
  let text = '';
  let html = '';
  for (const part of body.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const inner = parts(part.replace(/^\r\n/, ''));
    text ||= inner.text;
    html ||= inner.html;
  }
  return { headers, text, html };
}

export async function smtpReceiver(opts: SMTPServerOptions = {}): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    ...opts,
    onAuth(auth, _session, callback) {
      logins.push(`${auth.username}:${auth.password}`);
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const p = parts(raw);
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          headers: p.headers,
          subject: p.headers.subject ?? '',
          text: p.text,
          html: p.html,
          raw,
        });
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    messages,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
