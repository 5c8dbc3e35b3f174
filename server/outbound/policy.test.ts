import { describe, expect, it } from 'vitest';
import { ProbeFailure } from '../../plugins/sdk.js';
import { StartupError } from '../errors.js';
import { alwaysRefused, checkUrl, outboundPolicy, publicInputPolicy, resolveTarget, targetHost, type Lookup } from './policy.js';

const deny = outboundPolicy({ PINGPAGE_PRIVATE_TARGETS: 'deny', PINGPAGE_TARGET_ALLOWLIST: [] });
const allow = outboundPolicy({ PINGPAGE_PRIVATE_TARGETS: 'allow', PINGPAGE_TARGET_ALLOWLIST: [] });
const listed = outboundPolicy({
  PINGPAGE_PRIVATE_TARGETS: 'deny',
  PINGPAGE_TARGET_ALLOWLIST: ['169.254.169.254', '10.0.0.0/8', 'fd00:ec2::254', 'intranet.example', 'metadata.google.internal'],
});

/** The outside world's DNS, as these tests want it. */
const zone: Record<string, string[]> = {
  'public.example': ['93.184.215.14', '2606:2800:21f::1'],
  'mixed.example': ['93.184.215.14', '10.0.0.7'],
  'loop.example': ['127.0.0.1'],
  'intranet.example': ['192.168.1.10'],
  'metadata.google.internal': ['169.254.169.254'],
  'rebind.example': ['::ffff:169.254.169.254'],
};
const lookup: Lookup = async (host) => {
  const addresses = zone[host.toLowerCase().replace(/\.$/, '')]; // DNS names are case-insensitive
  if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

async function outcome(policy: typeof deny, host: string): Promise<string> {
  try {
    const target = await resolveTarget(policy, host, undefined, lookup);
    return target.address;
  } catch (err) {
    expect(err).toBeInstanceOf(ProbeFailure);
    return (err as ProbeFailure).code;
  }
}

describe('outbound policy', () => {
  it.each([
    // host, deny mode, allow mode, deny + allow-list
    ['8.8.8.8', '8.8.8.8', '8.8.8.8', '8.8.8.8'],
    ['2606:4700::1111', '2606:4700::1111', '2606:4700::1111', '2606:4700::1111'],
    ['[2606:4700::1111]', '2606:4700::1111', '2606:4700::1111', '2606:4700::1111'],
    ['127.0.0.1', 'TARGET_FORBIDDEN', '127.0.0.1', 'TARGET_FORBIDDEN'],
    ['127.8.9.10', 'TARGET_FORBIDDEN', '127.8.9.10', 'TARGET_FORBIDDEN'],
    ['10.1.2.3', 'TARGET_FORBIDDEN', '10.1.2.3', '10.1.2.3'],
    ['172.16.5.4', 'TARGET_FORBIDDEN', '172.16.5.4', 'TARGET_FORBIDDEN'],
    ['192.168.0.1', 'TARGET_FORBIDDEN', '192.168.0.1', 'TARGET_FORBIDDEN'],
    ['169.254.10.1', 'TARGET_FORBIDDEN', '169.254.10.1', 'TARGET_FORBIDDEN'],
    ['100.64.0.1', 'TARGET_FORBIDDEN', '100.64.0.1', 'TARGET_FORBIDDEN'],
    ['0.0.0.0', 'TARGET_FORBIDDEN', '0.0.0.0', 'TARGET_FORBIDDEN'],
    ['::', 'TARGET_FORBIDDEN', '::', 'TARGET_FORBIDDEN'],
    ['::1', 'TARGET_FORBIDDEN', '::1', 'TARGET_FORBIDDEN'],
    ['[::1]', 'TARGET_FORBIDDEN', '::1', 'TARGET_FORBIDDEN'],
    ['fe80::1', 'TARGET_FORBIDDEN', 'fe80::1', 'TARGET_FORBIDDEN'],
    ['fd12:3456::1', 'TARGET_FORBIDDEN', 'fd12:3456::1', 'TARGET_FORBIDDEN'],
    ['::ffff:127.0.0.1', 'TARGET_FORBIDDEN', '::ffff:127.0.0.1', 'TARGET_FORBIDDEN'],
    ['::ffff:7f00:1', 'TARGET_FORBIDDEN', '::ffff:7f00:1', 'TARGET_FORBIDDEN'],
    ['::ffff:10.0.0.1', 'TARGET_FORBIDDEN', '::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['64:ff9b::7f00:1', 'TARGET_FORBIDDEN', '64:ff9b::7f00:1', 'TARGET_FORBIDDEN'],
    // Cloud metadata: refused in both modes unless allow-listed.
    ['169.254.169.254', 'TARGET_FORBIDDEN', 'TARGET_FORBIDDEN', '169.254.169.254'],
    ['::ffff:169.254.169.254', 'TARGET_FORBIDDEN', 'TARGET_FORBIDDEN', '::ffff:169.254.169.254'],
    ['fd00:ec2::254', 'TARGET_FORBIDDEN', 'TARGET_FORBIDDEN', 'fd00:ec2::254'],
    ['100.100.100.200', 'TARGET_FORBIDDEN', 'TARGET_FORBIDDEN', 'TARGET_FORBIDDEN'],
    ['metadata.google.internal', 'TARGET_FORBIDDEN', 'TARGET_FORBIDDEN', '169.254.169.254'],
    ['METADATA.GOOGLE.INTERNAL.', 'TARGET_FORBIDDEN', 'TARGET_FORBIDDEN', '169.254.169.254'],
    ['rebind.example', 'TARGET_FORBIDDEN', 'TARGET_FORBIDDEN', '::ffff:169.254.169.254'],
    // Names: every address is checked, the first is used.
    ['public.example', '93.184.215.14', '93.184.215.14', '93.184.215.14'],
    ['mixed.example', 'TARGET_FORBIDDEN', '93.184.215.14', '93.184.215.14'],
    ['loop.example', 'TARGET_FORBIDDEN', '127.0.0.1', 'TARGET_FORBIDDEN'],
    ['intranet.example', 'TARGET_FORBIDDEN', '192.168.1.10', '192.168.1.10'],
    ['nowhere.example', 'DNS_FAILED', 'DNS_FAILED', 'DNS_FAILED'],
  ])('%s → deny: %s, allow: %s, allow-listed: %s', async (host, inDeny, inAllow, inListed) => {
    expect(await outcome(deny, host)).toBe(inDeny);
    expect(await outcome(allow, host)).toBe(inAllow);
    expect(await outcome(listed, host)).toBe(inListed);
  });

  it('names the target and the reason in the refusal', async () => {
    await expect(resolveTarget(deny, 'loop.example', undefined, lookup)).rejects.toThrow(
      'loop.example is not an allowed target: 127.0.0.1 is a loopback address',
    );
  });

  it('resolves through the system resolver by default', async () => {
    await expect(resolveTarget(deny, 'localhost')).rejects.toMatchObject({ code: 'TARGET_FORBIDDEN' });
    expect(await resolveTarget(allow, 'localhost')).toMatchObject({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) });
  });

  it('refuses to start with an allow-list entry it cannot read', () => {
    expect(() => outboundPolicy({ PINGPAGE_PRIVATE_TARGETS: 'deny', PINGPAGE_TARGET_ALLOWLIST: ['10.0.0.0/99'] })).toThrow(StartupError);
    expect(() => outboundPolicy({ PINGPAGE_PRIVATE_TARGETS: 'deny', PINGPAGE_TARGET_ALLOWLIST: ['http://x'] })).toThrow(
      'PINGPAGE_TARGET_ALLOWLIST: "http://x" is not an IP address, a CIDR range or a host name',
    );
  });

  it.each([
    ['http://example.com/', 'ok'],
    ['https://example.com:8443/x?y', 'ok'],
    ['HTTPS://EXAMPLE.COM', 'ok'],
    ['file:///etc/passwd', 'UNSUPPORTED_SCHEME'],
    ['gopher://example.com/', 'UNSUPPORTED_SCHEME'],
    ['ftp://example.com/', 'UNSUPPORTED_SCHEME'],
    ['data:text/plain,hi', 'UNSUPPORTED_SCHEME'],
    ['javascript:alert(1)', 'UNSUPPORTED_SCHEME'],
    ['dict://example.com:11211/', 'UNSUPPORTED_SCHEME'],
    ['not a url', 'INVALID_URL'],
  ])('checkUrl(%s) → %s', (url, code) => {
    let got = 'ok';
    try {
      checkUrl(url);
    } catch (err) {
      got = (err as ProbeFailure).code;
    }
    expect(got).toBe(code);
  });
});

describe('targets named in a config', () => {
  it.each([
    ['http://169.254.169.254/latest/', '169.254.169.254'],
    ['https://[fd00:ec2::254]:8443/x', 'fd00:ec2::254'],
    ['https://user:pw@Example.com/', 'example.com'],
    ['[fd00:ec2::254]:53', 'fd00:ec2::254'],
    ['fd00:ec2::254', 'fd00:ec2::254'],
    ['10.0.0.1:5353', '10.0.0.1'],
    ['metadata.goog', 'metadata.goog'],
  ])('%s has the host %s', (target, host) => {
    expect(targetHost(target)).toBe(host);
  });

  it.each([
    // target, refused under allow, under deny, with the allow-list
    ['http://169.254.169.254/latest/', true, true, false],
    ['http://[::ffff:169.254.169.254]/', true, true, false],
    ['[fd00:ec2::254]:443', true, true, false],
    ['100.100.100.200:80', true, true, true],
    ['metadata.google.internal', true, true, false],
    ['http://metadata.goog/', true, true, true],
    // Private literals and names are the run-time policy's business, never refused here.
    ['127.0.0.1:80', false, false, false],
    ['http://10.1.2.3/', false, false, false],
    ['public.example:443', false, false, false],
  ])('%s is always refused: allow %s, deny %s, allow-listed %s', (target, underAllow, underDeny, underList) => {
    expect(!!alwaysRefused(allow, target)).toBe(underAllow);
    expect(!!alwaysRefused(deny, target)).toBe(underDeny);
    expect(!!alwaysRefused(listed, target)).toBe(underList);
  });

  it("gives visitors' input the deny rules whatever the operator allows members, and the allow-list still", async () => {
    expect(await outcome(publicInputPolicy(allow), 'loop.example')).toBe('TARGET_FORBIDDEN');
    expect(await outcome(publicInputPolicy(allow), '10.0.0.7')).toBe('TARGET_FORBIDDEN');
    expect(await outcome(publicInputPolicy(allow), 'public.example')).toBe('93.184.215.14');
    expect(await outcome(publicInputPolicy(listed), 'intranet.example')).toBe('192.168.1.10');
  });
});
