/**
 * Name resolution off libuv's thread pool. `dns.lookup` (getaddrinfo) runs on the same four
 * threads as bcrypt, file I/O and zlib, so a flood of logins would hold up every probe's name
 * lookup; c-ares (`dns.Resolver`) talks to the DNS servers from the event loop instead. c-ares
 * does not read /etc/hosts, so its entries and `localhost` are answered here first.
 */
import { readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface NameResolver {
  /**
   * Every address of `name` (IPv4 first): /etc/hosts and `localhost` as the system has them,
   * otherwise A and AAAA records. Rejects with an Error whose `code` says why (ENOTFOUND,
   * ENODATA, ETIMEOUT, ECONNREFUSED…).
   */
  lookup(name: string): Promise<ResolvedAddress[]>;
  /** The TXT records of `name`, each record's strings joined. Rejects like lookup. */
  resolveTxt(name: string): Promise<string[]>;
}

export interface NameResolverOptions {
  /** DNS servers as `ip`, `ip:port` or `[ipv6]:port`; absent: the system's (/etc/resolv.conf). */
  servers?: readonly string[];
  /** The hosts file read once, at the first lookup (default /etc/hosts; tests give their own). */
  hostsFile?: string;
  /** Milliseconds c-ares waits for an answer before it tries again (default 2000). */
  timeoutMs?: number;
  /** Tries per server (default 2). */
  tries?: number;
}

const LOOPBACK: ResolvedAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

const normalName = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** name → addresses in file order; comments, blank lines and lines without an address skipped. */
export function parseHosts(text: string): Map<string, ResolvedAddress[]> {
  const hosts = new Map<string, ResolvedAddress[]>();
  for (const line of text.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    const family = address ? net.isIP(address) : 0;
    if (!family) continue;
    for (const name of names.map(normalName)) {
      const list = hosts.get(name) ?? [];
      if (!list.some((a) => a.address === address)) list.push({ address: address!, family: family as 4 | 6 });
      hosts.set(name, list);
    }
  }
  return hosts;
}

function readHosts(file: string): Map<string, ResolvedAddress[]> {
  try {
    return parseHosts(readFileSync(file, 'utf8'));
  } catch {
    return new Map(); // no hosts file (some containers): DNS alone, plus localhost
  }
}

const ipv4First = (list: ResolvedAddress[]) => [...list.filter((a) => a.family === 4), ...list.filter((a) => a.family === 6)];

export function createNameResolver(opts: NameResolverOptions = {}): NameResolver {
  const resolver = new Resolver({ timeout: opts.timeoutMs ?? 2_000, tries: opts.tries ?? 2 });
  if (opts.servers?.length) resolver.setServers([...opts.servers]);
  let hosts: Map<string, ResolvedAddress[]> | undefined;

  return {
    async lookup(name) {
      const key = normalName(name);
      hosts ??= readHosts(opts.hostsFile ?? '/etc/hosts');
      const fromFile = hosts.get(key);
      if (fromFile) return ipv4First(fromFile);
      // RFC 6761: localhost and its subdomains are this machine, whatever a DNS server says.
      if (key === 'localhost' || key.endsWith('.localhost')) return LOOPBACK;
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(key), resolver.resolve6(key)]);
      const found: ResolvedAddress[] = [
        ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
        ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
      ];
      if (found.length) return found;
      // Both failed: the more telling reason (ENODATA from one family says less than ENOTFOUND).
      const reasons = [v4, v6].map((r) => (r.status === 'rejected' ? (r.reason as NodeJS.ErrnoException) : undefined));
      throw reasons.find((e) => e && e.code !== 'ENODATA') ?? reasons.find(Boolean) ?? Object.assign(new Error(`${key}: no addresses`), { code: 'ENODATA' });
    },
    async resolveTxt(name) {
      return (await resolver.resolveTxt(normalName(name))).map((chunks) => chunks.join(''));
    },
  };
}

/** The system's DNS servers, created at first use: what the SDK's systemResolve and the server's default use. */
let shared: NameResolver | undefined;
export function systemNameResolver(): NameResolver {
  return (shared ??= createNameResolver());
}
