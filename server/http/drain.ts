import type http from 'node:http';

/**
 * Stops accepting and waits for in-flight requests: idle keep-alive sockets close at once,
 * busy ones as soon as their answer is sent; after `ms` the rest are cut.
 */
export async function drain(server: http.Server, ms: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const cut = setTimeout(() => server.closeAllConnections(), ms);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}
