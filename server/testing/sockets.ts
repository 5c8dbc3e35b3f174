import { io as connect, type Socket } from 'socket.io-client';

export interface SocketOptions {
  cookie?: string;
  token?: string;
  origin?: string;
  transport?: 'websocket' | 'polling';
}

/** A real socket.io-client on a namespace, with our Origin unless told otherwise. */
export function openSocket(base: string, nsp: string, opts: SocketOptions = {}): Socket {
  const headers: Record<string, string> = { origin: opts.origin ?? base };
  if (opts.cookie) headers.cookie = opts.cookie;
  return connect(base + nsp, {
    transports: [opts.transport ?? 'websocket'],
    extraHeaders: headers,
    auth: opts.token ? { token: opts.token } : {},
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
  });
}

/** Resolves on connect, rejects with the server's refusal. */
export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
}

export function emitAck<T = any>(socket: Socket, event: string, ...args: unknown[]): Promise<T> {
  return socket.timeout(5_000).emitWithAck(event, ...args) as Promise<T>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
