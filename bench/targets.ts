/**
 * Local targets for bench/scheduler.ts, run as a separate process so their CPU is not counted
 * as PingPage's: HTTP servers, one TCP server and one UDP DNS server on 127.0.0.1. Sends the
 * ports to the parent over IPC and serves until the parent disconnects.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';

export interface TargetPorts {
  http: number[];
  tcp: number;
  dns: number;
}

async function main() {
  const httpCount = Number(process.argv[2] ?? 10);
  const body = Buffer.from('{"status":"ok"}');
  const httpPorts: number[] = [];
  for (let i = 0; i < httpCount; i++) {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    httpPorts.push((server.address() as AddressInfo).port);
  }

  const tcp = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.end('220 bench ready\r\n');
  });
  tcp.listen(0, '127.0.0.1');
  await once(tcp, 'listening');

  const udp = dgram.createSocket('udp4');
  udp.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    const answers = question.type === 'A' ? [{ type: 'A' as const, name: question.name, ttl: 60, data: '127.0.0.1' }] : [];
    udp.send(dnsPacket.encode({ type: 'response', id: query.id, flags: 0, questions: [question], answers }), peer.port, peer.address);
  });
  udp.bind(0, '127.0.0.1');
  await once(udp, 'listening');

  const ports: TargetPorts = { http: httpPorts, tcp: (tcp.address() as AddressInfo).port, dns: (udp.address() as AddressInfo).port };
  process.send!(ports);
  process.on('disconnect', () => process.exit(0));
}

void main();
