import net from 'node:net';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { plainContext, type ProbeContext } from '../../plugins/sdk.js';
import { makeLeaf, type Pem } from '../../plugins/testing/certs.js';
import { forbiddenContext, localContext } from '../../plugins/testing/context.js';
import { listen, type Running } from '../../plugins/testing/servers.js';
import smtp from './index.js';

interface FakeOptions {
  /** Sent on connect, CRLF-terminated lines; default a 220 greeting. */
  greeting?: string;
  /** Certificate for STARTTLS; without it STARTTLS is not offered. */
  pem?: Pem;
  /** Accept and never say anything. */
  silent?: boolean;
}

const running: Running[] = [];
afterAll(async () => {
  await Promise.all(running.map((server) => server.close()));
});

/** A tiny SMTP server on 127.0.0.1: greeting, EHLO, STARTTLS (node:tls), QUIT. Records the commands. */
async function fakeSmtp(options: FakeOptions = {}): Promise<Running & { commands: string[] }> {
  const commands: string[] = [];
  const server = net.createServer((socket) => {
    socket.resume();
    if (options.silent) return;
    const serve = (stream: net.Socket, secured: boolean) => {
      let pending = '';
      stream.on('error', () => {});
      stream.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        let end: number;
        while ((end = pending.indexOf('\r\n')) >= 0) {
          const line = pending.slice(0, end);
          pending = pending.slice(end + 2);
          commands.push(line);
          const verb = line.split(' ')[0].toUpperCase();
          if (verb === 'EHLO') {
            const offers = options.pem && !secured ? ['STARTTLS'] : [];
            const lines = ['mail.test greets you', 'PIPELINING', 'SIZE 10240000', ...offers, '8BITMIME'];
            stream.write(lines.map((text, i) => `250${i === lines.length - 1 ? ' ' : '-'}${text}\r\n`).join(''));
          } else if (verb === 'STARTTLS' && options.pem && !secured) {
            stream.write('220 2.0.0 Ready to start TLS\r\n');
            stream.removeAllListeners('data');
            stream.pause();
            const pem = options.pem;
            serve(new tls.TLSSocket(stream, { isServer: true, key: pem.key, cert: pem.cert }), true);
            return;
          } else if (verb === 'QUIT') {
            stream.end('221 2.0.0 Bye\r\n');
          } else {
            stream.write('502 5.5.2 Command not recognized\r\n');
          }
        }
      });
    };
    socket.write(options.greeting ?? '220 mail.test ESMTP ready\r\n');
    serve(socket, false);
  });
  const started = await listen(server);
  running.push(started);
  return { ...started, commands };
}

const run = (config: Record<string, unknown>, ctx: ProbeContext = localContext(), signal = AbortSignal.timeout(5_000)) =>
  smtp.run(ctx, smtp.configSchema.parse({ host: 'mail.test', ...config }), signal);

describe('smtp config', () => {
  it.each([
    ['a port above 65535', { host: 'mail.test', port: 70000 }, ['port']],
    ['a URL as host', { host: 'smtp://mail.test' }, ['host']],
    ['no host', {}, ['host']],
    ['a HELO name with a space', { host: 'mail.test', heloName: 'a b' }, ['heloName']],
    ['a misspelt field', { host: 'mail.test', startTls: false }, []],
  ])('refuses %s', (_name, input, path) => {
    const result = smtp.configSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(path);
  });

  it('fills in the defaults and renders as JSON Schema', () => {
    expect(smtp.configSchema.parse({ host: 'mail.test' })).toEqual({ host: 'mail.test', port: 25, heloName: 'localhost', starttls: true, warnDays: 14 });
    expect(z.toJSONSchema(smtp.configSchema, { io: 'input' })).toMatchObject({ required: ['host'] });
  });
});

describe('smtp probe', () => {
  it('reads the greeting and the EHLO extensions', async () => {
    const server = await fakeSmtp({ greeting: '220-mail.test ESMTP\r\n220 no UCE\r\n' });
    const ctx = localContext();
    const result = await run({ port: server.port, starttls: false }, ctx);
    expect(result).toMatchObject({
      ok: true,
      metadata: { greeting: 'mail.test ESMTP', extensions: ['PIPELINING', 'SIZE 10240000', '8BITMIME'] },
    });
    expect(result.metadata.certificate).toBeUndefined();
    expect(server.commands[0]).toBe('EHLO localhost');
    expect(ctx.resolved).toEqual(['mail.test']);
    await server.drained();
  });

  it('upgrades with STARTTLS and reports the certificate', async () => {
    const server = await fakeSmtp({ pem: makeLeaf({ hosts: ['mail.test'], validDays: 60 }) });
    const result = await run({ port: server.port, heloName: 'probe.test' });
    expect(result.ok, result.error?.message).toBe(true);
    expect(result.warning).toBeUndefined();
    expect(result.metadata.extensions).toContain('STARTTLS');
    expect(result.metadata.certificate).toMatchObject({ subject: 'mail.test', issuer: 'mail.test', daysLeft: 59, trusted: false });
    expect(server.commands.slice(0, 3)).toEqual(['EHLO probe.test', 'STARTTLS', 'EHLO probe.test']);
    expect(result.timings.tls).toBeGreaterThan(0);
  });

  it('warns (degraded) when the certificate expires within warnDays, fails when expired', async () => {
    const soon = await fakeSmtp({ pem: makeLeaf({ hosts: ['mail.test'], validDays: 5 }) });
    const warned = await run({ port: soon.port });
    expect(warned).toMatchObject({ ok: true, warning: { code: 'CERT_EXPIRING' } });
    const expired = await fakeSmtp({ pem: makeLeaf({ hosts: ['mail.test'], validDays: -3 }) });
    expect((await run({ port: expired.port })).error?.code).toBe('CERT_EXPIRED');
  });

  it('fails when STARTTLS is required but not offered', async () => {
    const server = await fakeSmtp();
    const result = await run({ port: server.port });
    expect(result.error?.code).toBe('SMTP_NO_STARTTLS');
    expect(server.commands).not.toContain('STARTTLS');
  });

  it.each([
    ['a 554 greeting', '554 5.7.1 No SMTP service here\r\n'],
    ['an HTTP server', 'HTTP/1.1 400 Bad Request\r\n\r\n'],
  ])('fails on %s', async (_name, greeting) => {
    const server = await fakeSmtp({ greeting });
    const result = await run({ port: server.port });
    expect(result.error?.code).toBe('SMTP_BAD_GREETING');
  });

  it('fails on a server that hangs up instead of greeting', async () => {
    const server = await listen(net.createServer((socket) => socket.end()));
    running.push(server);
    expect((await run({ host: '127.0.0.1', port: server.port }, plainContext)).error?.code).toBe('SMTP_BAD_GREETING');
  });

  it('reports a refused connection', async () => {
    const server = await listen(net.createServer());
    const port = server.port;
    await server.close();
    expect((await run({ port })).error?.code).toBe('CONNECTION_REFUSED');
  });

  it('times out promptly on a server that never greets, and hangs up', async () => {
    const server = await fakeSmtp({ silent: true });
    const result = await run({ port: server.port }, localContext(), AbortSignal.timeout(300));
    expect(result.error?.code).toBe('TIMEOUT');
    await server.drained();
  }, 5_000);

  it('passes through the resolver policy', async () => {
    const result = await run({ port: 25 }, forbiddenContext);
    expect(result.error?.code).toBe('TARGET_FORBIDDEN');
  });
});
