import { once } from 'node:events';
import dgram from 'node:dgram';
import nodeDns from 'node:dns';
import type { AddressInfo } from 'node:net';
import dnsPacket, { type Answer } from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { plainContext, type ProbeContext } from '../sdk.js';
import { forbiddenContext, localContext } from '../testing/context.js';
import dns from './index.js';
import { parseServer } from './query.js';

const NXDOMAIN = 3;
const REFUSED = 5;

/** The test zone: answers per name and type. */
const zone: Record<string, Answer[]> = {
  'example.test': [
    { type: 'A', name: 'example.test', ttl: 300, data: '192.0.2.1' },
    { type: 'A', name: 'example.test', ttl: 300, data: '192.0.2.2' },
    { type: 'AAAA', name: 'example.test', ttl: 300, data: '2001:db8::1' },
    { type: 'MX', name: 'example.test', ttl: 3600, data: { preference: 10, exchange: 'mail.example.test' } },
    { type: 'TXT', name: 'example.test', ttl: 60, data: ['v=spf1 ', 'include:_spf.example.test -all'] },
    { type: 'NS', name: 'example.test', ttl: 86400, data: 'ns1.example.test' },
    {
      type: 'SOA',
      name: 'example.test',
      ttl: 3600,
      data: { mname: 'ns1.example.test', rname: 'hostmaster.example.test', serial: 2024010101, refresh: 7200, retry: 900, expire: 1209600, minimum: 300 },
    },
    { type: 'CAA', name: 'example.test', ttl: 3600, data: { flags: 0, tag: 'issue', value: 'letsencrypt.org' } },
  ],
  'www.example.test': [
    { type: 'CNAME', name: 'www.example.test', ttl: 300, data: 'example.test' },
    { type: 'A', name: 'example.test', ttl: 300, data: '192.0.2.1' },
  ],
  '_sip._tcp.example.test': [{ type: 'SRV', name: '_sip._tcp.example.test', ttl: 300, data: { priority: 10, weight: 5, port: 5060, target: 'sip.example.test' } }],
};

interface FakeDns {
  port: number;
  close(): void;
}

/** A real UDP DNS server on 127.0.0.1 built with dns-packet, with a few hostile names. */
async function startDns(): Promise<FakeDns> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    const reply = (flags: number, answers: Answer[] = [], id = query.id) =>
      socket.send(dnsPacket.encode({ type: 'response', id, flags, questions: [question], answers }), peer.port, peer.address);
    switch (question.name) {
      case 'silent.test':
        return;
      case 'nx.test':
        return reply(NXDOMAIN);
      case 'refused.test':
        return reply(REFUSED);
      case 'garbage.test':
        // The right id, then a header promising an answer that is not there.
        return socket.send(Buffer.concat([message.subarray(0, 2), Buffer.from([0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0])]), peer.port, peer.address);
      case 'spoofed.test':
        // A forged reply with another id first; the probe must wait for the real one.
        reply(0, [{ type: 'A', name: 'spoofed.test', ttl: 1, data: '203.0.113.66' }], (query.id! + 1) % 65536);
        return void setTimeout(() => reply(0, [{ type: 'A', name: 'spoofed.test', ttl: 1, data: '192.0.2.7' }]), 50);
      default:
        reply(0, (zone[question.name] ?? []).filter((a) => a.type === question.type || a.type === 'CNAME'));
    }
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return { port: (socket.address() as AddressInfo).port, close: () => socket.close() };
}

let server: FakeDns;
beforeAll(async () => {
  server = await startDns();
});
afterAll(() => server.close());

const run = (config: Record<string, unknown>, ctx: ProbeContext = plainContext, signal = AbortSignal.timeout(5_000)) =>
  dns.run(ctx, dns.configSchema.parse({ server: `127.0.0.1:${server.port}`, ...config }), signal);

describe('dns config', () => {
  it.each([
    ['an unknown record type', { name: 'example.test', type: 'AXFR' }, ['type']],
    ['an unknown rcode', { name: 'example.test', expectedRcode: 'NOPE' }, ['expectedRcode']],
    ['a name with spaces', { name: 'exa mple.test' }, ['name']],
    ['no name', {}, ['name']],
    ['a server with a path', { name: 'example.test', server: '1.1.1.1/dns-query' }, ['server']],
    ['a server port above 65535', { name: 'example.test', server: '1.1.1.1:70000' }, ['server']],
    ['a misspelt field', { name: 'example.test', expectedAnswer: ['1.2.3.4'] }, []],
  ])('refuses %s', (_name, input, path) => {
    const result = dns.configSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(path);
  });

  it.each([
    ['9.9.9.9', { host: '9.9.9.9', port: 53 }],
    ['9.9.9.9:5353', { host: '9.9.9.9', port: 5353 }],
    ['ns.example.test:53', { host: 'ns.example.test', port: 53 }],
    ['ns.example.test', { host: 'ns.example.test', port: 53 }],
    ['2001:db8::53', { host: '2001:db8::53', port: 53 }],
    ['[2001:db8::53]:5353', { host: '2001:db8::53', port: 5353 }],
  ])('accepts the server %s', (text, parsed) => {
    expect(dns.configSchema.safeParse({ name: 'example.test', server: text }).success).toBe(true);
    expect(parseServer(text)).toEqual(parsed);
  });

  it('defaults to A / NOERROR and renders as JSON Schema', () => {
    expect(dns.configSchema.parse({ name: 'example.test' })).toEqual({ name: 'example.test', type: 'A', expectedRcode: 'NOERROR' });
    expect(z.toJSONSchema(dns.configSchema, { io: 'input' })).toMatchObject({ required: ['name'] });
  });
});

