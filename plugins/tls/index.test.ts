import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { plainContext, type ProbeContext } from '../sdk.js';
import { makeCa, makeLeaf, type Pem } from '../testing/certs.js';
import { forbiddenContext, localContext } from '../testing/context.js';
import { listen, type Running } from '../testing/servers.js';
import probe from './index.js';

const running: Running[] = [];
afterAll(async () => {
  await Promise.all(running.map((server) => server.close()));
});

/** A TLS server with `pem`; records the SNI name of each handshake. */
async function serveTls(pem: Pem, names: string[] = []): Promise<Running> {
  const context = tls.createSecureContext({ key: pem.key, cert: pem.cert });
  const server = tls.createServer(
    {
      key: pem.key,
      cert: pem.cert,
      // Runs on the ClientHello, so the name is recorded before the probe can finish and hang up.
      SNICallback: (name, done) => {
        names.push(name);
        done(null, context);
      },
    },
    (socket) => socket.resume(),
  );
  const started = await listen(server);
  running.push(started);
  return started;
}
async function serveRaw(onConnection: (socket: net.Socket) => void): Promise<Running> {
  const started = await listen(net.createServer(onConnection));
  running.push(started);
  return started;
}

let ca: Pem;
beforeAll(() => {
  ca = makeCa();
});

const run = (config: Record<string, unknown>, ctx: ProbeContext = localContext(), signal = AbortSignal.timeout(5_000)) =>
  probe.run(ctx, probe.configSchema.parse({ host: 'app.test', ...config }), signal);
const leaf = (options: Partial<Parameters<typeof makeLeaf>[0]> = {}) =>
  makeLeaf({ hosts: ['app.test'], validDays: 90, ca, ...options });

describe('tls config', () => {
  it.each([
    ['a port above 65535', { host: 'app.test', port: 70000 }, ['port']],
    ['a URL as host', { host: 'https://app.test' }, ['host']],
    ['negative warnDays', { host: 'app.test', warnDays: -1 }, ['warnDays']],
    ['a CA that is not PEM', { host: 'app.test', ca: 'MIIB...' }, ['ca']],
    ['a servername with a slash', { host: 'app.test', servername: 'a/b' }, ['servername']],
    ['a misspelt field', { host: 'app.test', warnDay: 3 }, []],
  ])('refuses %s', (_name, input, path) => {
    const result = probe.configSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(path);
  });

  it('fills in the defaults and renders as JSON Schema', () => {
    expect(probe.configSchema.parse({ host: 'app.test' })).toEqual({
      host: 'app.test',
      port: 443,
      warnDays: 14,
      criticalDays: 3,
      allowSelfSigned: false,
    });
    expect(z.toJSONSchema(probe.configSchema, { io: 'input' })).toMatchObject({ required: ['host'] });
  });
});

