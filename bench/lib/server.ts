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
  stop(): Promise<void>;
  restart(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, '../..');

function procStat(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are in clock ticks: USER_HZ, 100 on Linux.
  return { cpu: (Number(fields[11]) + Number(fields[12])) / 100, rssPages: Number(fields[21]) };
}

export async function startBenchServer(env: Record<string, string> = {}, port?: number): Promise<BenchServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pp-bench-'));
  chmodSync(dir, 0o755);
  const fixedPort = port ?? 40_000 + Math.floor(Math.random() * 10_000);
  let child!: ChildProcess;
  let url = '';
  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const clean = { ...process.env };
      delete clean.DATABASE_URL;
      child = track(spawn(process.execPath, ['--import', 'tsx', 'server/start.ts'], {
        cwd: root,
        env: { ...clean, PORT: String(fixedPort), DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'warn', PINGPAGE_SIGNUP: 'open', ...env },
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
