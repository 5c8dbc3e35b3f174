/** One DNS question over UDP, with a random id and only the matching reply accepted. */
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type DecodedPacket, type RecordType } from 'dns-packet';
import { ProbeFailure } from '../sdk.js';

export interface Server {
  address: string;
  port: number;
}

/** `1.2.3.4`, `1.2.3.4:5353`, `ns.example.com:53`, `::1`, `[::1]:5353` → host and port (53 by default). */
export function parseServer(text: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1], port: Number(bracketed[2] ?? 53) };
  if (net.isIPv6(text)) return { host: text, port: 53 };
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { host: text, port: 53 };
  return { host: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
}

export function query(server: Server, name: string, type: RecordType, signal: AbortSignal): Promise<DecodedPacket> {
  signal.throwIfAborted();
  const id = randomInt(0, 65536);
  const packet = dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
    // EDNS0 with the 2020 DNS flag day size, so TXT and DNSSEC-sized answers fit in one datagram.
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
  });
  const socket = dgram.createSocket(net.isIPv6(server.address) ? 'udp6' : 'udp4');

  return new Promise<DecodedPacket>((resolve, reject) => {
    let settled = false;
    const done = (err: unknown, reply?: DecodedPacket) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.close();
      if (reply) resolve(reply);
      else reject(err);
    };
    const onAbort = () => done(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    // A connected socket only hears from the server asked, and gets ECONNREFUSED from an ICMP unreachable.
    socket.on('error', (err) => done(err));
    socket.on('message', (message: Buffer) => {
      // Stray or forged replies (wrong id) are ignored; the deadline still applies.
      if (message.length < 2 || message.readUInt16BE(0) !== id) return;
      let reply: DecodedPacket;
      try {
        reply = dnsPacket.decode(message);
      } catch (err) {
        return done(new ProbeFailure('DNS_FAILED', `Malformed reply from ${server.address}: ${(err as Error).message}`));
      }
      if (reply.type !== 'response') return;
      done(undefined, reply);
    });
    socket.connect(server.port, server.address, () => socket.send(packet));
  });
}
