import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort } from '../db/embedded.js';

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/**
 * A Redis for tests: the machine's on 127.0.0.1:6379 when it runs, else a `redis-server` started
 * on a free port (stopped by `stop`), else a clear failure saying what to install.
 */
export async function testRedis(): Promise<{ url: string; stop(): void }> {
  if (await reachable(6379)) return { url: 'redis://127.0.0.1:6379', stop() {} };
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve());
    });
  } catch {
    throw new Error('These tests need Redis: start one on 127.0.0.1:6379 or install redis-server (apt-get install -y redis-server)');
  }
  for (let i = 0; i < 100 && !(await reachable(port)); i++) await new Promise((r) => setTimeout(r, 50));
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill() };
}
