/**
 * Issue 13, bug 7: the custom-domain advice names a record DNS can hold. A CNAME to PUBLIC_URL's
 * host name, an A or AAAA record when that host is an address, never a port, and the TXT proof
 * next to it; a PUBLIC_URL only this machine or its network reaches is flagged.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { dnsAdvice, pointingRecord } from './dns-advice.js';

describe('the DNS records a custom domain needs', () => {
  it.each([
    ['https://pingpage.example.com', 'CNAME', 'pingpage.example.com', false],
    ['http://pingpage.example.com:3100', 'CNAME', 'pingpage.example.com', false],
    ['https://PingPage.Example.com:8443/', 'CNAME', 'pingpage.example.com', false],
    ['http://203.0.113.7:3100', 'A', '203.0.113.7', false],
    ['https://[2001:db8::7]:8443', 'AAAA', '2001:db8::7', false],
    ['http://127.0.0.1:3100', 'A', '127.0.0.1', true],
    ['http://192.168.1.20:3100', 'A', '192.168.1.20', true],
    ['http://[::1]:3100', 'AAAA', '::1', true],
    ['http://[fd12:3456::1]', 'AAAA', 'fd12:3456::1', true],
    ['http://localhost:3100', 'CNAME', 'localhost', true],
    ['http://monitor-box:3100', 'CNAME', 'monitor-box', true],
  ] as const)('PUBLIC_URL %s: %s %s (private target: %s)', (publicUrl, type, value, privateTarget) => {
    const { record, privateTarget: flagged } = pointingRecord(publicUrl, 'status.acme.test');
    expect(record).toEqual({ type, name: 'status.acme.test', value });
    expect(flagged).toBe(privateTarget);
    // DNS records hold no port: the value is a bare address or host name, whatever PUBLIC_URL's port.
    const bare = type === 'A' ? net.isIPv4(record.value) : type === 'AAAA' ? net.isIPv6(record.value) : /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(record.value);
    expect(bare).toBe(true);
  });

  it('advises the pointing record first and the TXT proof second', () => {
    expect(dnsAdvice('http://127.0.0.1:3100', 'status.acme.test', 'tok-123')).toEqual({
      records: [
        { type: 'A', name: 'status.acme.test', value: '127.0.0.1' },
        { type: 'TXT', name: '_pingpage.status.acme.test', value: 'tok-123' },
      ],
      privateTarget: true,
    });
  });
});
