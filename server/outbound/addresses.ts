/** What kind of network an IP address belongs to, for the outbound policy. */
import net from 'node:net';

export type AddressKind =
  | 'public'
  | 'metadata' // a cloud provider's instance metadata service: credentials live there
  | 'loopback'
  | 'private' // RFC 1918, and IPv6 site-local
  | 'link-local'
  | 'unique-local' // IPv6 fc00::/7
  | 'cgnat' // 100.64.0.0/10, shared address space behind carrier NAT
  | 'unspecified'
  | 'multicast'
  | 'reserved';

/** Instance metadata endpoints: AWS/Azure/GCP/OCI, AWS IPv6, AWS ECS tasks, Alibaba. */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254', '169.254.170.2', '100.100.100.200']);

/** Host names that reach a metadata service without any address in them (GCP). */
export const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog']);

const V4: Array<[string, number, AddressKind]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const V6: Array<[string, number, AddressKind]> = [
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'],
  ['fc00::', 7, 'unique-local'],
  ['ff00::', 8, 'multicast'],
  ['100::', 64, 'reserved'],
  ['::', 96, 'reserved'], // IPv4-compatible (deprecated); :: and ::1 are handled before
];

function v4Number(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** The 16 bytes of an IPv6 address (net.isIPv6 must hold). */
function v6Bytes(address: string): number[] {
  let text = address.split('%')[0]!.toLowerCase();
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const n = v4Number(dotted[1]!);
    text = text.slice(0, -dotted[1]!.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const words = (s: string | undefined) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const left = words(head);
  const right = words(rest);
  const all = rest === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((w) => [w >> 8, w & 255]);
}

function prefixMatches(bytes: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if ((bytes[byte]! & mask) !== (prefix[byte]! & mask)) return false;
  }
  return true;
}

/** The IPv4 table as numbers, computed once: classification runs on every check. */
const V4_RANGES = V4.map(([base, bits, kind]) => {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { net: v4Number(base), mask, kind };
});

function v4Kind(address: string): AddressKind {
  if (METADATA.has(address)) return 'metadata';
  const n = v4Number(address);
  for (const r of V4_RANGES) if ((n & r.mask) >>> 0 === r.net) return r.kind;
  return 'public';
}

const fromBytes = (b: number[]) => b.join('.');
const NAT64 = v6Bytes('64:ff9b::');
const V6_RANGES = V6.map(([base, bits, kind]) => ({ prefix: v6Bytes(base), bits, kind }));

/** The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4), if it stands for one. */
export function embeddedV4(address: string): string | undefined {
  const b = v6Bytes(address);
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return fromBytes(b.slice(12));
  if (prefixMatches(b, NAT64, 96)) return fromBytes(b.slice(12));
  if (b[0] === 0x20 && b[1] === 0x02) return fromBytes(b.slice(2, 6));
  return undefined;
}

/** Classifies an IP literal (v4 or v6, brackets and zone ids allowed). Anything else: 'reserved'. */
export function addressKind(literal: string): AddressKind {
  const address = literal.replace(/^\[(.*)\]$/, '$1');
  const family = net.isIP(address.split('%')[0]!);
  if (family === 4) return v4Kind(address);
  if (family !== 6) return 'reserved';
  const b = v6Bytes(address);
  const canonical = new net.SocketAddress({ address: address.split('%')[0]!, family: 'ipv6' }).address;
  if (METADATA.has(canonical)) return 'metadata';
  if (b.every((x) => x === 0)) return 'unspecified';
  if (b.slice(0, 15).every((x) => x === 0) && b[15] === 1) return 'loopback';
  const v4 = embeddedV4(address);
  if (v4) return v4Kind(v4);
  for (const r of V6_RANGES) if (prefixMatches(b, r.prefix, r.bits)) return r.kind;
  return 'public';
}
