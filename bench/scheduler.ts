/**
 * npm run bench:scheduler [-- --duration 120 --http 10000 --tcp 1000 --dns 1000 --interval 30]
 *
 * Runs PingPage's monitoring (scheduler, runner, probes, evaluator, batched writer) against local
 * targets served by a child process, on an embedded PostgreSQL in a temporary directory, and
 * prints what issue 4 asks for: checks/s, start lateness, CPU of this process, peak RSS, rows
 * written/s, time to schedule everything and the busiest second against the mean.
 */
import { fork } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from '../server/db/embedded.js';
import { openDatabase } from '../server/database.js';
import { allowAll, seedOrg, silentLog, testConfig } from '../server/monitors/fixtures.js';
import { createMonitoring, loadProbes } from '../server/monitors/index.js';
import { Histogram } from '../server/scheduler/histogram.js';
import { fmt, numberArg, report } from './stats.js';
import type { TargetPorts } from './targets.js';

const duration = numberArg('duration', 120);
const counts = { http: numberArg('http', 10_000), tcp: numberArg('tcp', 1_000), dns: numberArg('dns', 1_000) };
const interval = numberArg('interval', 30);
const total = counts.http + counts.tcp + counts.dns;

async function startTargets(): Promise<{ ports: TargetPorts; stop(): void }> {
  const child = fork(fileURLToPath(new URL('./targets.ts', import.meta.url)), ['10'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const ports = await new Promise<TargetPorts>((resolve, reject) => {
    child.once('message', (m) => resolve(m as TargetPorts));
    child.once('exit', (code) => reject(new Error(`targets exited with ${code}`)));
  });
  return { ports, stop: () => child.disconnect() };
}

async function main() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pp-bench-sched-'));
  chmodSync(tmp, 0o755);
  const targets = await startTargets();
  const pg = await startEmbeddedPostgres({ dir: path.join(tmp, 'postgres') });
  try {
    const orm = await openDatabase(pg.url);
    const { orgId, principal } = await seedOrg(orm);
    const { ports } = targets;
    const conn = orm.em.getConnection();
    const seed = (probe: string, n: number, config: string) =>
      conn.execute(
        `INSERT INTO monitors (id, org_id, name, probe, config, interval_seconds, timeout_seconds, retries)
         SELECT gen_random_uuid(), ?, ? || i, ?, ${config}, ?, 10, 1 FROM generate_series(1, ?) i`,
        [orgId, `${probe}-`, probe, interval, n],
        'run',
      );
    const httpPorts = `ARRAY[${ports.http.join(',')}]`;
    await seed('http', counts.http, `jsonb_build_object('url', 'http://127.0.0.1:' || (${httpPorts})[1 + i % ${ports.http.length}] || '/health')`);
    await seed('tcp', counts.tcp, `jsonb_build_object('host', '127.0.0.1', 'port', ${ports.tcp}, 'expect', '220')`);
    await seed('dns', counts.dns, `jsonb_build_object('name', 'bench' || i || '.test', 'type', 'A', 'server', '127.0.0.1:${ports.dns}')`);

    const monitoring = createMonitoring({
      config: testConfig(),
      log: silentLog,
      orm,
      requireOrg: allowAll(principal),
      probes: await loadProbes({ PINGPAGE_PLUGINS: [] }),
    });
    const perSecond = new Map<number, number>();
    const failures = new Map<string, number>();
    const checkMs = new Histogram();
    monitoring.events.on('heartbeat', (e) => {
      const s = Math.floor(Date.parse(e.at) / 1000);
      checkMs.record(e.latencyMs);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
      if (!e.ok) failures.set(e.error?.code ?? '?', (failures.get(e.error?.code ?? '?') ?? 0) + 1);
    });

    console.log(`bench:scheduler: ${counts.http} http + ${counts.tcp} tcp + ${counts.dns} dns monitors every ${interval} s for ${duration} s`);
    const t0 = performance.now();
    await monitoring.start();
    const scheduledMs = performance.now() - t0;
    const startedAt = Date.now();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await new Promise((r) => setTimeout(r, duration * 1000));
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - wall0;
    const endedAt = Date.now();
    const lateness = monitoring.engine.lateness;
    const dispatch = (monitoring.engine.scheduler as unknown as { stats: { lateness: typeof lateness; skippedBusy: number } }).stats;
    const written = monitoring.writer.stats.written;
    await monitoring.stop();
    const [stored] = await conn.execute<{ n: string }[]>('SELECT count(*) AS n FROM heartbeats');

    // Whole seconds inside the measured window.
    const seconds: number[] = [];
    for (let s = Math.ceil(startedAt / 1000); s < Math.floor(endedAt / 1000); s++) seconds.push(perSecond.get(s) ?? 0);
    const checks = seconds.reduce((a, b) => a + b, 0);
    const mean = checks / seconds.length;
    const busiest = Math.max(...seconds);
    const cpuPct = ((cpu.user + cpu.system) / 1000 / wallMs) * 100;
    const rssMb = process.resourceUsage().maxRSS / 1024;
    const expected = total / interval;

    report('results', [
      ['checks/s achieved', `${fmt(mean)}`, `${fmt(expected)}`, mean >= expected * 0.97],
      ['start lateness p50 (ms)', fmt(lateness.quantile(0.5), 0)],
      ['start lateness p99 (ms)', fmt(lateness.quantile(0.99), 0), '≤ 100', lateness.quantile(0.99) <= 100],
      ['start lateness max (ms)', fmt(lateness.max, 0)],
      ['dispatch lateness p99 (ms)', fmt(dispatch.lateness.quantile(0.99), 0)],
      ['check duration p50 / p99 (ms)', `${fmt(checkMs.quantile(0.5), 0)} / ${fmt(checkMs.quantile(0.99), 0)}`],
      ['app CPU (% of one core)', fmt(cpuPct), '≤ 35', cpuPct <= 35],
      // System time includes the kernel's loopback work for both ends of every connection.
      ['  of which user / system', `${fmt((cpu.user / 1000 / wallMs) * 100)} / ${fmt((cpu.system / 1000 / wallMs) * 100)}`],
      ['peak RSS (MB)', fmt(rssMb, 0), '≤ 400', rssMb <= 400],
      ['heartbeat rows written/s', fmt(written / (wallMs / 1000))],
      ['time to all scheduled (ms)', fmt(scheduledMs, 0), '≤ 5000', scheduledMs <= 5000],
      ['busiest 1-s window / mean', `${busiest} / ${fmt(mean)}`, '≤ 2×', busiest <= 2 * mean],
      ['runs skipped (still running)', String(dispatch.skippedBusy)],
      ['rows in heartbeats after stop', stored!.n],
    ]);
    console.log(`  machine load average (1/5/15 min) at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')} on ${os.cpus().length} cores`);
    if (failures.size) console.log('  failed checks by code:', Object.fromEntries(failures));
    await orm.close();
  } finally {
    targets.stop();
    await pg.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
