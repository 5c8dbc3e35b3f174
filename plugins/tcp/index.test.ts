import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { plainContext, ProbeFailure, type ProbeContext } from '../sdk.js';
import { forbiddenContext, localContext } from '../testing/context.js';
import { listen, type Running } from '../testing/servers.js';
import tcp, { decodeEscapes } from './index.js';

const running: Running[] = [];
async function serve(onConnection: (socket: net.Socket) => void): Promise<Running> {
  const server = await listen(net.createServer(onConnection));
  running.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(running.map((server) => server.close()));
});

const run = (config: unknown, ctx: ProbeContext = localContext(), signal = AbortSignal.timeout(5_000)) =>
  tcp.run(ctx, tcp.configSchema.parse(config), signal);

describe('tcp config', () => {
  it.each([
    ['a port above 65535', { host: 'db.test', port: 70000 }, ['port']],
    ['port 0', { host: 'db.test', port: 0 }, ['port']],
    ['a fractional port', { host: 'db.test', port: 80.5 }, ['port']],
    ['a URL as host', { host: 'http://db.test', port: 80 }, ['host']],
    ['a host with a space', { host: 'db test', port: 80 }, ['host']],
    ['a host with a port', { host: '10.0.0.1:5432', port: 5432 }, ['host']],
    ['no host', { port: 80 }, ['host']],
    ['a zero read timeout', { host: 'db.test', port: 80, readTimeoutMs: 0 }, ['readTimeoutMs']],
    ['an empty expect', { host: 'db.test', port: 80, expect: '' }, ['expect']],
    ['a misspelt field', { host: 'db.test', port: 80, expected: 'x' }, []],
  ])('refuses %s', (_name, input, path) => {
    const result = tcp.configSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(path);
  });

  it('accepts names and IP literals, and renders as JSON Schema', () => {
    for (const host of ['db.test', '127.0.0.1', '::1', '[2001:db8::1]', 'localhost']) {
      expect(tcp.configSchema.safeParse({ host, port: 5432 }).success, host).toBe(true);
    }
    expect(tcp.configSchema.parse({ host: 'db.test', port: 1 })).toEqual({ host: 'db.test', port: 1, expectRegex: false, readTimeoutMs: 5000 });
    expect(z.toJSONSchema(tcp.configSchema, { io: 'input' })).toMatchObject({ required: ['host', 'port'] });
  });

  it('decodes escapes', () => {
    expect(decodeEscapes('PING\\r\\n')).toEqual(Buffer.from('PING\r\n'));
    expect(decodeEscapes('\\x00\\xffé\\\\t\\t')).toEqual(Buffer.concat([Buffer.from([0, 255]), Buffer.from('é\\t\t')]));
  });
});

describe('tcp probe', () => {
  it('connects to the resolved address', async () => {
    const server = await serve((socket) => socket.resume());
    const ctx = localContext();
    const result = await run({ host: 'db.test', port: server.port }, ctx);
    expect(result).toMatchObject({ ok: true, metadata: { address: '127.0.0.1' } });
    expect(result.metadata.banner).toBeUndefined();
    expect(ctx.resolved).toEqual(['db.test']);
    expect(result.timings.connect).toBeGreaterThanOrEqual(0);
    await server.drained();
  });

  it('checks a banner by substring and by regex', async () => {
    const server = await serve((socket) => {
      socket.resume();
      socket.write('SSH-2.0-OpenSSH_9.6\r\n');
    });
    const port = server.port;
    const result = await run({ host: '127.0.0.1', port, expect: 'SSH-2.0' }, plainContext);
    expect(result).toMatchObject({ ok: true, metadata: { banner: 'SSH-2.0-OpenSSH_9.6\\r\\n' } }); // printable: CR LF shown as escapes
    expect(result.timings.firstByte).toBeGreaterThanOrEqual(0);
    expect((await run({ host: 'db.test', port, expect: '^SSH-2\\.0-OpenSSH_\\d', expectRegex: true })).ok).toBe(true);
    // Refused by the schema; one stored before that rule fails the check instead of crashing it.
    const stored = { ...tcp.configSchema.parse({ host: 'db.test', port }), expect: '(', expectRegex: true };
    expect((await tcp.run(localContext(), stored, AbortSignal.timeout(5_000))).error?.code).toBe('CONFIG_INVALID');
  });

  it('sends decoded escapes and checks the answer', async () => {
    const server = await serve((socket) => {
      let got = '';
      socket.on('data', (chunk) => {
        got += chunk;
        if (got === 'PING\r\n') socket.write('+PONG\r\n');
      });
    });
    const result = await run({ host: 'db.test', port: server.port, send: 'PING\\r\\n', expect: '+PONG' });
    expect(result).toMatchObject({ ok: true, metadata: { banner: '+PONG\\r\\n' } });
  });

  it('fails a banner that does not match before readTimeoutMs', async () => {
    const server = await serve((socket) => {
      socket.resume();
      socket.write('220 smtp ready\r\n');
    });
    const result = await run({ host: 'db.test', port: server.port, expect: 'SSH-', readTimeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, error: { code: 'BANNER_MISMATCH' }, metadata: { banner: '220 smtp ready\\r\\n' } });
    await server.drained();
  });

  it('fails when the server closes before the expected reply', async () => {
    const server = await serve((socket) => socket.end('bye\r\n'));
    const result = await run({ host: 'db.test', port: server.port, expect: 'hello' });
    expect(result.error?.code).toBe('BANNER_MISMATCH');
    expect(result.error?.message).toMatch(/closed/);
  });

  it('reads at most 64 KiB of an endless talker and shows 200 bytes of it', async () => {
    const chunk = Buffer.alloc(16 * 1024, 'a');
    let sent = 0;
    const server = await serve((socket) => {
      socket.resume();
      const pump = () => {
        while (sent < 200 * 1024 * 1024 && !socket.destroyed) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    const result = await run({ host: 'db.test', port: server.port, expect: 'never' });
    expect(result.error?.code).toBe('BANNER_MISMATCH');
    expect(result.metadata.banner).toBe('a'.repeat(197) + '…'); // 200 bytes
    await server.drained();
    expect(sent).toBeLessThan(200 * 1024 * 1024);
  }, 20_000);

  it('reports a refused connection', async () => {
    const server = await listen(net.createServer());
    const port = server.port;
    await server.close();
    expect((await run({ host: 'db.test', port })).error?.code).toBe('CONNECTION_REFUSED');
  });

  it('reports a reset connection', async () => {
    const server = await serve((socket) => socket.resetAndDestroy());
    expect((await run({ host: 'db.test', port: server.port, expect: 'x' })).error?.code).toBe('CONNECTION_RESET');
  });

  it('times out promptly on a server that never answers, and hangs up', async () => {
    const server = await serve((socket) => socket.resume());
    const result = await run({ host: 'db.test', port: server.port, expect: 'x' }, localContext(), AbortSignal.timeout(300));
    expect(result.error?.code).toBe('TIMEOUT');
    await server.drained();
  }, 5_000);

  it('passes through the resolver policy and DNS failures', async () => {
    expect((await run({ host: 'db.test', port: 1 }, forbiddenContext)).error?.code).toBe('TARGET_FORBIDDEN');
    const noSuchName: ProbeContext = {
      ...plainContext,
      resolve: async () => {
        throw new ProbeFailure('DNS_FAILED', 'NXDOMAIN');
      },
    };
    expect((await run({ host: 'db.test', port: 1 }, noSuchName)).error?.code).toBe('DNS_FAILED');
  });
});
