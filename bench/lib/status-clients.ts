/**
 * Child process of bench/realtime.ts: N public /status sockets on one page. Records when each
 * page:update arrives; reconnects (and re-subscribes) by itself after a server restart.
 */
import { io, type Socket } from 'socket.io-client';

const [url, slug, countArg] = process.argv.slice(2);
const count = Number(countArg);
const arrivals: number[] = [];
let subscribed = 0;
let refused = 0;
let connectErrors = 0;
let resubscribed = 0;
const sockets: Socket[] = [];

function open(): Promise<void> {
  return new Promise((resolve) => {
    const s = io(url + '/status', {
      transports: ['websocket'],
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.9,
    });
    sockets.push(s);
    let first = true;
    s.on('connect', async () => {
      const ack = await s.timeout(60_000).emitWithAck('subscribe', { slug }).catch(() => ({ ok: false }));
      if (!ack.ok) refused++;
      else if (first) subscribed++;
      else resubscribed++;
      if (first) {
        first = false;
        resolve();
      }
    });
    s.on('connect_error', () => connectErrors++);
    s.on('page:update', () => arrivals.push(Date.now()));
  });
}

async function main() {
  // Connect in waves so the handshake storm itself stays bounded.
  for (let i = 0; i < count; i += 250) {
    await Promise.all(Array.from({ length: Math.min(250, count - i) }, open));
  }
  process.send!({ type: 'ready', subscribed, refused });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'mark') arrivals.length = 0;
    if (m.type === 'arrivals') process.send!({ type: 'arrivals', arrivals: [...arrivals] });
    if (m.type === 'counts') {
      process.send!({ type: 'counts', connected: sockets.filter((s) => s.connected).length, resubscribed, refused, connectErrors });
    }
    if (m.type === 'stop') {
      for (const s of sockets) s.disconnect();
      setTimeout(() => process.exit(0), 200);
    }
  });
}

void main();
