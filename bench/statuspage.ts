/**
 * npm run bench:statuspage [-- --duration 10 --connections 50 --rate 333 --only json|html]
 *
 * A 50-component public page (90 days of daily rollups, incidents, a maintenance window) served
 * by the whole PingPage as main.ts wires it (startPingPage: the status pages' fast path ahead of
 * the Koa app, request logging at info level into /dev/null) and, for comparison, by its Koa app
 * alone; while the app's monitoring runs 333 real HTTP checks a second (10,000 monitors every 30 s
 * against local targets in a child process), and another 333 results a second stream through the
 * page's own monitors on the app's bus and flip their statuses (so the snapshot is rebuilt and
 * re-rendered as often as coalescing allows).
 * autocannon runs in its own process against the JSON and the HTML (gzip, as browsers ask, and
 * identity). Every PostgreSQL query the server makes while serving a request is counted during
 * each run (an AsyncLocalStorage around the request listeners: checks' writes, sweeps and other
 * background work are not the visitors').
 * Targets (issue 7): ≥ 5,000 req/s JSON, ≥ 2,000 req/s HTML, zero queries per request.
 *
 * Database: DATABASE_URL's server (a database of its own, dropped afterwards) or an embedded one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { execFile, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { scratchDatabase } from './lib/db.js';
import Koa from 'koa';
import pino from 'pino';
import { loadConfig } from '../server/config.js';
import { startEmbeddedPostgres } from '../server/db/embedded.js';
import { openDatabase } from '../server/database.js';
import { createLogger } from '../server/log.js';
import { startPingPage } from '../server/main.js';
import { seedOrg } from '../server/monitors/fixtures.js';
import { createIncident, postUpdate } from '../server/incidents/service.js';
import { createMaintenance } from '../server/incidents/maintenances.js';
import type { TargetPorts } from './targets.js';
import type { MonitorStatus } from '../contracts/monitors.js';
import { pageCreate } from '../contracts/status-page-requests.js';
import { createPage } from '../server/statuspages/service.js';
import { fmt, numberArg, report } from './stats.js';

const DURATION = numberArg('duration', 10);
const CONNECTIONS = numberArg('connections', 50);
const RATE = numberArg('rate', 333); // checks per second
const COMPONENTS = 50;
const TARGETS = { json: 5_000, html: 2_000 };
const root = path.resolve(import.meta.dirname, '..');
const log = (...args: unknown[]) => console.error('·', ...args);

/** Set while a request to the server is being answered (and in whatever that request starts). */
const serving = new AsyncLocalStorage<true>();
/** Every query any pg client of this process sends (MikroORM's pool included), and those on a request's behalf. */
let queries = 0;
let requestQueries = 0;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  queries++;
  if (serving.getStore()) requestQueries++;
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

/** Runs `server`'s request listeners (the app's, Socket.IO's in front) inside `serving`. */
function countRequests(server: http.Server): void {
  const listeners = server.listeners('request') as Array<(req: http.IncomingMessage, res: http.ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req, res) => serving.run(true, () => listeners.forEach((l) => l.call(server, req, res))));
}

async function database(tmp: string): Promise<{ url: string; stop(): Promise<void> }> {
  const admin = process.env.DATABASE_URL;
  if (!admin) {
    const embedded = await startEmbeddedPostgres({ dir: path.join(tmp, 'pg'), settings: { fsync: 'off', synchronous_commit: 'off' } });
    return { url: embedded.url, stop: () => embedded.stop() };
  }
  const db = await scratchDatabase(admin);
  return { url: db.url, stop: db.drop };
}

interface Run {
  requests: { average: number };
  latency: { p99: number; average: number };
  throughput: { average: number };
  non2xx: number;
  errors: number;
}

function autocannon(url: string, headers: Record<string, string>): Promise<Run> {
  const args = [path.join(root, 'node_modules/autocannon/autocannon.js'), '-c', String(CONNECTIONS), '-d', String(DURATION), '-j'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as Run))),
  );
}

