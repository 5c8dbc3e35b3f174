/**
 * An external PingPage probe: checks an SMTP server's greeting, EHLO and STARTTLS certificate.
 * From the SDK it takes types and one helper, excerpt(): whatever the server says reaches a
 * result only as a short printable excerpt.
 */
import net from 'node:net';
import tls from 'node:tls';
import { z } from 'zod';
import { excerpt, type ProbeContext, type ProbePlugin, type ProbeResult, type Timings } from '../../plugins/sdk.js';
import { readReply, SmtpFailure, type Reply } from './replies.js';

const DAY_MS = 86_400_000;

const smtpConfig = z.strictObject({
  host: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9_.:[\]-]+$/)
    .describe('Mail server host name or IP address'),
  port: z.number().int().min(1).max(65535).default(25).describe('SMTP port: 25, or 587 for submission'),
  heloName: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.-]+$/)
    .default('localhost')
    .describe('Name this monitor gives in EHLO'),
  starttls: z.boolean().default(true).describe('Require STARTTLS, upgrade and check the certificate'),
  warnDays: z.number().int().min(0).max(3650).default(14).describe('Degraded when the certificate has fewer days left (days)'),
});

type SmtpConfig = z.infer<typeof smtpConfig>;

export type SmtpMetadata = {
  /** First line of the server's 220 greeting (at most 200 printable bytes); absent if none came. */
  greeting?: string;
  /** EHLO keywords the server advertised, e.g. PIPELINING, SIZE 35882577, STARTTLS (each at most 200 printable bytes). */
  extensions: string[];
  /** The STARTTLS certificate; absent without STARTTLS. */
  certificate?: {
    /** Subject common name. */
    subject: string;
    /** Issuer common name or organisation. */
    issuer: string;
    /** End of validity, ISO 8601 UTC. */
    validTo: string;
    /** Whole days until validTo, rounded down; negative once expired. */
    daysLeft: number;
    /** The chain leads to a trusted root; many MTAs use self-signed certificates, so not judged. */
    trusted: boolean;
  };
};

const NODE_CODES: Record<string, string> = {
  ECONNREFUSED: 'CONNECTION_REFUSED',
  ECONNRESET: 'CONNECTION_RESET',
  EPIPE: 'CONNECTION_RESET',
};

function problem(err: unknown, signal: AbortSignal): { code: string; message: string } {
  if (signal.aborted) return { code: 'TIMEOUT', message: 'No answer within the monitor timeout' };
  const e = err as { name?: string; code?: unknown; message?: string };
  const message = e?.message ?? String(err);
  // ProbeFailure from ctx.resolve (TARGET_FORBIDDEN, DNS_FAILED) or our own SmtpFailure.
  if (e?.name === 'ProbeFailure' && typeof e.code === 'string') return { code: e.code, message };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (NODE_CODES[code]) return { code: NODE_CODES[code], message };
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO') return { code: 'TLS_ERROR', message };
  return { code: 'SMTP_ERROR', message: code ? `${code}: ${message}` : message };
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function connected(socket: net.Socket, event: 'connect' | 'secureConnect'): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once(event, () => resolve());
    socket.once('error', reject);
    socket.once('close', () => reject(new SmtpFailure('SMTP_ERROR', 'Connection closed')));
  });
}

async function command(socket: net.Socket, line: string, failCode: string): Promise<Reply> {
  const reply = readReply(socket, failCode);
  socket.write(`${line}\r\n`);
  return reply;
}

const ms = (from: number) => Math.round((performance.now() - from) * 100) / 100;

