/** Outbound plumbing shared by the built-in probes: policy-checked resolve, abortable connect. */
import { once } from 'node:events';
import net from 'node:net';
import { ProbeFailure, type ProbeContext, type ResolvedTarget } from '../sdk.js';

/** `[::1]` → `::1`: URLs bracket IPv6 literals, resolvers and sockets want them bare. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** `host:port` with an IPv6 literal bracketed, so the port cannot read as part of the address. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Rejects with the signal's reason as soon as it aborts, even if `promise` never settles. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * ctx.resolve with the guarantees a probe needs: it ends when the signal does (a lookup may not),
 * and any rejection that is not already a ProbeFailure becomes DNS_FAILED.
 */
export async function resolveTarget(ctx: ProbeContext, host: string, signal: AbortSignal): Promise<ResolvedTarget> {
  const name = bareHost(host);
  try {
    return await raceAbort(ctx.resolve(name, signal), signal);
  } catch (err) {
    if (signal.aborted || err instanceof ProbeFailure) throw err;
    throw new ProbeFailure('DNS_FAILED', `Cannot resolve ${name}: ${(err as Error)?.message ?? String(err)}`);
  }
}

/** A connected TCP socket to the resolved address; destroyed if the connect fails or the signal aborts. */
export async function connectTcp(target: ResolvedTarget, port: number, signal: AbortSignal): Promise<net.Socket> {
  signal.throwIfAborted();
  const socket = net.connect({ host: target.address, port, family: target.family });
  // An 'error' without a listener would crash the whole scheduler; readers attach their own.
  socket.on('error', () => {});
  try {
    await once(socket, 'connect', { signal });
    return socket;
  } catch (err) {
    socket.destroy();
    throw err;
  }
}
