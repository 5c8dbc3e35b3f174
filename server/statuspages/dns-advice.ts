/**
 * The DNS records a status page's custom domain needs: one that sends its visitors to PingPage
 * (a CNAME to PUBLIC_URL's host name, or A/AAAA when that host is an address) and the TXT record
 * that proves the domain is the page owner's. DNS records carry no port: the proxy in front of
 * PingPage must answer the domain on 443 (and 80).
 */
import net from 'node:net';
import { addressKind } from '../outbound/addresses.js';
import { proofName } from './domains.js';
import type { DnsAdvice, DnsRecord } from '../../contracts/status-page-admin.js';

/** PUBLIC_URL's host without brackets or port. */
function targetHost(publicUrl: string): string {
  return new URL(publicUrl).hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Host names that never resolve for visitors elsewhere: localhost and names without a dot. */
const isLocalName = (name: string) => name === 'localhost' || name.endsWith('.localhost') || !name.includes('.');

/** Where `domain` must point: a CNAME to PUBLIC_URL's host name, or an A/AAAA record of its address. */
export function pointingRecord(publicUrl: string, domain: string): { record: DnsRecord; privateTarget: boolean } {
  const host = targetHost(publicUrl);
  const family = net.isIP(host);
  if (family === 0) return { record: { type: 'CNAME', name: domain, value: host }, privateTarget: isLocalName(host) };
  return { record: { type: family === 4 ? 'A' : 'AAAA', name: domain, value: host }, privateTarget: addressKind(host) !== 'public' };
}

export function dnsAdvice(publicUrl: string, domain: string, token: string): DnsAdvice {
  const { record, privateTarget } = pointingRecord(publicUrl, domain);
  return { records: [record, { type: 'TXT', name: proofName(domain), value: token }], privateTarget };
}
