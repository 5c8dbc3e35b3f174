/** A real UDP DNS server on 127.0.0.1 (dns-packet) answering TXT records the test sets; NXDOMAIN for the rest. */
import dgram from 'node:dgram';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';

const NXDOMAIN = 3;

export interface TxtServer {
  /** `127.0.0.1:<port>`, for Resolver#setServers. */
  server: string;
  /** TXT records by name (lowercase, no trailing dot), each one string. */
  txt: Map<string, string[]>;
  /** Questions answered so far. */
  asked(): number;
  close(): Promise<void>;
}

export async function txtServer(): Promise<TxtServer> {
  const txt = new Map<string, string[]>();
  let asked = 0;
  const socket = dgram.createSocket('udp4');
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    asked++;
    const records = txt.get(question.name.toLowerCase().replace(/\.$/, ''));
    const answers = question.type === 'TXT' ? (records ?? []).map((data) => ({ type: 'TXT' as const, name: question.name, ttl: 1, data })) : [];
    const flags = dnsPacket.AUTHORITATIVE_ANSWER | (records ? 0 : NXDOMAIN);
    socket.send(dnsPacket.encode({ type: 'response', id: query.id, flags, questions: [question], answers }), peer.port, peer.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return {
    server: `127.0.0.1:${(socket.address() as AddressInfo).port}`,
    txt,
    asked: () => asked,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