describe('dns probe', () => {
  it.each([
    ['A', 'example.test', ['192.0.2.1', '192.0.2.2']],
    ['AAAA', 'example.test', ['2001:db8::1']],
    ['MX', 'example.test', ['10 mail.example.test']],
    ['TXT', 'example.test', ['v=spf1 include:_spf.example.test -all']],
    ['NS', 'example.test', ['ns1.example.test']],
    ['SOA', 'example.test', ['ns1.example.test hostmaster.example.test 2024010101 7200 900 1209600 300']],
    ['SRV', '_sip._tcp.example.test', ['10 5 5060 sip.example.test']],
    ['CAA', 'example.test', ['0 issue "letsencrypt.org"']],
    ['CNAME', 'www.example.test', ['example.test']],
  ])('answers %s', async (type, name, data) => {
    const result = await run({ name, type, expectedAnswers: data });
    expect(result.ok, result.error?.message).toBe(true);
    expect(result.metadata.rcode).toBe('NOERROR');
    expect(result.metadata.server).toBe(`127.0.0.1:${server.port}`);
    expect(result.metadata.answers.filter((a) => a.type === type).map((a) => a.data)).toEqual(data);
    expect(result.timings.total).toBeGreaterThanOrEqual(0);
  });

  it('compares names without case or trailing dot', async () => {
    expect((await run({ name: 'example.test', type: 'MX', expectedAnswers: ['10 MAIL.example.test.'] })).ok).toBe(true);
  });

  it('reports answers with ttl', async () => {
    const result = await run({ name: 'www.example.test' });
    expect(result.metadata.answers).toEqual([
      { type: 'CNAME', name: 'www.example.test', ttl: 300, data: 'example.test' },
      { type: 'A', name: 'example.test', ttl: 300, data: '192.0.2.1' },
    ]);
  });

  it('fails on a missing expected answer', async () => {
    const result = await run({ name: 'example.test', expectedAnswers: ['192.0.2.1', '192.0.2.9'] });
    expect(result.error).toEqual({ code: 'ANSWER_MISMATCH', message: 'Missing from the answers: 192.0.2.9' });
  });

  it('fails on an unexpected rcode, and passes an expected NXDOMAIN', async () => {
    expect(await run({ name: 'nx.test' })).toMatchObject({ ok: false, error: { code: 'RCODE_MISMATCH' }, metadata: { rcode: 'NXDOMAIN' } });
    expect((await run({ name: 'refused.test' })).metadata.rcode).toBe('REFUSED');
    expect((await run({ name: 'nx.test', expectedRcode: 'NXDOMAIN' })).ok).toBe(true);
  });

  it('fails when the name has no record of the type', async () => {
    expect((await run({ name: 'example.test', type: 'SRV' })).error?.code).toBe('NO_ANSWER');
    expect((await run({ name: 'unknown.test' })).error?.code).toBe('NO_ANSWER');
  });

  it('fails on a malformed reply', async () => {
    expect((await run({ name: 'garbage.test' })).error?.code).toBe('DNS_FAILED');
  });

  it('ignores a reply with the wrong id', async () => {
    const result = await run({ name: 'spoofed.test', expectedAnswers: ['192.0.2.7'] });
    expect(result.ok).toBe(true);
    expect(result.metadata.answers.map((a) => a.data)).toEqual(['192.0.2.7']);
  });

  it('times out promptly on a server that never answers', async () => {
    const result = await run({ name: 'silent.test' }, plainContext, AbortSignal.timeout(300));
    expect(result.error?.code).toBe('TIMEOUT');
  }, 5_000);

  it('resolves a server given by name through the context', async () => {
    const ctx = localContext();
    const result = await run({ name: 'example.test', server: `ns.test:${server.port}` }, ctx);
    expect(result.ok).toBe(true);
    expect(ctx.resolved).toEqual(['ns.test']);
    expect(result.timings.resolve).toBeGreaterThanOrEqual(0);
    expect((await run({ name: 'example.test' }, forbiddenContext)).error?.code).toBe('TARGET_FORBIDDEN');
  });

  it('asks the first system nameserver when no server is given', async () => {
    const saved = nodeDns.getServers();
    nodeDns.setServers([`127.0.0.1:${server.port}`]);
    try {
      const result = await dns.run(plainContext, dns.configSchema.parse({ name: 'example.test', type: 'MX' }), AbortSignal.timeout(5_000));
      expect(result).toMatchObject({ ok: true, metadata: { server: `127.0.0.1:${server.port}` } });
    } finally {
      nodeDns.setServers(saved);
    }
  });

  it('reports a closed port without waiting for the timeout', async () => {
    const closed = dgram.createSocket('udp4');
    closed.bind(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const result = await run({ name: 'example.test', server: `127.0.0.1:${port}` });
    expect(result.error?.code).toBe('CONNECTION_REFUSED');
  });
});
