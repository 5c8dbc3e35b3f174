/** `npm start` as a child process, for tests that need a real process: its own signals, exit code, event loop. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];

export interface ServerProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
  /** Resolves with the printed URL once the server says it runs. */
  ready: Promise<string>;
}

/** Starts server/start.ts with `env` (DATABASE_URL unset unless given: the embedded PostgreSQL). */
export function startServerProcess(env: Record<string, string>): ServerProcess {
  const clean = { ...process.env };
  delete clean.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts'], {
    cwd: root,
    env: { ...clean, PINGPAGE_SKIP_CLIENT_BUILD: '1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const m = out.match(/PingPage is running at (\S+)/);
      if (m) resolve(m[1]!);
    });
    void exit.then((code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  ready.catch(() => {});
  return { child, stdout: () => out, stderr: () => err, exit, ready };
}

/** For afterAll: kills every child still running. */
export function killServerProcesses(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
