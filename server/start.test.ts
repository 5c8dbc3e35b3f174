/**
 * `npm start` as a user runs it: a real process, real signals, the embedded PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { signUp } from './testing/client.js';
import { killServerProcesses, startServerProcess } from './testing/process.js';

const root = path.resolve(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(() => {
  killServerProcesses();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDataDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'pp-start-'));
  chmodSync(d, 0o755);
  dirs.push(d);
  return path.join(d, 'data');
}

async function getJson(url: string): Promise<any> {
  return (await fetch(url)).json();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function postgresFor(dataDir: string): { pid: number; port: number } {
  const lines = readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

function postgresProcessesOn(dataDir: string): number {
  const dir = realpathSync(path.join(dataDir, 'postgres')); // PostgreSQL is started on the link's target
  let n = 0;
  for (const pid of readdirPids()) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dir)) n++;
    } catch {
      /* exited meanwhile */
    }
  }
  return n;
}

function readdirPids(): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p));
}

/** The postmaster and every process it forked (checkpointer, walwriter, backends…). */
function postgresTree(postmaster: number): number[] {
  const parent = new Map<number, number>();
  for (const pid of readdirPids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited meanwhile */
    }
  }
  const tree = [postmaster];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

describe('bad configuration', () => {
  it.each([
    ['PORT=abc', { PORT: 'abc' }, /^pingpage: PORT: /],
    ['DATABASE_URL=nonsense', { DATABASE_URL: 'nonsense' }, /^pingpage: DATABASE_URL: /],
    ['an unreachable database', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/pingpage' }, /^pingpage: DATABASE_URL: cannot connect to 127\.0\.0\.1:1\/pingpage: ECONNREFUSED$/],
  ])('%s: one clear line on stderr and a non-zero exit', async (_name, env, message) => {
    const run = startServerProcess({ DATA_DIR: tempDataDir(), ...env });
    expect(await run.exit).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});

describe('embedded PostgreSQL', () => {
  it.runIf(process.getuid?.() === 0)('as root, starts from a DATA_DIR the postgres user cannot enter, keeps the cluster in a directory of its own, and keeps the data', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'pp-start-private-')); // mode 0700, like /root or mktemp -d
    dirs.push(home);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    const dataDir = path.join(home, 'data');
    const first = startServerProcess({ DATA_DIR: dataDir });
    const url = await first.ready;
    const cluster = realpathSync(path.join(dataDir, 'postgres'));
    dirs.push(cluster);
    expect(lstatSync(path.join(dataDir, 'postgres')).isSymbolicLink()).toBe(true);
    expect(path.dirname(cluster)).toBe('/var/lib/pingpage');
    expect(first.stdout()).toContain(`The embedded database is in ${cluster} (the system user postgres cannot enter ${home}; DATA_DIR/postgres links there)`);
    expect(statSync(cluster).uid).toBe(Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()));
    expect(statSync(cluster).mode & 0o777).toBe(0o700);
    expect(statSync(home).mode & 0o777).toBe(0o700); // the user's directory was not loosened
    await signUp(url, 'kept@example.com');
    const tree = postgresTree(postgresFor(dataDir).pid);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(tree.filter(alive)).toEqual([]);

    const again = startServerProcess({ DATA_DIR: dataDir });
    const url2 = await again.ready;
    expect((await getJson(url2 + '/api/v1/instance')).needsSetup).toBe(false);
    expect(again.stdout()).not.toContain('The embedded database is in'); // said once, at the first run
    expect(postgresProcessesOn(dataDir)).toBeGreaterThan(0);
    again.child.kill('SIGINT');
    expect(await again.exit).toBe(0);
    expect(postgresProcessesOn(dataDir)).toBe(0);
  });


  it('starts with no DATABASE_URL, refuses a second process on the same DATA_DIR, stops PostgreSQL on SIGTERM, keeps the data', async () => {
    const dataDir = tempDataDir();
    const t0 = Date.now();
    const first = startServerProcess({ DATA_DIR: dataDir });
    const url = await first.ready;
    expect(Date.now() - t0).toBeLessThan(30_000); // first start, initdb included
    expect(await getJson(url + '/readyz')).toMatchObject({ status: 'ready' });
    expect((await getJson(url + '/api/v1/instance')).needsSetup).toBe(true);
    // The set-up code is on stdout next to the URL (and in the log), for a first account made from another machine.
    const code = /^Set-up code for the first account \(asked only from another machine\): ([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})$/m.exec(first.stdout())?.[1];
    expect(code).toBeDefined();
    expect(first.stdout()).toContain(`"setupCode":"${code}"`);

    // Write a row directly, to see it again after a restart.
    const { pid, port } = postgresFor(dataDir);
    const password = readFileSync(path.join(dataDir, 'postgres-password'), 'utf8').trim();
    const db = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'pingpage' });
    await db.connect();
    await db.query(`INSERT INTO users (id, email, name, password_hash) VALUES (gen_random_uuid(), 'kept@example.com', 'Kept', 'x')`);
    await db.end();

    const second = startServerProcess({ DATA_DIR: dataDir });
    expect(await second.exit).toBe(1);
    expect(second.stderr().trim()).toMatch(/^pingpage: DATA_DIR .* is in use by another PingPage process \(pid \d+\)/);

    const tree = postgresTree(pid);
    expect(tree.length).toBeGreaterThan(1); // the postmaster's helpers are seen, so the check below can fail
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(tree.filter(alive)).toEqual([]); // no orphan postgres process of any kind
    expect(postgresProcessesOn(dataDir)).toBe(0);
    expect(existsSync(path.join(dataDir, 'pingpage.lock'))).toBe(false);

    const again = startServerProcess({ DATA_DIR: dataDir });
    const url2 = await again.ready;
    expect((await getJson(url2 + '/api/v1/instance')).needsSetup).toBe(false);
    expect(again.stdout()).not.toMatch(/set-up code/i); // an account exists: no code is printed
    const tree2 = postgresTree(postgresFor(dataDir).pid);
    again.child.kill('SIGINT');
    expect(await again.exit).toBe(0);
    expect(tree2.filter(alive)).toEqual([]);
    expect(postgresProcessesOn(dataDir)).toBe(0);
  });

  it('after the app is killed outright, the next start stops the orphaned PostgreSQL and takes over', async () => {
    const dataDir = tempDataDir();
    const first = startServerProcess({ DATA_DIR: dataDir });
    await first.ready;
    const { pid } = postgresFor(dataDir);
    const orphaned = postgresTree(pid);
    first.child.kill('SIGKILL');
    await first.exit;
    expect(alive(pid)).toBe(true); // nothing could stop it: the app died at once

    const next = startServerProcess({ DATA_DIR: dataDir });
    const url = await next.ready;
    expect(orphaned.filter(alive)).toEqual([]);
    expect((await fetch(url + '/readyz')).status).toBe(200);
    const tree = postgresTree(postgresFor(dataDir).pid);
    next.child.kill('SIGTERM');
    expect(await next.exit).toBe(0);
    expect(tree.filter(alive)).toEqual([]);
    expect(postgresProcessesOn(dataDir)).toBe(0);
  });
});

