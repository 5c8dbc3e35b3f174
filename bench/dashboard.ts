/**
 * npm run bench:dashboard — the dashboard with 2,000 monitors, measured in Chromium:
 *   1. navigation → overview rendered (the client's `pp:overview-rendered` mark), cold and warm cache;
 *   2. bytes on the wire for the initial data (REST answers, the snapshot among them, + the socket's frames);
 *   3. frame times and long tasks while 333 heartbeats/s stream in through the server's realtime
 *      path, first with the page at rest, then while it scrolls through the list.
 * Targets (issue 6): ≤ 1.5 s to rendered, ≤ 1 MB initial data, no long task over 100 ms.
 *
 * Seeds a day of one-minute heartbeats per monitor (2.9 M rows) straight into PostgreSQL:
 * DATABASE_URL's server in a database of its own (dropped afterwards), or an embedded one.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { scratchDatabase } from './lib/db.js';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { clientDist, ensureClientBuilt } from '../server/client-build.js';
import { loadConfig } from '../server/config.js';
import { startEmbeddedPostgres } from '../server/db/embedded.js';
import { createLogger } from '../server/log.js';
import { packSnapshot } from '../server/realtime/pack.js';
import { startPingPage, type PingPage } from '../server/main.js';
import { signUp } from '../server/testing/client.js';

const MONITORS = Number(process.env.MONITORS ?? 2000);
const RATE = Number(process.env.RATE ?? 333); // heartbeats per second
const STREAM_SECONDS = Number(process.env.STREAM_SECONDS ?? 10);
/** Minutes of history per monitor (one heartbeat a minute); less makes a quicker run while tuning. */
const HISTORY_MINUTES = Number(process.env.HISTORY_MINUTES ?? 1440);
/** PROFILE=1: also print where the page's main thread spent its time while streaming. */
const PROFILE = process.env.PROFILE === '1';
const TARGETS = { renderedMs: 1500, initialBytes: 1_000_000, longTaskMs: 100 };

const log = (...args: unknown[]) => console.error('·', ...args);

async function database(): Promise<{ url?: string; drop(): Promise<void> }> {
  const admin = process.env.DATABASE_URL;
  if (!admin) return { drop: async () => {} };
  return scratchDatabase(admin);
}

/** 2,000 monitors, a day of heartbeats each (one a minute), their rollups; a few down, a few degraded. */
async function seed(db: pg.Client, orgId: string, targetUrl: string) {
  await db.query('SET synchronous_commit = off');
  await db.query(
    `INSERT INTO monitors (id, org_id, name, probe, config, interval_seconds, timeout_seconds, retries, tags, status, status_since)
     SELECT gen_random_uuid(), $1,
       (ARRAY['api','web','checkout','auth','search','billing','cdn','mail','db-proxy','status'])[1 + i % 10] || '-' || (ARRAY['eu','us','ap'])[1 + (i / 10) % 3] || '-' || i,
       'http', jsonb_build_object('url', $3::text || '?m=' || i), 60, 10, 1,
       CASE WHEN i % 3 = 0 THEN ARRAY['production'] WHEN i % 3 = 1 THEN ARRAY['staging','api'] ELSE ARRAY['production','edge'] END,
       CASE WHEN i % 97 = 5 THEN 'down' WHEN i % 53 = 7 THEN 'degraded' ELSE 'up' END,
       now() - (i % 50) * interval '37 minutes'
     FROM generate_series(1, $2::int) i`,
    [orgId, MONITORS, targetUrl],
  );
  await db.query(
    `INSERT INTO heartbeats (monitor_id, at, latency_ms, ok, status, error_code, error_message, timings)
     SELECT m.id, ts,
       CASE WHEN bad THEN NULL ELSE (40 + 30 * sin(extract(epoch FROM ts) / 3000 + m.h) + m.h * 3)::real END,
       NOT bad, CASE WHEN bad THEN 'down' ELSE 'up' END,
       CASE WHEN bad THEN 'CONNECTION_REFUSED' END, CASE WHEN bad THEN 'Connection refused' END,
       CASE WHEN bad THEN NULL ELSE jsonb_build_object('connect', 8 + m.h, 'firstByte', 20 + m.h, 'total', 50 + m.h * 3) END
     FROM (SELECT id, status, abs(hashtext(id::text)) % 20 AS h FROM monitors WHERE org_id = $1) m,
       generate_series(date_trunc('minute', now()) - $2 * interval '1 minute', date_trunc('minute', now()) - interval '1 minute', interval '1 minute') ts,
       LATERAL (SELECT (m.status = 'down' AND ts > now() - (m.h + 3) * interval '1 minute') OR (hashtext(m.id::text || ts::text) % 500 = 0) AS bad) b`,
    [orgId, HISTORY_MINUTES],
  );
  log('heartbeats written');
  for (const [table, unit] of [['heartbeat_rollups_minute', 'minute'], ['heartbeat_rollups_hour', 'hour'], ['heartbeat_rollups_day', 'day']] as const) {
    await db.query(
      `INSERT INTO ${table} (monitor_id, bucket, checks, failures, degraded, latency_sum, latency_min, latency_max)
       SELECT h.monitor_id, date_trunc('${unit}', h.at), count(*), count(*) FILTER (WHERE h.status = 'down'), 0,
         coalesce(sum(h.latency_ms) FILTER (WHERE h.status <> 'down'), 0), min(h.latency_ms), max(h.latency_ms)
       FROM heartbeats h GROUP BY 1, 2
       ON CONFLICT DO NOTHING`,
    );
  }
  log('rollups written');
  // Vacuum now (PostgreSQL ≥ 13 would otherwise start an autovacuum of the 2.9 M inserted rows during
  // the measurements) and write the seeded pages out (so would a checkpoint flushing them).
  await db.query('VACUUM (ANALYZE)');
  await db.query('CHECKPOINT');
}

