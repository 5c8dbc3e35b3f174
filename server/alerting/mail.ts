/**
 * The operator's SMTP server for subscriber e-mail, from one URL:
 * `smtp://user:pass@mail.example.com:587` (STARTTLS required), `smtps://…:465` (TLS from the
 * first byte), `smtp://relay:25?security=none` (plain text, a trusted relay only).
 */
import { StartupError } from '../errors.js';
import type { SystemMail } from './deliver.js';
import email from './notifiers/email/index.js';

export function systemMailFromUrl(url: string, from: string, fromName = 'PingPage'): SystemMail {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StartupError('SMTP_URL: not a URL');
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new StartupError('SMTP_URL: use smtp:// or smtps://');
  const plain = u.searchParams.get('security') === 'none';
  const mail = {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : u.protocol === 'smtps:' ? 465 : 587,
    security: u.protocol === 'smtps:' ? 'tls' : plain ? 'none' : 'starttls',
    ...(u.username ? { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } : {}),
    from,
    fromName,
  };
  // Checked now, with the notifier's own schema, so a typo stops the start instead of every e-mail.
  const parsed = email.configSchema.safeParse({ ...mail, to: ['check@example.com'] });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StartupError(`SMTP_URL/MAIL_FROM: ${issue.path.join('.')}: ${issue.message}`);
  }
  return mail;
}
