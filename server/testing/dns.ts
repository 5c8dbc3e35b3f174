/** A real UDP DNS server on 127.0.0.1 answering TXT records the test sets and changes; NXDOMAIN for the rest. */
import type { Answer } from 'dns-packet';
import { startDnsServer } from '../../plugins/testing/dns-server.js';

export interface TxtServer {
  /** `127.0.0.1:<port>`, as PINGPAGE_DNS_SERVERS takes it. */
  server: string;
  /** TXT records by name (lowercase, no trailing dot), each one string. */
  txt: Map<string, string[]>;
  /** Questions answered so far. */
  asked(): number;
  close(): Promise<void>;
}

export async function txtServer(): Promise<TxtServer> {
  const txt = new Map<string, string[]>();
  // A zone read at every question, so records the test adds or removes count at once.
  const zone = new Proxy({} as Record<string, Answer[]>, {
    get: (_target, name) => {
      const records = typeof name === 'string' ? txt.get(name.replace(/\.$/, '')) : undefined;
      return records?.map((data) => ({ type: 'TXT' as const, name: String(name), ttl: 1, data }));
    },
  });
  const dns = await startDnsServer(zone);
  return { server: dns.address, txt, asked: () => dns.queries.length, close: async () => dns.close() };
}