/**
 * An external plugin that misbehaves outside what the runner can catch: `timer` throws from its
 * own setTimeout while its check runs, `rejection` leaves a promise that rejects after the check.
 */
function crashyPlugin(): string {
  const dir = path.dirname(tempDataDir());
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules')); // it imports zod like an installed plugin
  const file = path.join(dir, 'crashy.mjs');
  writeFileSync(
    file,
    `import { z } from 'zod';
    export default {
      id: 'crashy', version: '1.0.0', apiVersion: 1, title: 'Crashy', description: 'Throws where nobody catches',
      configSchema: z.strictObject({ mode: z.enum(['timer', 'rejection']).describe('How to crash') }),
      async run(_ctx, config) {
        if (config.mode === 'timer') {
          setTimeout(() => { throw new Error('crashy timer fired'); }, 1);
          await new Promise((resolve) => setTimeout(resolve, 200));
        } else {
          setImmediate(() => void Promise.reject(new Error('crashy promise rejected')));
        }
        return { ok: true, timings: {}, metadata: {} };
      },
    };`,
  );
  return file;
}

describe('an uncaught error from a plugin', () => {
  it.each([
    ['its own timer throws during the check', 'timer', 'uncaught exception: crashy timer fired'],
    ['its promise rejects after the check', 'rejection', 'unhandled rejection: crashy promise rejected'],
  ])('%s: logged with the plugin\'s name, then a clean stop with exit code 1 and PostgreSQL stopped', async (_name, mode, what) => {
    const dataDir = tempDataDir();
    const run = startServerProcess({ DATA_DIR: dataDir, PINGPAGE_PLUGINS: crashyPlugin(), PINGPAGE_SELF_MONITOR: 'false' });
    const url = await run.ready;
    const tree = postgresTree(postgresFor(dataDir).pid);
    expect(tree.length).toBeGreaterThan(1);

    const { client, orgId } = await signUp(url, 'owner@example.com');
    const monitor = await client.post(`/orgs/${orgId}/monitors`, { name: 'Crashy', probe: 'crashy', config: { mode }, intervalSeconds: 3600 });
    expect(monitor.status).toBe(201);
    await client.post(`/orgs/${orgId}/monitors/${monitor.body.id}/check`).catch(() => undefined); // the server may stop before it answers

    expect(await run.exit).toBe(1);
    expect(tree.filter(alive)).toEqual([]); // PostgreSQL and all its helpers stopped, none orphaned
    expect(postgresProcessesOn(dataDir)).toBe(0);
    const fatal = run
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; plugin?: string })
      .find((entry) => entry.level === 60);
    expect(fatal).toMatchObject({ plugin: 'crashy', msg: `plugin crashy: ${what}; stopping` });
    expect(existsSync(path.join(dataDir, 'pingpage.lock'))).toBe(false);
  }, 120_000);
});
