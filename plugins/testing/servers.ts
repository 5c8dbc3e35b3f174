/** Local test servers: listen on 127.0.0.1 port 0, count open connections, close everything. */
import { once } from 'node:events';
import type net from 'node:net';

export interface Running {
  port: number;
  /** Connections the server currently holds open. */
  open(): number;
  /** Resolves once every connection the server accepted has closed (the probe let go). */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts `server` (net, tls, http or https) on 127.0.0.1:0 and tracks its raw sockets.
 * A plain net server must read its sockets (`socket.resume()`) to notice the probe hanging up.
 */
export async function listen(server: net.Server): Promise<Running> {
  const sockets = new Set<net.Socket>();
  let waiters: Array<() => void> = [];
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) {
        for (const wake of waiters) wake();
        waiters = [];
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    open: () => sockets.size,
    drained: () =>
      sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => void waiters.push(resolve)),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
