/**
 * The DNS records a status page's custom domain needs: one that sends its visitors to PingPage
 * (a CNAME to PUBLIC_URL's host name, or A/AAAA when that host is an address) and the TXT record
 * that proves the domain is the page owner's. DNS records carry no port: the proxy in front of
 * PingPage must answer the domain on 443 (and 80).
 */
import net from 'node:net';
import { addressKind } from '../outbound/addresses.js';
import { proofName } from './domains.js';

export type DnsRecordType = 'CNAME' | 'A' | 'AAAA' | 'TXT';

export interface DnsRecord {
  type: DnsRecordType;
  /** The name the record is added at: the custom domain, or `_pingpage.<domain>` for the proof. */
  name: string;
  /** A host name (CNAME), an address (A, AAAA) or the page's token (TXT). */
  value: string;
}

export interface DnsAdvice {
  /** The record that sends visitors to PingPage, then the TXT proof. */
  records: [DnsRecord, DnsRecord];
  /**
   * PUBLIC_URL's host is this machine's own or a private network's (127.0.0.1, localhost, 10.x…):
   * nobody elsewhere can follow the first record until PUBLIC_URL names the public address.
   */
  privateTarget: boolean;
}

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
