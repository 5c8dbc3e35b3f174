/** Names resolved by c-ares against a real DNS server on 127.0.0.1, with /etc/hosts in front. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNameResolver, parseHosts, type NameResolver } from './resolver.js';
import { systemResolve } from './sdk.js';
import { startDnsServer, type DnsServer } from './testing/dns-server.js';

let dns: DnsServer;
let resolver: NameResolver;
const dir = mkdtempSync(path.join(os.tmpdir(), 'pp-hosts-'));
const hostsFile = path.join(dir, 'hosts');

beforeAll(async () => {
  dns = await startDnsServer({
    'both.test': [
      { type: 'AAAA', name: 'both.test', ttl: 60, data: '2001:db8::5' },
      { type: 'A', name: 'both.test', ttl: 60, data: '192.0.2.5' },
      { type: 'A', name: 'both.test', ttl: 60, data: '192.0.2.6' },
    ],
    'six.test': [{ type: 'AAAA', name: 'six.test', ttl: 60, data: '2001:db8::6' }],
    'empty.test': [],
    'hosted.test': [{ type: 'A', name: 'hosted.test', ttl: 60, data: '192.0.2.99' }],
    '_pingpage.own.test': [{ type: 'TXT', name: '_pingpage.own.test', ttl: 60, data: ['pingpage-verify=', 'abc123'] }],
  });
  writeFileSync(hostsFile, ['# a comment', '127.0.0.1 localhost', '10.1.2.3   Hosted.test  alias.test # trailing', '::1 localhost ip6-localhost', 'not-an-ip nothing.test', ''].join('\n'));
  resolver = createNameResolver({ servers: [dns.address], hostsFile, timeoutMs: 500, tries: 1 });
});
afterAll(() => {
  dns?.close();
  rmSync(dir, { recursive: true, force: true });
});

const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: NodeJS.ErrnoException) => e.code);

describe('createNameResolver', () => {
  it('asks the DNS server for A and AAAA and answers IPv4 first', async () => {
    expect(await resolver.lookup('both.test')).toEqual([
      { address: '192.0.2.5', family: 4 },
      { address: '192.0.2.6', family: 4 },
      { address: '2001:db8::5', family: 6 },
    ]);
    expect(dns.queries).toEqual(expect.arrayContaining(['A both.test', 'AAAA both.test']));
  });

  it('answers an IPv6-only name', async () => {
    expect(await resolver.lookup('SIX.test.')).toEqual([{ address: '2001:db8::6', family: 6 }]);
  });

  it.each([
    ['an unknown name', 'nope.test', 'ENOTFOUND'],
    ['a name without addresses', 'empty.test', 'ENODATA'],
  ])('rejects %s with %s', async (_n, name, code) => {
    expect(await codeOf(resolver.lookup(name))).toBe(code);
  });

  it('answers /etc/hosts entries and localhost without asking DNS', async () => {
    const before = dns.queries.length;
    expect(await resolver.lookup('hosted.TEST')).toEqual([{ address: '10.1.2.3', family: 4 }]); // the file wins over DNS
    expect(await resolver.lookup('alias.test')).toEqual([{ address: '10.1.2.3', family: 4 }]);
    expect(await resolver.lookup('localhost')).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect(await resolver.lookup('app.localhost')).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect(dns.queries.length).toBe(before);
  });

  it('reads TXT records, each record’s strings joined', async () => {
    expect(await resolver.resolveTxt('_pingpage.own.test')).toEqual(['pingpage-verify=abc123']);
    expect(await codeOf(resolver.resolveTxt('nope.test'))).toBe('ENOTFOUND');
  });

  it('still answers localhost with no hosts file at all', async () => {
    const bare = createNameResolver({ servers: [dns.address], hostsFile: path.join(dir, 'missing') });
    expect((await bare.lookup('localhost'))[0]).toEqual({ address: '127.0.0.1', family: 4 });
  });
});

describe('parseHosts', () => {
  it('skips comments, blank lines and lines that do not start with an address', () => {
    const hosts = parseHosts('# x\n\n192.0.2.1 a.test b.test\nbogus c.test\n192.0.2.2 a.test # second\n fe80::1%eth0 d.test\n');
    expect([...hosts.keys()]).toEqual(['a.test', 'b.test', 'd.test']);
    expect(hosts.get('d.test')).toEqual([{ address: 'fe80::1%eth0', family: 6 }]); // a link-local address keeps its zone
    expect(hosts.get('a.test')!.map((a) => a.address)).toEqual(['192.0.2.1', '192.0.2.2']);
  });
});

describe('systemResolve (the SDK’s, for tests and tools)', () => {
  it('answers literals and localhost', async () => {
    const signal = AbortSignal.timeout(5_000);
    expect(await systemResolve('[::1]', signal)).toEqual({ address: '::1', family: 6 });
    expect(await systemResolve('192.0.2.1', signal)).toEqual({ address: '192.0.2.1', family: 4 });
    expect(await systemResolve('localhost', signal)).toEqual({ address: '127.0.0.1', family: 4 });
  });
});
