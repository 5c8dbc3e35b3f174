/**
 * The server's DNS: c-ares with /etc/hosts in front (plugins/resolver.ts), pointed at
 * PINGPAGE_DNS_SERVERS when set, else at the system's servers. Probes, webhooks and anything else
 * that resolves a name a user gave (a custom domain's TXT record, say) take it from here, so
 * nothing waits on libuv's thread pool behind bcrypt.
 */
import { createNameResolver, systemNameResolver, type NameResolver } from '../../plugins/sdk.js';
import type { Config } from '../config.js';

export type { NameResolver, ResolvedAddress } from '../../plugins/sdk.js';

const byServers = new Map<string, NameResolver>();

/** One resolver per server list, shared by every caller in the process. */
export function serverNameResolver(config: Partial<Pick<Config, 'PINGPAGE_DNS_SERVERS'>>): NameResolver {
  const servers = config.PINGPAGE_DNS_SERVERS ?? [];
  if (!servers.length) return systemNameResolver();
  const key = servers.join(',');
  let resolver = byServers.get(key);
  if (!resolver) byServers.set(key, (resolver = createNameResolver({ servers })));
  return resolver;
}
