/**
 * Where PingPage may connect on a user's behalf (probes now, webhooks later). Every target is
 * resolved here and each of its addresses checked; callers connect to the address returned,
 * never to the name again, so the address checked is the address used.
 */
import net from 'node:net';
import { ProbeFailure, type ProbeContext, type ResolvedTarget } from '../../plugins/sdk.js';
import type { Config } from '../config.js';
import { StartupError } from '../errors.js';
import { addressKind, METADATA_NAMES, type AddressKind } from './addresses.js';
import { serverNameResolver } from './resolver.js';

export interface OutboundPolicy {
  /** 'deny': loopback, private, link-local, unique-local, CGNAT and unspecified targets are refused. */
  privateTargets: 'allow' | 'deny';
  /** Addresses and ranges allowed whatever the rules say (metadata included). */
  allowedAddresses: net.BlockList;
  /** Host names (lowercase, no trailing dot) whose addresses are all allowed. */
  allowedNames: ReadonlySet<string>;
  /** Every address of a name: c-ares on PINGPAGE_DNS_SERVERS or the system's (outbound/resolver.ts). */
  lookup: Lookup;
}

export type Lookup = (host: string) => Promise<Array<{ address: string; family: number }>>;

const KIND_TEXT: Record<Exclude<AddressKind, 'public'>, string> = {
  metadata: 'a cloud metadata address',
  loopback: 'a loopback address',
  private: 'a private address',
  'link-local': 'a link-local address',
  'unique-local': 'a unique-local address',
  cgnat: 'a shared (CGNAT) address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

const normalName = (host: string) => host.toLowerCase().replace(/\.$/, '');

/** Builds the policy from PINGPAGE_PRIVATE_TARGETS, PINGPAGE_TARGET_ALLOWLIST (IPs, CIDRs or names) and PINGPAGE_DNS_SERVERS. */
export function outboundPolicy(
  config: Pick<Config, 'PINGPAGE_PRIVATE_TARGETS' | 'PINGPAGE_TARGET_ALLOWLIST'> & Partial<Pick<Config, 'PINGPAGE_DNS_SERVERS'>>,
): OutboundPolicy {
  const allowedAddresses = new net.BlockList();
  const allowedNames = new Set<string>();
  for (const entry of config.PINGPAGE_TARGET_ALLOWLIST) {
    const [ip, bits] = entry.replace(/^\[(.*)\]$/, '$1').split('/') as [string, string | undefined];
    const family = net.isIP(ip);
    if (family && bits === undefined) allowedAddresses.addAddress(ip, family === 4 ? 'ipv4' : 'ipv6');
    else if (family && /^\d+$/.test(bits!) && Number(bits) <= (family === 4 ? 32 : 128)) {
      allowedAddresses.addSubnet(ip, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
    } else if (/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/.test(entry)) allowedNames.add(normalName(entry));
    else throw new StartupError(`PINGPAGE_TARGET_ALLOWLIST: "${entry}" is not an IP address, a CIDR range or a host name`);
  }
  const resolver = serverNameResolver(config);
  return { privateTargets: config.PINGPAGE_PRIVATE_TARGETS, allowedAddresses, allowedNames, lookup: (host) => resolver.lookup(host) };
}

/**
 * The policy for what anonymous visitors give (a status page's webhook subscribers): the deny
 * rules whatever PINGPAGE_PRIVATE_TARGETS says; only what the operator named in the allowlist
 * passes them.
 */
export function publicInputPolicy(policy: OutboundPolicy): OutboundPolicy {
  return { ...policy, privateTargets: 'deny' };
}

/** The host of a target: a URL's host name, the host of `host:port` or `[v6]:port`, an IP literal as is. */
export function targetHost(target: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    try {
      return new URL(target).hostname.replace(/^\[(.*)\]$/, '$1');
    } catch {
      return target;
    }
  }
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(target);
  if (bracketed) return bracketed[1]!;
  if (net.isIP(target.split('%')[0]!)) return target;
  const colon = target.lastIndexOf(':');
  return colon > 0 && target.indexOf(':') === colon ? target.slice(0, colon) : target;
}

/**
 * Why `target` (a URL or host[:port]) is refused under any PINGPAGE_PRIVATE_TARGETS: a cloud
 * metadata address or name the allowlist does not name. Names are not resolved here: what they
 * point at is checked on every connection.
 */
export function alwaysRefused(policy: OutboundPolicy, target: string): string | undefined {
  const host = targetHost(target);
  const name = normalName(host);
  if (METADATA_NAMES.has(name) && !policy.allowedNames.has(name)) return `${host} is not an allowed target: a cloud metadata name`;
  if (!net.isIP(host.split('%')[0]!)) return undefined;
  const refusal = addressRefusal({ ...policy, privateTargets: 'allow' }, host);
  return refusal && `${host} is not an allowed target: ${refusal}`;
}

/** Why `address` may not be connected to under `policy`, or undefined when it may. */
export function addressRefusal(policy: OutboundPolicy, address: string): string | undefined {
  const kind = addressKind(address);
  if (kind === 'public' || (kind !== 'metadata' && policy.privateTargets === 'allow')) return undefined;
  const bare = address.replace(/^\[(.*)\]$/, '$1').split('%')[0]!;
  if (policy.allowedAddresses.check(bare, net.isIPv4(bare) ? 'ipv4' : 'ipv6')) return undefined;
  return `${bare} is ${KIND_TEXT[kind]}`;
}

/** Throws TARGET_FORBIDDEN when `address` may not be connected to. */
export function checkAddress(policy: OutboundPolicy, address: string, host = address): void {
  const refusal = addressRefusal(policy, address);
  if (refusal) throw new ProbeFailure('TARGET_FORBIDDEN', `${host} is not an allowed target: ${refusal}`);
}

/**
 * Resolves `host` (name or IP literal) to every address it has and checks each: one refused
 * address refuses the name, since the system could hand any of them to a later connect.
 * Throws ProbeFailure TARGET_FORBIDDEN or DNS_FAILED.
 */
export async function resolveTarget(
  policy: OutboundPolicy,
  host: string,
  signal?: AbortSignal,
  lookup: Lookup = policy.lookup,
): Promise<ResolvedTarget> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const name = normalName(bare);
  const named = policy.allowedNames.has(name);
  if (METADATA_NAMES.has(name) && !named) {
    throw new ProbeFailure('TARGET_FORBIDDEN', `${bare} is not an allowed target: a cloud metadata name`);
  }
  signal?.throwIfAborted();
  let addresses: Array<{ address: string; family: number }>;
  if (net.isIP(bare.split('%')[0]!)) addresses = [{ address: bare, family: net.isIP(bare.split('%')[0]!) }];
  else {
    try {
      addresses = await lookup(bare);
    } catch (err) {
      throw new ProbeFailure('DNS_FAILED', `Cannot resolve ${bare}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (addresses.length === 0) throw new ProbeFailure('DNS_FAILED', `Cannot resolve ${bare}: no addresses`);
  }
  if (!named) for (const a of addresses) checkAddress(policy, a.address, bare);
  return { address: addresses[0]!.address, family: addresses[0]!.family === 6 ? 6 : 4 };
}

/** The resolver probes get through their ProbeContext. */
export function createResolver(policy: OutboundPolicy, lookup: Lookup = policy.lookup): ProbeContext['resolve'] {
  return (host, signal) => resolveTarget(policy, host, signal, lookup);
}

/** Only http: and https: leave PingPage (no file:, gopher:, ftp:, data: …). Returns the parsed URL. */
export function checkUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    throw new ProbeFailure('INVALID_URL', 'Not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ProbeFailure('UNSUPPORTED_SCHEME', `${parsed.protocol} URLs are not allowed; use http: or https:`);
  }
  return parsed;
}
