import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ProbeFailure } from '../../../../plugins/sdk.js';
import { makeCa, makeLeaf } from '../../../../plugins/testing/certs.js';
import { issueDetails } from '../../../http/errors.js';
import { notifierContext, sampleMessage } from '../../../testing/alerts.js';
import { smtpReceiver, type SmtpReceiver } from '../../../testing/receivers.js';
import email, { type EmailConfig } from './index.js';

const ca = makeCa();
const leaf = makeLeaf({ hosts: ['mail.test'], validDays: 60, ca });
/** mail.test is 127.0.0.1, so the certificate's name can be checked. */
const ctx = notifierContext({
  resolve: async (host) => {
    if (host === 'forbidden.test') throw new ProbeFailure('TARGET_FORBIDDEN', `${host} is not an allowed target`);
    return { address: '127.0.0.1', family: 4 };
  },
});
const servers: SmtpReceiver[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function server(opts: Parameters<typeof smtpReceiver>[0]): Promise<SmtpReceiver> {
  const s = await smtpReceiver(opts);
  servers.push(s);
  return s;
}

const base = (port: number, extra: Partial<EmailConfig> = {}): EmailConfig =>
  email.configSchema.parse({ host: 'mail.test', port, from: 'alerts@pingpage.example', to: ['ops@example.com'], ca: ca.cert, ...extra });

describe('email notifier', () => {
  it('sends over STARTTLS with auth: subject, text, escaped HTML, ids and unsubscribe headers', async () => {
    const smtp = await server({ key: leaf.key, cert: leaf.cert });
    const message = sampleMessage(undefined, { unsubscribeUrl: 'https://pingpage.example/status/x/subscriptions/unsubscribe?token=t' });
    const result = await email.send(ctx, base(smtp.port, { username: 'pp', password: 's3cret' }), message, AbortSignal.timeout(10_000));
    expect(result).toMatchObject({ ok: true, status: 250 });
    expect(smtp.logins).toEqual(['pp:s3cret']);
    const [mail] = smtp.messages;
    expect(mail!.to).toEqual(['ops@example.com']);
    expect(mail!.from).toBe('alerts@pingpage.example');
    expect(mail!.subject).toBe('🔴 API <prod> & "friends" is down');
    expect(mail!.headers['message-id']).toBe(`<${message.id}@pingpage.example>`);
    expect(mail!.headers['x-pingpage-delivery']).toBe(message.id);
    expect(mail!.headers['list-unsubscribe']).toBe('<https://pingpage.example/status/x/subscriptions/unsubscribe?token=t>');
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(mail!.text).toContain('TIMEOUT: No answer within 10 s [click](https://evil.example) <b>x</b>');
    expect(mail!.html).toContain('API &lt;prod&gt; &amp; &quot;friends&quot; is down');
    expect(mail!.html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(mail!.html).not.toContain('<b>x</b>');
  });

  it('sends over TLS from the first byte', async () => {
    const smtp = await server({ secure: true, key: leaf.key, cert: leaf.cert });
    expect((await email.send(ctx, base(smtp.port, { security: 'tls' }), sampleMessage(), AbortSignal.timeout(10_000))).ok).toBe(true);
    expect(smtp.messages).toHaveLength(1);
  });

  it('sends in plain text only when told to', async () => {
    const smtp = await server({ disabledCommands: ['STARTTLS'] });
    expect((await email.send(ctx, base(smtp.port, { security: 'none' }), sampleMessage(), AbortSignal.timeout(10_000))).ok).toBe(true);
    expect(smtp.messages).toHaveLength(1);
  });

  it('refuses a server without STARTTLS by default, for good', async () => {
    const smtp = await server({ disabledCommands: ['STARTTLS'] });
    const result = await email.send(ctx, base(smtp.port), sampleMessage(), AbortSignal.timeout(10_000));
    expect(result).toMatchObject({ ok: false, error: { code: 'SMTP_NO_STARTTLS' }, retryable: false });
    expect(smtp.messages).toHaveLength(0);
  });

  it('refuses a certificate it cannot verify', async () => {
    const smtp = await server({ key: leaf.key, cert: leaf.cert });
    const { ca: _ca, ...untrusting } = base(smtp.port);
    const result = await email.send(ctx, untrusting, sampleMessage(), AbortSignal.timeout(10_000));
    expect(result).toMatchObject({ ok: false, error: { code: 'CERT_SELF_SIGNED' } });
    expect(smtp.messages).toHaveLength(0);
  });

  it('gives up on a server that never greets when the signal fires', async () => {
    const silent = net.createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const result = await email.send(ctx, base(port), sampleMessage(), AbortSignal.timeout(300));
      expect(result).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    } finally {
      silent.close();
    }
  });

  it('does not connect to a host the policy refuses', async () => {
    const result = await email.send(ctx, base(25, { host: 'forbidden.test' }), sampleMessage(), AbortSignal.timeout(5_000));
    expect(result).toMatchObject({ ok: false, error: { code: 'TARGET_FORBIDDEN' }, retryable: false });
  });

  it.each([
    [{ from: 'a@b.example', to: ['c@d.example'] }, 'host', 'invalid_type'],
    [{ host: 'smtp.example', from: 'a@b.example', to: [] }, 'to', 'too_small'],
    [{ host: 'smtp.example', from: 'a@b.example', to: ['not-an-address'] }, 'to.0', 'invalid_format'],
    [{ host: 'smtp.example', from: 'nobody', to: ['c@d.example'] }, 'from', 'invalid_format'],
    [{ host: 'smtp.example', from: 'a@b.example', to: ['c@d.example'], security: 'ssl' }, 'security', 'invalid_value'],
    [{ host: 'smtp.example', from: 'a@b.example', to: ['c@d.example'], port: 0 }, 'port', 'too_small'],
    [{ host: 'smtp example', from: 'a@b.example', to: ['c@d.example'] }, 'host', 'invalid_format'],
    [{ host: 'smtp.example', from: 'a@b.example', to: ['c@d.example'], fromName: 'x\r\nBcc: y' }, 'fromName', 'invalid_format'],
  ])('config %j fails at %s with %s', (input, path, code) => {
    const r = email.configSchema.safeParse(input);
    expect(issueDetails(r.error!)[0]).toMatchObject({ path, code });
  });

  it('defaults to STARTTLS on 587 and marks the password as a secret', async () => {
    expect(email.configSchema.parse({ host: 'smtp.example', from: 'a@b.example', to: ['c@d.example'] })).toMatchObject({ port: 587, security: 'starttls' });
    const { z } = await import('zod');
    expect(z.toJSONSchema(email.configSchema, { io: 'input' })).toMatchObject({ properties: { password: { writeOnly: true } } });
  });
});