/**
 * What the page measures while heartbeats stream: frame times from rAF, long tasks from a
 * PerformanceObserver; with `scroll`, the page also scrolls up and down the list every frame.
 * (Page-side code as text: this file is type-checked without the DOM library.)
 */
function startProbe(page: Page, scroll: boolean) {
  return page.evaluate(`(() => {
    const frames = [], longTasks = [];
    const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); });
    observer.observe({ type: 'longtask' });
    let last = performance.now(), running = true, direction = 1;
    const tick = (t) => {
      if (!running) return;
      frames.push(t - last);
      last = t;
      if (${scroll}) {
        const max = document.documentElement.scrollHeight - innerHeight;
        if (scrollY >= max - 5) direction = -1; else if (scrollY <= 0) direction = 1;
        scrollBy(0, 60 * direction);
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    window.__bench = { frames, longTasks, stop() { running = false; observer.disconnect(); } };
  })()`);
}

async function stopProbe(page: Page): Promise<{ frames: number[]; longTasks: number[] }> {
  return (await page.evaluate(`(() => {
    const b = window.__bench;
    b.stop();
    return { frames: b.frames.slice(1), longTasks: b.longTasks };
  })()`)) as { frames: number[]; longTasks: number[] };
}

/** The functions with the most self time in a CPU profile. */
function printProfile(profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples?: number[]; timeDeltas?: number[] }) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  (profile.samples ?? []).forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0));
  });
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.error(`  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
}

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { n: s.length, avg: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.at(-1) ?? 0 };
}

/** Sends `RATE` heartbeats a second for `seconds`, spread over 10 ms ticks, to random monitors. */
async function stream(emit: (e: Heartbeat) => void, orgId: string, ids: string[], seconds: number): Promise<number> {
  let sent = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      const due = Math.min(RATE * seconds, Math.floor(elapsed * RATE));
      for (; sent < due; sent++) {
        const monitorId = ids[Math.floor(Math.random() * ids.length)]!;
        const down = Math.random() < 0.01;
        emit({ monitorId, orgId, at: new Date().toISOString(), status: down ? 'down' : 'up', ok: !down, latencyMs: 20 + Math.random() * 180, ...(down ? { error: { code: 'TIMEOUT', message: 'No answer in 10 s' } } : {}) });
      }
      if (elapsed >= seconds) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  return sent;
}

interface Heartbeat {
  monitorId: string;
  orgId: string;
  at: string;
  status: 'up' | 'down';
  ok: boolean;
  latencyMs: number;
  error?: { code: string; message: string };
}

/** The server's own realtime path: the monitoring event bus the check engine publishes on. */
function emitterOf(app: PingPage): (e: Heartbeat) => void {
  return (e) => app.monitoring.events.emit('heartbeat', { ...e, intervalSeconds: 60 });
}

/** Bytes on the wire for the API and the socket until `stop()`; assets counted apart. */
function countBytes(cdp: CDPSession) {
  const urls = new Map<string, string>();
  const totals = { rest: 0, socketHttp: 0, socketFrames: 0, assets: 0 };
  const sent = (e: { requestId: string; request: { url: string } }) => void urls.set(e.requestId, e.request.url);
  const finished = (e: { requestId: string; encodedDataLength: number }) => {
    const url = urls.get(e.requestId) ?? '';
    if (url.includes('/api/')) totals.rest += e.encodedDataLength;
    else if (url.includes('/socket.io/')) totals.socketHttp += e.encodedDataLength;
    else totals.assets += e.encodedDataLength;
  };
  const frame = (e: { response: { payloadData: string } }) => void (totals.socketFrames += Buffer.byteLength(e.response.payloadData));
  cdp.on('Network.requestWillBeSent', sent);
  cdp.on('Network.loadingFinished', finished);
  cdp.on('Network.webSocketFrameReceived', frame);
  return {
    totals,
    stop() {
      cdp.off('Network.requestWillBeSent', sent);
      cdp.off('Network.loadingFinished', finished);
      cdp.off('Network.webSocketFrameReceived', frame);
      return { ...totals };
    },
  };
}

async function main() {
  await ensureClientBuilt(log);
  const db = await database();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pingpage-bench-'));
  chmodSync(dataDir, 0o755); // as root, the embedded PostgreSQL runs as its own user and must reach it
  const target = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
  // Exactly MONITORS monitors: no monitor of PingPage itself in the bench's org.
  const env = { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', PINGPAGE_SELF_MONITOR: 'false', ...(db.url ? { DATABASE_URL: db.url } : {}) };
  const start = () => startPingPage(loadConfig(env), { clientDir: clientDist, log: createLogger('warn') });
  // First run: migrations and an account, through the API like anyone else.
  let app = await start();
  const { client, orgId } = await signUp(app.url, `bench-${randomUUID().slice(0, 8)}@example.com`, { orgName: 'Bench' });
  await app.close();
  // Then history, straight into the database while no server runs (nothing else writes rollups).
  const seedStarted = performance.now();
  const pgServer = db.url ? undefined : await startEmbeddedPostgres({ dir: path.join(dataDir, 'postgres') });
  const conn = new pg.Client({ connectionString: db.url ?? pgServer!.url });
  await conn.connect();
  log(`seeding ${MONITORS} monitors with a day of heartbeats…`);
  await seed(conn, orgId, targetUrl);
  const ids = (await conn.query<{ id: string }>('SELECT id FROM monitors WHERE org_id = $1', [orgId])).rows.map((r) => r.id);
  const { rows: [count] } = await conn.query<{ n: string }>('SELECT count(*) AS n FROM heartbeats');
  await conn.end();
  await pgServer?.stop();
  log(`seeded ${ids.length} monitors, ${Number(count!.n).toLocaleString('en')} heartbeats in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  // Then the server as it runs every day: the check engine loads the monitors (checking the local target).
  app = await start();
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    // A running server: its warm-up read every monitor's last beats into memory (timed from here).
    const warmStarted = performance.now();
    await app.realtime.feed.recent.warming;
    const warmMs = performance.now() - warmStarted;
    log(`recent beats of ${app.realtime.feed.recent.size} monitors in memory ${warmMs.toFixed(0)} ms after the server was up`);
    await new Promise((r) => setTimeout(r, 1000));

    const cookies = client.cookie.split('; ').map((pair) => {
      const [name, value] = pair.split('=');
      return { name: name!, value: value!, domain: '127.0.0.1', path: '/' };
    });
    const overview = `${app.url}/orgs/${orgId}`;
    const tab = async () => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addCookies(cookies);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      return { context, page, cdp };
    };
    // Calibration: what a new tab costs before any of our code runs (a trivial page, loaded).
    const blank = await tab();
    await blank.page.goto(`${app.url}/healthz`);
    const blankMs = (await blank.page.evaluate(`performance.getEntriesByType('navigation')[0].loadEventEnd`)) as number;
    await blank.context.close();
    // A new tab with an empty cache: the browser starts a renderer process for it as it navigates.
    const fresh = await tab();
    const newTab = await load(fresh.page, fresh.cdp);
    await fresh.context.close();
    // The measured tab: empty cache too, its renderer already running (it showed /healthz).
    const { page, cdp } = await tab();
    await page.goto(`${app.url}/healthz`);

    async function load(page: Page, cdp: CDPSession) {
      const counter = countBytes(cdp);
      await page.goto(overview);
      await page.waitForSelector('html[data-overview="ready"]', { state: 'attached', timeout: 30_000 });
      const ms = (await page.evaluate(`performance.getEntriesByName('pp:overview-rendered')[0].startTime`)) as number;
      // Rendered from the snapshot over HTTP; live once the socket has caught up from its mark.
      await page.waitForFunction(`performance.getEntriesByName('pp:subscribed').length > 0`, undefined, { timeout: 30_000 });
      // Where the time went: the client marks each step of its start.
      const steps = (await page.evaluate(
        `['responseEnd', 'pp:boot', 'pp:snapshot-requested', 'pp:snapshot-received', 'pp:snapshot-applied', 'pp:overview-rendered', 'pp:socket-connected', 'pp:subscribe-sent', 'pp:subscribed'].map((n) => [n, n === 'responseEnd' ? performance.getEntriesByType('navigation')[0].responseEnd : performance.getEntriesByName(n)[0]?.startTime])`,
      )) as Array<[string, number]>;
      log('  ' + steps.map(([n, t]) => `${n.replace('pp:', '')} ${Math.round(t)} ms`).join(' → '));
      if (PROFILE) {
        const resources = (await page.evaluate(
          `performance.getEntriesByType('resource').map((r) => [r.name.replace(location.origin, ''), Math.round(r.startTime), Math.round(r.responseEnd), r.encodedBodySize])`,
        )) as Array<[string, number, number, number]>;
        for (const [name, start, end, size] of resources) log(`    ${String(start).padStart(5)} → ${String(end).padStart(5)} ms  ${String(size).padStart(7)} B  ${name.slice(0, 90)}`);
      }
      const rows = await page.locator('a.row').count();
      return { ms, rows, bytes: counter.stop() };
    }
    // The server's share, measured apart: building the snapshot the socket sends.
    const snapStarted = performance.now();
    const snapshot = await app.realtime.feed.snapshot(orgId);
    const snapMs = performance.now() - snapStarted;
    const snapBytes = Buffer.byteLength(JSON.stringify(snapshot));
    const packStarted = performance.now();
    const packed = await packSnapshot(snapshot);
    const packMs = performance.now() - packStarted;
    // PROFILE=1: where this process (the server) spends the cold load.
    const session = PROFILE ? new inspector.Session() : undefined;
    const post = (method: string) => new Promise<unknown>((resolve, reject) => session!.post(method, (err, res) => (err ? reject(err) : resolve(res))));
    if (session) {
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.start');
    }
    if (PROFILE) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const cold = await load(page, cdp);
    if (session) {
      log('  the server process during the cold load:');
      printProfile(((await post('Profiler.stop')) as { profile: Parameters<typeof printProfile>[0] }).profile);
      session.disconnect();
      log('  the page during the cold load:');
      printProfile((await cdp.send('Profiler.stop')).profile);
    }
    const warm = await load(page, cdp);
    await page.waitForTimeout(1000);

    const emit = emitterOf(app);
    const frames = { rest: undefined as undefined | Awaited<ReturnType<typeof stopProbe>>, scroll: undefined as undefined | Awaited<ReturnType<typeof stopProbe>> };
    let received = 0;
    cdp.on('Network.webSocketFrameReceived', () => void received++);
    const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    let before: Record<string, number> = {};
    if (PROFILE) {
      await cdp.send('Performance.enable');
      before = await metrics();
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const cpuBefore = process.cpuUsage();
    await startProbe(page, false);
    const sentRest = await stream(emit, orgId, ids, STREAM_SECONDS);
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpu = (cpu.user + cpu.system) / 1e6 / STREAM_SECONDS;
    frames.rest = await stopProbe(page);
    if (PROFILE) {
      printProfile((await cdp.send('Profiler.stop')).profile);
      const after = await metrics();
      const d = (k: string) => ((after[k]! - before[k]!) * 1000).toFixed(0);
      console.error(`  main thread over ${STREAM_SECONDS} s: tasks ${d('TaskDuration')} ms = script ${d('ScriptDuration')} + style ${d('RecalcStyleDuration')} + layout ${d('LayoutDuration')} ms (+ paint and the rest); ${after.LayoutCount! - before.LayoutCount!} layouts, ${after.RecalcStyleCount! - before.RecalcStyleCount!} style recalcs`);
    }
    await startProbe(page, true);
    const sentScroll = await stream(emit, orgId, ids, STREAM_SECONDS);
    frames.scroll = await stopProbe(page);
    await page.waitForTimeout(500);

    const initial = cold.bytes.rest + cold.bytes.socketHttp + cold.bytes.socketFrames;
    const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
    const out: string[] = [];
    const mark = (ok: boolean) => (ok ? 'ok  ' : 'MISS');
    out.push(`PingPage dashboard bench: ${ids.length} monitors, ${RATE} heartbeats/s for ${STREAM_SECONDS} s (+${STREAM_SECONDS} s scrolling), Chromium ${browser.version()}`);
    out.push(`${mark(cold.ms <= TARGETS.renderedMs)} navigation → overview rendered   cold ${cold.ms.toFixed(0)} ms, warm ${warm.ms.toFixed(0)} ms   (target ≤ ${TARGETS.renderedMs} ms; ${cold.rows} rows in the DOM of ${ids.length})`);
    out.push(`${mark(newTab.ms <= TARGETS.renderedMs)}   in a new tab (its renderer process starting too) ${newTab.ms.toFixed(0)} ms; a new tab loading a trivial page takes ${blankMs.toFixed(0)} ms here`);
    out.push(`${mark(initial <= TARGETS.initialBytes)} initial data on the wire          ${kb(initial)} = REST ${kb(cold.bytes.rest)} + socket.io polling ${kb(cold.bytes.socketHttp)} + WebSocket frames ${kb(cold.bytes.socketFrames)}   (target ≤ ${kb(TARGETS.initialBytes)}; app assets ${kb(cold.bytes.assets)} cold, ${kb(warm.bytes.assets)} warm)`);
    out.push(`     after a restart the server reads every monitor's last beats into memory first: done ${warmMs.toFixed(0)} ms after it was up`);
    out.push(`     the server builds that snapshot in ${snapMs.toFixed(0)} ms (${kb(snapBytes)} of JSON) and packs it in ${packMs.toFixed(0)} ms (${kb(packed.bytes.byteLength)} deflated)`);
    for (const [name, f, sent] of [['at rest', frames.rest, sentRest], ['scrolling', frames.scroll, sentScroll]] as const) {
      const s = stats(f.frames);
      const longest = Math.max(0, ...f.longTasks);
      out.push(
        `${mark(longest <= TARGETS.longTaskMs)} streaming, ${name.padEnd(9)}             frames ${s.n} (${(s.n / STREAM_SECONDS).toFixed(0)} fps): avg ${s.avg.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms; long tasks ${f.longTasks.length}, longest ${longest.toFixed(0)} ms   (target: none over ${TARGETS.longTaskMs} ms; ${sent} heartbeats sent)`,
      );
    }
    out.push(`     WebSocket frames received while streaming: ${received}; this process (server + bench) used ${(serverCpu * 100).toFixed(0)}% of a core meanwhile, on a ${os.cpus().length}-core machine (load ${os.loadavg()[0]!.toFixed(1)})`);
    console.log(out.join('\n'));
  } finally {
    await browser.close();
    await app.close();
    target.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