async function main() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pp-bench-status-'));
  chmodSync(tmp, 0o755);
  const db = await database(tmp);
  // The data is written before the app starts, on a connection of its own; the app then loads it as it would after a restart.
  const orm = await openDatabase(db.url, { poolMax: 4 });
  const exec = (sql: string, params: unknown[] = []) => orm.em.getConnection().execute(sql, params, 'run');

  // Local targets served by a child process, for every monitor's real checks.
  const targets = fork(path.join(import.meta.dirname, 'targets.ts'), ['4'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const ports = await new Promise<TargetPorts>((resolve) => targets.once('message', (m) => resolve(m as TargetPorts)));
  const targetUrl = (i: number) => `http://127.0.0.1:${ports.http[i % ports.http.length]}/health`;

  log(`seeding ${COMPONENTS} monitors, 90 days of rollups, a 50-component page`);
  const { orgId, userId } = await seedOrg(orm);
  const monitors = Array.from({ length: COMPONENTS }, () => randomUUID());
  for (const [i, id] of monitors.entries()) {
    // Checked for real too (up, as their targets answer): their statuses change only by the stream below.
    await exec(
      `INSERT INTO monitors (id, org_id, name, probe, config, interval_seconds, timeout_seconds, retries, status, status_since)
       VALUES (?, ?, ?, 'http', ?::jsonb, 15, 10, 1, 'up', now() - interval '1 day')`,
      [id, orgId, `m${i}`, JSON.stringify({ url: targetUrl(i) })],
    );
  }
  await exec(
    `INSERT INTO heartbeat_rollups_day (monitor_id, bucket, checks, failures, degraded, latency_sum, latency_min, latency_max)
     SELECT m, date_trunc('day', now()) - d * interval '1 day', 5760, CASE WHEN (hashtext(m::text) + d) % 17 = 0 THEN 12 ELSE 0 END, 3, 5760 * 80.0, 20, 400
     FROM unnest(?::uuid[]) m, generate_series(0, 89) d`,
    [`{${monitors.join(',')}}`],
  );
  await exec(
    `INSERT INTO heartbeat_rollups_hour (monitor_id, bucket, checks, failures, degraded, latency_sum, latency_min, latency_max)
     SELECT m, date_trunc('hour', now()) - h * interval '1 hour', 240, 0, 0, 240 * 80.0, 20, 400
     FROM unnest(?::uuid[]) m, generate_series(0, 23) h`,
    [`{${monitors.join(',')}}`],
  );
  const groups = ['Core', 'Edge', 'Payments', 'Data', 'Regions'];
  const page = await createPage(
    orm.em.fork(),
    orgId,
    pageCreate.parse({
      slug: 'bench',
      title: 'Bench Inc',
      description: 'Fifty components under load',
      showLatency: true,
      footerLinks: [{ label: 'Home', url: 'https://example.com/' }],
      components: monitors.map((m, i) => ({ name: `Service ${i + 1}`, group: groups[Math.floor(i / 10)], monitorIds: [m], showLatency: true })),
    }),
    {},
  );

  // The background: real HTTP checks at RATE per second (30-s interval), run by the app's monitoring.
  const background = Math.round(RATE * 30);
  await exec(
    `INSERT INTO monitors (id, org_id, name, probe, config, interval_seconds, timeout_seconds, retries)
     SELECT gen_random_uuid(), ?, 'bg-' || i, 'http', jsonb_build_object('url', 'http://127.0.0.1:' || (ARRAY[${ports.http.join(',')}])[1 + i % ${ports.http.length}] || '/health'), 30, 10, 1
     FROM generate_series(1, ?) i`,
    [orgId, background],
  );

  // A few incidents and a window, through the services the API uses.
  const comps = page.components;
  for (let k = 0; k < 5; k++) {
    const inc = await createIncident(orm.em.fork(), orgId, {
      title: `Elevated errors on Service ${k + 1}`, impact: k === 0 ? 'major' : 'minor', status: 'investigating',
      message: 'We are **investigating** elevated error rates.\n\n- region eu-1\n- region us-2',
      statusPageIds: [page.id], components: [{ componentId: comps[k]!.id, status: 'partial_outage' }],
      startedAt: new Date(Date.now() - (k * 9 + 1) * 86_400_000).toISOString(),
    }, { userId }, new Date());
    if (k > 0) await postUpdate(orm.em.fork(), orgId, inc.id, { status: 'resolved', message: 'Fixed.' }, { userId }, new Date());
  }
  await createMaintenance(orm.em.fork(), orgId, {
    title: 'Database upgrade', description: 'Short interruptions expected.', startsAt: new Date(Date.now() + 86_400_000).toISOString(),
    endsAt: new Date(Date.now() + 90_000_000).toISOString(), monitorIds: monitors.slice(0, 5), componentIds: [], statusPageIds: [page.id],
  }, { userId }, Date.now());
  await orm.close();

  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', DATA_DIR: path.join(tmp, 'data'), LOG_LEVEL: 'info', PINGPAGE_SELF_MONITOR: 'false' });
  const app = await startPingPage(config, { log: createLogger('info', pino.destination({ dest: '/dev/null', sync: false })) });
  countRequests(app.server);
  // The same Koa app without the fast path in front.
  const koaOnly = http.createServer(app.app.callback());
  countRequests(koaOnly);
  await new Promise<void>((r) => koaOnly.listen(0, '127.0.0.1', r));
  const koaBase = `http://127.0.0.1:${(koaOnly.address() as AddressInfo).port}`;
  // The checks' heartbeats; the stream's own (emitted below) are told apart by `streaming`.
  let realChecks = 0;
  let streaming = false;
  app.bus.on('heartbeat', function countRealChecks() {
    if (!streaming) realChecks++;
  });

  const base = app.url;
  const html = await fetch(`${base}/status/bench`);
  const htmlBytes = (await html.arrayBuffer()).byteLength;
  const gz = await fetch(`${base}/status/bench`, { headers: { 'accept-encoding': 'gzip' } });
  const jsonBytes = (await (await fetch(`${base}/api/v1/public/status-pages/bench`)).arrayBuffer()).byteLength;
  log(`page: ${htmlBytes} bytes of HTML (${gz.headers.get('content-encoding') ?? 'identity'} on request), ${jsonBytes} bytes of JSON`);

  // 333 checks a second: a heartbeat each, and now and then a status change (2 % of checks fail or warn).
  const statuses = new Map<string, MonitorStatus>(monitors.map((m) => [m, 'up']));
  let checks = 0;
  let updates = 0;
  app.statusPages.hub.on('update', () => updates++);
  const tickMs = 30;
  const perTick = (RATE * tickMs) / 1000;
  let carry = 0;
  const load = setInterval(() => {
    carry += perTick;
    for (; carry >= 1; carry--) {
      const monitorId = monitors[checks++ % monitors.length]!;
      const r = Math.random();
      const status: MonitorStatus = r < 0.01 ? 'down' : r < 0.02 ? 'degraded' : 'up';
      const at = new Date().toISOString();
      streaming = true;
      app.bus.emit('heartbeat', { monitorId, orgId, at, status, ok: status !== 'down', latencyMs: 80, intervalSeconds: 60 });
      streaming = false;
      const previous = statuses.get(monitorId)!;
      if (previous !== status) {
        statuses.set(monitorId, status);
        app.bus.emit('monitor:status', { monitorId, orgId, status, previous, since: at, reason: null });
      }
    }
  }, tickMs);

  const runs: Array<[string, string, Record<string, string>, number | undefined]> = [
    ['JSON', `${base}/api/v1/public/status-pages/bench`, {}, TARGETS.json],
    ['HTML (gzip)', `${base}/status/bench`, { 'accept-encoding': 'gzip, deflate, br' }, TARGETS.html],
    ['HTML (identity)', `${base}/status/bench`, {}, undefined],
    ['Koa only: JSON', `${koaBase}/api/v1/public/status-pages/bench`, {}, undefined],
    ['Koa only: HTML (gzip)', `${koaBase}/status/bench`, { 'accept-encoding': 'gzip, deflate, br' }, undefined],
  ];
  // The counter works: setting up (seeding, loading the snapshot) went through it.
  const rows: Parameters<typeof report>[1] = [['DB queries while setting up (counter check)', String(queries)]];
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  for (const [name, url, headers, target] of runs) {
    if (only && !name.toLowerCase().startsWith(only)) continue;
    log(`autocannon ${name}: ${CONNECTIONS} connections, ${DURATION} s, with ${RATE} checks/s in the background`);
    const q0 = requestQueries;
    const c0 = checks;
    const r0 = realChecks;
    const u0 = updates;
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const r = await autocannon(url, headers);
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    // Only what the requests asked: the real checks' writes and the app's background work are not the visitors'.
    const q = requestQueries - q0;
    // The machine is shared: the server's own CPU time per request says what one free core would do.
    const cpuPerRequest = (cpu.user + cpu.system) / (r.requests.average * DURATION);
    rows.push([`${name} req/s`, fmt(r.requests.average, 0), target ? `≥ ${target}` : undefined, target ? r.requests.average >= target : undefined]);
    rows.push([`${name} p99 latency`, `${r.latency.p99} ms`]);
    rows.push([`${name} server CPU per request`, `${fmt(cpuPerRequest, 0)} µs (${fmt(1e6 / cpuPerRequest, 0)} req/s per core)`]);
    // Below 100 %, the server waited for work: the load generator (or the machine) was the limit.
    rows.push([`${name} server event loop busy`, `${fmt(elu.utilization * 100, 0)} %`]);
    rows.push([`${name} non-2xx + errors`, String(r.non2xx + r.errors), '0', r.non2xx + r.errors === 0]);
    rows.push([`${name} DB queries`, String(q), '0', q === 0]);
    rows.push([`${name} real checks/s / page churn / page updates`, `${fmt((realChecks - r0) / DURATION, 0)} / ${checks - c0} / ${updates - u0}`]);
  }
  clearInterval(load);

  // Calibration on this (shared) machine: a bare Koa app sending the same JSON bytes from memory.
  if (!only || only === 'baseline') {
    const jsonBody = Buffer.from(await (await fetch(`${base}/api/v1/public/status-pages/bench`)).arrayBuffer());
    const bare = new Koa();
    bare.use((ctx) => {
      ctx.type = 'application/json';
      ctx.body = jsonBody;
    });
    const bareServer = bare.listen(0, '127.0.0.1');
    await new Promise((r) => bareServer.once('listening', r));
    log('autocannon baseline: a bare Koa app answering the same JSON bytes');
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const r = await autocannon(`http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/`, {});
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const perRequest = (cpu.user + cpu.system) / (r.requests.average * DURATION);
    rows.push(['baseline (bare Koa, same JSON) req/s', fmt(r.requests.average, 0)]);
    rows.push(['baseline server CPU per request', `${fmt(perRequest, 0)} µs (${fmt(1e6 / perRequest, 0)} req/s per core)`]);
    rows.push(['baseline server event loop busy', `${fmt(elu.utilization * 100, 0)} %`]);
    await new Promise((r) => bareServer.close(r));
  }
  report(`Status page: ${COMPONENTS} components, ${CONNECTIONS} connections × ${DURATION} s, ${RATE} checks/s (${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)})`, rows);

  koaOnly.closeAllConnections();
  await new Promise((r) => koaOnly.close(r));
  await app.close();
  targets.disconnect();
  await db.stop();
  rmSync(tmp, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
