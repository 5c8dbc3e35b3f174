/**
 * npm run bench:realtime — push latency and fan-out, measured from outside the server process.
 *  1. Dashboard: 50 sockets watch an org whose monitors produce ~333 results/s (real HTTP checks
 *     against a local target); delay from each check's end to its receipt, p50/p99.
 *  2. Status pages: 10,000 /status sockets on one page; time for one incident update to reach
 *     all of them (p50/p99/max over several updates); server RSS per connected socket.
 *  3. Reconnect storm: the server restarts; every socket reconnects and re-subscribes.
 * Flags: --monitors 3330 --interval 10 --dashboards 50 --seconds 40 --visitors 10000 --updates 5
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { BenchApi, pool } from './lib/api.js';
import { startBenchServer, track } from './lib/server.js';
import { fmt, numberArg, percentile, report } from './stats.js';
import type { TargetPorts } from './targets.js';

const here = import.meta.dirname;
const MONITORS = numberArg('monitors', 3330);
const INTERVAL = numberArg('interval', 10);
const DASHBOARDS = numberArg('dashboards', 50);
const SECONDS = numberArg('seconds', 40);
const VISITORS = numberArg('visitors', 10_000);
const UPDATES = numberArg('updates', 5);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function child(script: string, args: string[]): ChildProcess {
  return track(fork(path.join(here, script), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
}

function next<T>(proc: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: { type: string; message?: string }) => {
      if (m.type === 'error') reject(new Error(m.message));
      if (m.type !== type) return;
      proc.off('message', on);
      resolve(m as T);
    };
    proc.on('message', on);
  });
}

async function main() {
  const targets = child('targets.ts', ['4']);
  const ports = await new Promise<TargetPorts>((r) => targets.once('message', (m) => r(m as TargetPorts)));
  const server = await startBenchServer({}, undefined, { inspect: true });
  const api = new BenchApi(server.url);
  const { org } = await api.req<{ org: { id: string } }>('POST', '/auth/signup', { email: 'bench@example.com', password: 'bench password 1', name: 'Bench' });
  console.log(`server ${server.url} (pid ${server.pid}); creating ${MONITORS} HTTP monitors every ${INTERVAL} s…`);
  const created = Date.now();
  const ids: string[] = [];
  await pool(Array.from({ length: MONITORS }, (_, i) => i), 16, async (i) => {
    const m = await api.req<{ id: string }>('POST', `/orgs/${org.id}/monitors`, {
      name: `target ${i}`,
      probe: 'http',
      config: { url: `http://127.0.0.1:${ports.http[i % ports.http.length]}/health` },
      intervalSeconds: INTERVAL,
      timeoutSeconds: 5,
      retries: 0,
    });
    ids.push(m.id);
  });

  console.log(`created in ${((Date.now() - created) / 1000).toFixed(1)} s`);

  // 1. Dashboards.
  const dash = child('lib/dashboard-clients.ts', [server.url, org.id, api.cookie, String(DASHBOARDS)]);
  await next(dash, 'ready');
  await sleep(INTERVAL * 1000); // one full round: every monitor has been checked once
  const cpu0 = server.cpuSeconds();
  dash.send({ type: 'start' });
  await sleep(SECONDS * 1000);
  const cpu1 = server.cpuSeconds();
  dash.send({ type: 'report' });
  const { delays, received } = await next<{ delays: number[]; received: number }>(dash, 'report');
  delays.sort((a, b) => a - b);
  const perSocket = received / DASHBOARDS / SECONDS;
  report(`Dashboard push: ${DASHBOARDS} sockets, ${MONITORS} monitors every ${INTERVAL} s, ${SECONDS} s`, [
    ['results/s seen per socket', fmt(perSocket)],
    ['push latency p50 (ms)', fmt(percentile(delays, 0.5))],
    ['push latency p99 (ms)', fmt(percentile(delays, 0.99)), '≤ 50', percentile(delays, 0.99) <= 50],
    ['push latency max (ms)', fmt(delays.at(-1) ?? NaN)],
    ['server CPU % of one core', fmt(((cpu1 - cpu0) / SECONDS) * 100)],
  ]);

  // 2. Status page fan-out. Monitors keep running: the server is under the same load.
  const page = await api.req<{ id: string; slug: string; components: Array<{ id: string }> }>('POST', `/orgs/${org.id}/status-pages`, {
    slug: 'bench',
    title: 'Bench status',
    components: [{ name: 'API', monitorIds: [ids[0]] }],
  });
  const incident = await api.req<{ id: string }>('POST', `/orgs/${org.id}/incidents`, {
    title: 'Elevated errors',
    impact: 'minor',
    status: 'investigating',
    message: 'Looking into it.',
    statusPageIds: [page.id],
    components: [{ componentId: page.components[0]!.id, status: 'degraded_performance' }],
  });
  // Live memory only: collect garbage in the server before each reading (the checks keep making it).
  const rssAfterGc = async () => {
    await server.gc();
    await sleep(500);
    return server.rss();
  };
  const rssBefore = await rssAfterGc();
  const per = Math.ceil(VISITORS / 2);
  const visitors = [child('lib/status-clients.ts', [server.url, 'bench', String(per)]), child('lib/status-clients.ts', [server.url, 'bench', String(VISITORS - per)])];
  const t0 = Date.now();
  const ready = await Promise.all(visitors.map((v) => next<{ subscribed: number; refused: number }>(v, 'ready')));
  const connectSeconds = (Date.now() - t0) / 1000;
  await sleep(3_000);
  const rssAfter = await rssAfterGc();
  const subscribed = ready.reduce((n, r) => n + r.subscribed, 0);
  const fanout: number[] = [];
  const maxes: number[] = [];
  for (let u = 0; u < UPDATES; u++) {
    visitors.forEach((v) => v.send({ type: 'mark' }));
    await sleep(1_200); // past the per-page coalescing window
    const posted = Date.now();
    await api.req('POST', `/orgs/${org.id}/incidents/${incident.id}/updates`, { status: u === UPDATES - 1 ? 'resolved' : 'identified', message: `Update ${u + 1}` });
    await sleep(3_000);
    const arrivals = (await Promise.all(visitors.map((v) => { const p = next<{ arrivals: number[] }>(v, 'arrivals'); v.send({ type: 'arrivals' }); return p; }))).flatMap((a) => a.arrivals);
    const lat = arrivals.map((t) => t - posted).sort((a, b) => a - b);
    fanout.push(...lat);
    maxes.push(lat.length ? lat.at(-1)! : NaN);
    console.log(`  update ${u + 1}: reached ${lat.length}/${subscribed} sockets, p50 ${percentile(lat, 0.5)} ms, max ${lat.at(-1)} ms`);
  }
  fanout.sort((a, b) => a - b);
  const perSocketKb = (rssAfter - rssBefore) / subscribed / 1024;
  report(`Status page fan-out: ${subscribed} /status sockets on one page`, [
    ['connect + subscribe all (s)', fmt(connectSeconds)],
    ['update → all sockets p50 (ms)', fmt(percentile(fanout, 0.5))],
    ['update → all sockets p99 (ms)', fmt(percentile(fanout, 0.99)), '≤ 1000', percentile(fanout, 0.99) <= 1000],
    ['update → all sockets max (ms)', fmt(Math.max(...maxes))],
    ['server RSS before → after, after a GC each (MB)', `${fmt(rssBefore / 2 ** 20)} → ${fmt(rssAfter / 2 ** 20)}`],
    ['server RSS per socket (KB)', fmt(perSocketKb), '≤ 20', perSocketKb <= 20],
  ]);

  // 3. Reconnect storm.
  const down = Date.now();
  await server.restart();
  let settled = NaN;
  let counts = { connected: 0, resubscribed: 0, refused: 0, connectErrors: 0 };
  for (let i = 0; i < 120; i++) {
    await sleep(1_000);
    const all = await Promise.all(visitors.map((v) => { const p = next<typeof counts>(v, 'counts'); v.send({ type: 'counts' }); return p; }));
    counts = all.reduce((a, c) => ({ connected: a.connected + c.connected, resubscribed: a.resubscribed + c.resubscribed, refused: a.refused + c.refused, connectErrors: a.connectErrors + c.connectErrors }));
    if (counts.resubscribed >= subscribed) {
      settled = (Date.now() - down) / 1000;
      break;
    }
  }
  report('Reconnect storm after a server restart', [
    ['sockets re-subscribed', `${counts.resubscribed}/${subscribed}`, 'all', counts.resubscribed >= subscribed],
    ['seconds until all re-subscribed', fmt(settled)],
    ['refused subscribes', String(counts.refused), '0', counts.refused === 0],
    ['connect errors while it was down', String(counts.connectErrors)],
  ]);

  visitors.forEach((v) => v.send({ type: 'stop' }));
  targets.disconnect();
  await server.stop();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
