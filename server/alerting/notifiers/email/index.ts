/**
 * E-mail over SMTP with nodemailer. TLS is required by default (STARTTLS on 587, or TLS from the
 * start on 465) and the certificate is always verified, against the system CAs or a given one;
 * plain text needs `security: 'none'`, meant for a relay on a trusted network.
 */
import net from 'node:net';
import { rootCertificates } from 'node:tls';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { ProbeFailure } from '../../../../plugins/sdk.js';
import { TLS_CODES } from '../../../../plugins/shared/errors.js';
import { raceAbort } from '../../../../plugins/shared/net.js';
import { defineNotifier, type SendResult } from '../../sdk.js';
import { sendProblem } from '../shared/post.js';
import { secretString } from '../shared/schema.js';
import { emailHtml, emailText } from './layout.js';

const config = z.strictObject({
  host: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9_.:[\]-]+$/, 'A host name or IP address')
    .describe('SMTP server host name'),
  port: z.number().int().min(1).max(65535).default(587).describe('SMTP port: 587 with STARTTLS, 465 with TLS'),
  security: z
    .enum(['starttls', 'tls', 'none'])
    .default('starttls')
    .describe('starttls: upgrade and require TLS; tls: TLS from the first byte; none: plain text (trusted relays only)'),
  username: z.string().min(1).max(254).optional().describe('SMTP user name'),
  password: secretString('SMTP password').optional(),
  from: z.email().max(254).describe('Sender address'),
  fromName: z.string().trim().min(1).max(100).regex(/^[^\r\n<>"]*$/, 'No line breaks, <, > or "').default('PingPage').describe('Sender name'),
  to: z.array(z.email().max(254)).min(1).max(20).describe('Recipients'),
  ca: z
    .string()
    .max(20_000)
    .regex(/-----BEGIN CERTIFICATE-----/, 'A PEM certificate')
    .optional()
    .describe('PEM certificate of a private CA to trust besides the system ones'),
});

export type EmailConfig = z.output<typeof config>;

/** nodemailer's errors (its code, the socket's original code, the SMTP reply) to ours. */
function smtpProblem(err: unknown, signal: AbortSignal): SendResult {
  const e = err as Error & { code?: string; originalCode?: string; command?: string; responseCode?: number; response?: string };
  if (signal.aborted || err instanceof ProbeFailure) return sendProblem(err, signal);
  const status = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const message = (e.message ?? String(err)).slice(0, 300);
  // requireTLS against a server without STARTTLS: a setting to fix, not a passing fault.
  if (e.code === 'ETLS' && e.command === 'STARTTLS') {
    return { ok: false, error: { code: 'SMTP_NO_STARTTLS', message }, ...(status ? { status } : {}), retryable: false };
  }
  const original = e.originalCode ?? '';
  if (TLS_CODES[original] || /^(ERR_TLS_|ERR_SSL_)|CERT/.test(original) || e.code === 'ETLS') {
    return { ok: false, error: { code: TLS_CODES[original] ?? 'TLS_ERROR', message } };
  }
  const codes: Record<string, string> = {
    EAUTH: 'SMTP_AUTH_FAILED',
    ESOCKET: 'CONNECTION_FAILED',
    ECONNECTION: 'CONNECTION_FAILED',
    ETIMEDOUT: 'TIMEOUT',
    EENVELOPE: 'SMTP_REJECTED',
    EMESSAGE: 'SMTP_REJECTED',
    EPROTOCOL: 'SMTP_PROTOCOL',
  };
  const code = original === 'ECONNREFUSED' ? 'CONNECTION_REFUSED' : (e.code && codes[e.code]) || (status ? 'SMTP_REJECTED' : 'SEND_FAILED');
  // Bad credentials and 5xx replies do not heal by waiting.
  const permanent = code === 'SMTP_AUTH_FAILED' || (status !== undefined && status >= 500);
  return { ok: false, error: { code, message }, ...(status ? { status } : {}), ...(permanent ? { retryable: false } : {}) };
}

export default defineNotifier({
  id: 'email',
  version: '1.0.0',
  apiVersion: 1,
  title: 'E-mail',
  description: 'Sends e-mail through your SMTP server (TLS required unless turned off).',
  configSchema: config,
  targets: (c) => [c.host],
  async send(ctx, c, message, signal) {
    let transport: ReturnType<typeof nodemailer.createTransport> | undefined;
    const onAbort = () => transport?.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const host = c.host.replace(/^\[(.*)\]$/, '$1');
      const target = await raceAbort(ctx.resolve(host, signal), signal);
      const servername = net.isIP(host) ? undefined : host;
      transport = nodemailer.createTransport({
        host: target.address,
        port: c.port,
        secure: c.security === 'tls',
        requireTLS: c.security === 'starttls',
        ignoreTLS: c.security === 'none',
        servername,
        auth: c.username ? { user: c.username, pass: c.password ?? '' } : undefined,
        tls: {
          rejectUnauthorized: true,
          minVersion: 'TLSv1.2',
          servername,
          ...(c.ca ? { ca: [...rootCertificates, c.ca] } : {}),
        },
        connectionTimeout: 30_000,
        greetingTimeout: 30_000,
        socketTimeout: 60_000,
      });
      const domain = c.from.split('@')[1] ?? 'pingpage';
      const info = await raceAbort(
        transport.sendMail({
          from: { name: c.fromName, address: c.from },
          to: c.to,
          subject: message.title.replace(/[\r\n]+/g, ' ').slice(0, 250),
          text: emailText(message),
          html: emailHtml(message),
          // One Message-ID per delivery: a retry of the same alert is the same message to mail systems.
          messageId: `<${message.id}@${domain}>`,
          headers: {
            'X-PingPage-Event': message.event,
            'X-PingPage-Delivery': message.id,
            'Auto-Submitted': 'auto-generated',
            ...(message.unsubscribeUrl ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
          },
          ...(message.unsubscribeUrl ? { list: { unsubscribe: message.unsubscribeUrl } } : {}),
          // Nothing in a message may make nodemailer read files or fetch URLs.
          disableFileAccess: true,
          disableUrlAccess: true,
        }),
        signal,
      );
      const status = Number(String(info.response ?? '').slice(0, 3)) || undefined;
      return { ok: true, ...(status ? { status } : {}) };
    } catch (err) {
      return smtpProblem(err, signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
      transport?.close();
    }
  },
});
