/**
 * Child process of bench/realtime.ts: N dashboard sockets subscribed to one org; for every
 * heartbeat, the delay from the check's end (at + latencyMs) to receipt here.
 */
import { io } from 'socket.io-client';

const [url, orgId, cookie, countArg] = process.argv.slice(2);
const count = Number(countArg);
const delays: number[] = [];
let received = 0;
let recording = false;

async function main() {
  const sockets = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<ReturnType<typeof io>>((resolve, reject) => {
        const s = io(url + '/dashboard', { transports: ['websocket'], extraHeaders: { cookie: cookie!, origin: url! }, reconnection: false });
        s.on('connect', async () => {
          const ack = await s.timeout(30_000).emitWithAck('subscribe', { orgId });
          if (!ack.ok) reject(new Error(JSON.stringify(ack)));
          resolve(s);
        });
        s.on('connect_error', reject);
        s.on('heartbeat', (e: { at: string; latencyMs: number }) => {
          if (!recording) return;
          received++;
          delays.push(Date.now() - (Date.parse(e.at) + e.latencyMs));
        });
      }),
    ),
  );
  process.send!({ type: 'ready' });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'start') recording = true;
    if (m.type === 'report') {
      recording = false;
      process.send!({ type: 'report', delays, received });
      for (const s of sockets) s.disconnect();
      setTimeout(() => process.exit(0), 100);
    }
  });
}

main().catch((err) => {
  process.send!({ type: 'error', message: String(err) });
  process.exit(1);
});