describe('tls probe', () => {
  it('reports a certificate from a trusted private CA', async () => {
    const names: string[] = [];
    const server = await serveTls(leaf({ hosts: ['app.test', 'www.app.test'] }), names);
    const ctx = localContext();
    const result = await run({ port: server.port, ca: ca.cert }, ctx);
    expect(result.ok, result.error?.message).toBe(true);
    expect(result.warning).toBeUndefined();
    expect(result.metadata).toMatchObject({
      subject: 'app.test',
      issuer: 'PingPage Test CA',
      sans: ['app.test', 'www.app.test'],
      chainValid: true,
      hostnameMatch: true,
      protocol: 'TLSv1.3',
    });
    expect(result.metadata.chainError).toBeUndefined();
    expect(result.metadata.daysLeft).toBeGreaterThanOrEqual(89);
    expect(result.metadata.validTo).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(result.metadata.cipher).toMatch(/^TLS_/);
    expect(names).toEqual(['app.test']);
    expect(ctx.resolved).toEqual(['app.test']);
    for (const phase of ['resolve', 'connect', 'tls', 'total'] as const) expect(result.timings[phase]).toBeGreaterThanOrEqual(0);
    await server.drained();
  });

  it('warns (degraded) when the certificate expires within warnDays', async () => {
    const server = await serveTls(leaf({ validDays: 10 }));
    const result = await run({ port: server.port, ca: ca.cert });
    expect(result.ok).toBe(true);
    expect(result.warning?.code).toBe('CERT_EXPIRING');
    expect(result.metadata.daysLeft).toBe(9);
  });

  it('fails (down) when the certificate expires within criticalDays', async () => {
    const server = await serveTls(leaf({ validDays: 2 }));
    const result = await run({ port: server.port, ca: ca.cert });
    expect(result.error?.code).toBe('CERT_EXPIRING');
  });

  it.each([
    ['expired', () => leaf({ validDays: -1 }), {}, 'CERT_EXPIRED'],
    ['not yet valid', () => leaf({ startedDaysAgo: -2 }), {}, 'CERT_NOT_YET_VALID'],
    ['self-signed', () => makeLeaf({ hosts: ['app.test'], validDays: 90 }), {}, 'CERT_SELF_SIGNED'],
    ['from a CA nobody trusts', () => leaf(), { ca: undefined }, 'CERT_SELF_SIGNED'],
    ['for another host', () => leaf({ hosts: ['other.test'] }), {}, 'CERT_HOSTNAME'],
  ])('fails a certificate that is %s', async (_name, make, extra, code) => {
    const server = await serveTls(make());
    const result = await run({ port: server.port, ca: ca.cert, ...extra });
    expect(result.error?.code).toBe(code);
    // The certificate is still reported, so the dashboard can show what is wrong.
    expect(result.metadata.subject).toBeTruthy();
  });

  it('explains an untrusted chain and accepts it with allowSelfSigned', async () => {
    const server = await serveTls(makeLeaf({ hosts: ['app.test'], validDays: 90 }));
    const refused = await run({ port: server.port });
    expect(refused.metadata).toMatchObject({ chainValid: false, chainError: 'DEPTH_ZERO_SELF_SIGNED_CERT', hostnameMatch: true });
    const allowed = await run({ port: server.port, allowSelfSigned: true });
    expect(allowed.ok).toBe(true);
  });

  it('still checks the name when self-signed certificates are allowed', async () => {
    const server = await serveTls(makeLeaf({ hosts: ['other.test'], validDays: 90 }));
    const result = await run({ port: server.port, allowSelfSigned: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'CERT_HOSTNAME' }, metadata: { hostnameMatch: false } });
  });

  it('sends and checks servername instead of host', async () => {
    const names: string[] = [];
    const server = await serveTls(leaf(), names);
    const ctx = localContext();
    const result = await run({ host: 'lb.test', servername: 'app.test', port: server.port, ca: ca.cert }, ctx);
    expect(result.ok).toBe(true);
    expect(names).toEqual(['app.test']);
    expect(ctx.resolved).toEqual(['lb.test']);
  });

  it('checks an IP literal against the IP addresses in the certificate', async () => {
    const server = await serveTls(leaf({ hosts: ['127.0.0.1'] }));
    const result = await run({ host: '127.0.0.1', port: server.port, ca: ca.cert }, plainContext);
    expect(result).toMatchObject({ ok: true, metadata: { hostnameMatch: true, sans: ['127.0.0.1'] } });
  });

  it('reports a refused connection', async () => {
    const server = await listen(net.createServer());
    const port = server.port;
    await server.close();
    expect((await run({ port })).error?.code).toBe('CONNECTION_REFUSED');
  });

  it('reports TLS_ERROR when the server does not speak TLS', async () => {
    const server = await serveRaw((socket) => {
      socket.resume();
      socket.write('SSH-2.0-OpenSSH_9.6\r\n');
    });
    expect((await run({ port: server.port })).error?.code).toBe('TLS_ERROR');
  });

  it('times out promptly on a server that never answers the ClientHello, and hangs up', async () => {
    const server = await serveRaw((socket) => socket.resume());
    const result = await run({ port: server.port }, localContext(), AbortSignal.timeout(300));
    expect(result.error?.code).toBe('TIMEOUT');
    await server.drained();
  }, 5_000);

  it('passes through the resolver policy', async () => {
    expect((await run({}, forbiddenContext)).error?.code).toBe('TARGET_FORBIDDEN');
  });
});
