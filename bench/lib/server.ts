/** Runs PingPage as users do (its own process, embedded PostgreSQL) for benchmarks. */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchServer {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Resident memory of the server process in bytes (from /proc). */
  rss(): number;
  /** CPU seconds (user + system) the server process has used. */
  cpuSeconds(): number;
  /**
   * A full garbage collection in the server (through its inspector, which `inspect` turns on),
   * so that RSS read right after counts live memory rather than garbage not yet collected.
   */
  gc(): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, '../..');

function procStat(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are in clock ticks: USER_HZ, 100 on Linux.
  return { cpu: (Number(fields[11]) + Number(fields[12])) / 100, rssPages: Number(fields[21]) };
}

/** Sends one DevTools protocol command to a process's inspector and waits for its answer. */
async function inspectorCommand(inspectPort: number, method: string): Promise<void> {
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => ws.send(JSON.stringify({ id: 1, method }));
    ws.onmessage = (m) => {
      if ((JSON.parse(String(m.data)) as { id?: number }).id === 1) resolve();
    };
    ws.onerror = () => reject(new Error(`inspector on port ${inspectPort}: ${method} failed`));
  });
  ws.close();
}

export async function startBenchServer(env: Record<string, string> = {}, port?: number, opts: { inspect?: boolean } = {}): Promise<BenchServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pp-bench-'));
  chmodSync(dir, 0o755);
  // Below Linux's ephemeral range (32768–60999): while the server restarts, thousands of clients
  // retrying their connections take ephemeral ports, and one of them could be ours.
  const fixedPort = port ?? 20_000 + 2 * Math.floor(Math.random() * 5_000);
  let child!: ChildProcess;
  let url = '';
  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const clean = { ...process.env };
      delete clean.DATABASE_URL;
      const inspect = opts.inspect ? [`--inspect=127.0.0.1:${fixedPort + 1}`] : [];
      child = track(spawn(process.execPath, [...inspect, '--import', 'tsx', 'server/start.ts'], {
        cwd: root,
        env: { ...clean, PORT: String(fixedPort), DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'warn', PINGPAGE_SIGNUP: 'open', PINGPAGE_PRIVATE_TARGETS: 'allow', ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      }));
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = out.match(/PingPage is running at (\S+)/);
        if (m && !url) {
          url = m[1]!;
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
  await launch();
  const pageSize = 4096;
  const server: BenchServer = {
    get url() {
      return url;
    },
    get pid() {
      return child.pid!;
    },
    get child() {
      return child;
    },
    rss: () => procStat(child.pid!).rssPages * pageSize,
    cpuSeconds: () => procStat(child.pid!).cpu,
    async gc() {
      if (!opts.inspect) throw new Error('gc() needs startBenchServer(…, { inspect: true })');
      await inspectorCommand(fixedPort + 1, 'HeapProfiler.collectGarbage');
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      url = '';
      await launch();
    },
  };
  return server;
}

const children = new Set<ChildProcess>();
/** Benches call this for every process they start: all are killed when the bench ends, however it ends. */
export function track(proc: ChildProcess): ChildProcess {
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return proc;
}
const killAll = () => {
  for (const c of children) c.kill('SIGTERM'); // a server stops its embedded PostgreSQL on TERM, even once we are gone
};
process.once('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    for (const c of children) c.kill('SIGTERM');
    setTimeout(() => process.exit(130), 3_000).unref();
  });
}