async function check(ctx: ProbeContext, config: SmtpConfig, signal: AbortSignal, sockets: net.Socket[], timings: Timings, metadata: SmtpMetadata) {
  const start = performance.now();
  const host = config.host.replace(/^\[(.*)\]$/, '$1');
  // Connect to the address the operator's policy checked, never to the name again.
  const target = await untilAborted(ctx.resolve(host, signal), signal);
  timings.resolve = ms(start);

  const connectStart = performance.now();
  const plain = net.connect({ host: target.address, port: config.port });
  // Each read listens for errors itself; this keeps a stray one from crashing the server.
  plain.on('error', () => {});
  sockets.push(plain);
  await connected(plain, 'connect');
  timings.connect = ms(connectStart);

  const greetingStart = performance.now();
  const greeting = await readReply(plain, 'SMTP_BAD_GREETING');
  timings.firstByte = ms(greetingStart);
  metadata.greeting = excerpt(greeting.lines[0]);
  if (greeting.code !== 220) throw new SmtpFailure('SMTP_BAD_GREETING', `Greeting ${greeting.code} ${metadata.greeting}`);

  const ehlo = await command(plain, `EHLO ${config.heloName}`, 'SMTP_EHLO_REJECTED');
  if (ehlo.code !== 250) throw new SmtpFailure('SMTP_EHLO_REJECTED', `EHLO answered ${ehlo.code} ${excerpt(ehlo.lines[0])}`);
  metadata.extensions = ehlo.lines.slice(1).map((line) => excerpt(line));
  if (!config.starttls) return plain;

  if (!metadata.extensions.some((ext) => /^STARTTLS\b/i.test(ext))) {
    throw new SmtpFailure('SMTP_NO_STARTTLS', 'The server does not offer STARTTLS');
  }
  const ready = await command(plain, 'STARTTLS', 'SMTP_STARTTLS_REFUSED');
  if (ready.code !== 220) throw new SmtpFailure('SMTP_STARTTLS_REFUSED', `STARTTLS answered ${ready.code} ${excerpt(ready.lines[0])}`);

  const tlsStart = performance.now();
  const secure = tls.connect({
    socket: plain,
    servername: net.isIP(host) ? undefined : host,
    // Judged below and reported: many mail servers use certificates no browser would trust.
    rejectUnauthorized: false,
  });
  secure.on('error', () => {});
  sockets.push(secure);
  await connected(secure, 'secureConnect');
  timings.tls = ms(tlsStart);
  const cert = secure.getPeerCertificate();
  const validTo = new Date(cert?.valid_to ?? NaN);
  if (Number.isNaN(validTo.getTime())) throw new SmtpFailure('TLS_ERROR', 'The server sent no certificate');
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
  metadata.certificate = {
    subject: excerpt(first(cert.subject?.CN)),
    issuer: excerpt(first(cert.issuer?.CN) || first(cert.issuer?.O)),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - Date.now()) / DAY_MS),
    trusted: secure.authorized,
  };
  // RFC 3207: the session starts over after STARTTLS, so greet again to see it works encrypted.
  const again = await command(secure, `EHLO ${config.heloName}`, 'SMTP_EHLO_REJECTED');
  if (again.code !== 250) throw new SmtpFailure('SMTP_EHLO_REJECTED', `EHLO after STARTTLS answered ${again.code}`);
  return secure;
}

const smtp: ProbePlugin<typeof smtpConfig, SmtpMetadata> = {
  id: 'smtp',
  version: '1.0.0',
  apiVersion: 1,
  title: 'SMTP',
  description: 'Checks an SMTP server: 220 greeting, EHLO, STARTTLS and the certificate expiry.',
  configSchema: smtpConfig,
  targetKey: (config) => `${config.host}:${config.port}`,
  async run(ctx, config, signal): Promise<ProbeResult<SmtpMetadata>> {
    const start = performance.now();
    const timings: Timings = {};
    const metadata: SmtpMetadata = { extensions: [] };
    const sockets: net.Socket[] = [];
    // Destroying the sockets ends any pending read or handshake, so the run returns promptly.
    const onAbort = () => sockets.forEach((socket) => socket.destroy());
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const last = await check(ctx, config, signal, sockets, timings, metadata);
      last.end('QUIT\r\n');
      timings.total = ms(start);
      const cert = metadata.certificate;
      if (cert && cert.daysLeft < 0) {
        return { ok: false, error: { code: 'CERT_EXPIRED', message: `Certificate expired on ${cert.validTo}` }, timings, metadata };
      }
      if (cert && cert.daysLeft < config.warnDays) {
        const warning = { code: 'CERT_EXPIRING', message: `Certificate expires in ${cert.daysLeft} days` };
        return { ok: true, warning, timings, metadata };
      }
      return { ok: true, timings, metadata };
    } catch (err) {
      timings.total = ms(start);
      return { ok: false, error: problem(err, signal), timings, metadata };
    } finally {
      signal.removeEventListener('abort', onAbort);
      for (const socket of sockets) socket.destroy();
    }
  },
};

export default smtp;
