/** A real UDP DNS server on 127.0.0.1 for tests that resolve names (dns-packet, port 0). */
import { once } from 'node:events';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket, { type Answer } from 'dns-packet';

export interface DnsServer {
  port: number;
  /** `127.0.0.1:<port>`, as PINGPAGE_DNS_SERVERS and Resolver.setServers take it. */
  address: string;
  /** Every question asked, as `<type> <name>`, in order. */
  queries: string[];
  close(): void;
}

const NXDOMAIN = 3;

/** Answers the records of `zone` (lowercase name → records) matching the question's type; NXDOMAIN for names not in it. */
export async function startDnsServer(zone: Record<string, Answer[]>): Promise<DnsServer> {
  const socket = dgram.createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    queries.push(`${question.type} ${question.name}`);
    const records = zone[question.name.toLowerCase()];
    const answers = (records ?? []).filter((a) => a.type === question.type);
    const flags = records ? dnsPacket.RECURSION_AVAILABLE : NXDOMAIN | dnsPacket.RECURSION_AVAILABLE;
    socket.send(dnsPacket.encode({ type: 'response', id: query.id, flags, questions: [question], answers }), peer.port, peer.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const port = (socket.address() as AddressInfo).port;
  return { port, address: `127.0.0.1:${port}`, queries, close: () => socket.close() };
}
