/**
 * The composition root. Domain events go through ONE bus (server/bus.ts, map in server/events.ts),
 * made here; who listens to what, in delivery order (all wired below):
 *
 *   event              listeners
 *   heartbeat          alerting (connectAlerting: onHeartbeat) · realtime recent beats (feed.follow) · dashboards (forwardToDashboards)
 *   monitor:status     alerting (onStateChange) · status pages (store.monitorStatus + auto-incidents, at statusPages.start) ·
 *                      realtime recent beats · dashboards
 *   monitor:upsert     dashboards
 *   monitor:delete     realtime recent beats (forget) · dashboards
 *   incident           alerting (announceIncident) · dashboards (incident:upsert)
 *   maintenance        alerting (announceMaintenance) · dashboards (maintenance:upsert)
 *   maintenance:started  status pages (snapshot boundary, then `maintenance` maintenance.started) · monitors enter maintenance (followMaintenance)
 *   maintenance:ended    status pages (snapshot boundary, then `maintenance` maintenance.ended) · monitors back to pending (followMaintenance)
 *   org:created        self-monitoring (only with PINGPAGE_SELF_MONITOR)
 *   sessions:revoked   realtime: disconnect the sessions' sockets
 *   member:removed     realtime: the user's sockets leave the org's room
 *   key:revoked        realtime: disconnect the key's sockets
 *   key:narrowed       realtime: disconnect the key's sockets
 *
 * Emitters: monitoring (engine, service) the first four; incidents and maintenance routes,
 * auto-incidents and the maintenance schedule's edges (statuspages/index.ts) `incident` and
 * `maintenance`; the maintenance schedule's timer `maintenance:started`/`ended`; auth and org routes the rest. A listener that throws or rejects is logged and
 * counted (bus.failures) and never reaches the route or check that emitted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type Router from '@koa/router';
import type Koa from 'koa';
import { issueSetupCode } from './auth/index.js';
import { createAuth } from './orgs/index.js';
import { withListenPort, type Config } from './config.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded.js';
import { lockDataDir, type DataDirLock } from './db/lock.js';
import { type Orm } from './db/orm.js';
import { openDatabase } from './database.js';
import { createApp } from './http/app.js';
import { mount } from './http/routes.js';
import { drain } from './http/drain.js';
import { Metrics } from './http/prometheus.js';
import { metricsRoutes, processMetrics } from './metrics.js';
import { createRealtime, dashboardPreload, dashboardRoutes, DashboardFeed, forwardToDashboards, type Realtime } from './realtime/index.js';
import { connectAlerting, createAlerting, monitorAlertSettings, systemMailFromUrl, type Alerting, type AlertingTuning, type AlertMessage } from './alerting/index.js';
import { statusScriptUrl } from './client-build.js';
import { createStatusPages, type DomainsTuning, type StatusPages, type StatusPagesTuning } from './statuspages/index.js';
import { createMonitoring, ensureSelfMonitor, followMaintenance, type Monitoring, type MonitoringTuning } from './monitors/index.js';
import { loadProbes, type ProbeRegistry } from './probes/index.js';
import { instanceRoute } from './instance.js';
import { openApiRoute } from './openapi.js';
import { StartupError } from './errors.js';
import { createLogger, type Logger } from './log.js';
import { createBus, type DomainBus } from './events.js';

export interface PingPage {
  config: Config;
  log: Logger;
  orm: Orm;
  server: http.Server;
  realtime: Realtime;
  monitoring: Monitoring;
  /** The probes this server runs, built-in and configured. */
  probes: ProbeRegistry;
  statusPages: StatusPages;
  alerting: Alerting;
  /** The Koa app behind the status pages' fast path: what answers every request the fast path leaves alone (tests and benches compare the two). */
  app: Koa;
  /** The one domain event bus (the table at the top of this file). */
  bus: DomainBus;
  /** Where the server listens, e.g. http://127.0.0.1:3000. */
  url: string;
  /** The embedded PostgreSQL, when DATABASE_URL was unset. */
  embedded?: EmbeddedPostgres;
  /** The one-time code that creating the first account from another machine needs; absent once an account exists. */
  setupCode?: string;
  /** Stops accepting, lets in-flight requests finish, flushes writes, closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Built client to serve (client/dist); omitted in tests that need only the API. */
  clientDir?: string;
  /** How long in-flight requests may take to finish at shutdown. */
  drainMs?: number;
  /** Scheduler, runner and writer knobs (tests and benches). */
  monitoring?: MonitoringTuning;
  /** Outbox worker knobs (tests). */
  alerting?: AlertingTuning;
  /** Custom domain proofs: DNS servers and the clock of the daily check (tests). */
  domains?: DomainsTuning;
  /** Status pages' clock (incidents, maintenance windows, snapshots) and snapshot timings (tests). */
  statusPages?: StatusPagesTuning;
}

/** Wiring only: config → database → services → HTTP. */
export async function startPingPage(config: Config, opts: StartOptions = {}): Promise<PingPage> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const cleanup: Array<() => Promise<void> | void> = [];
  const unwind = async () => {
    for (const step of cleanup.reverse()) await step();
  };
  try {
    const probes = await loadProbes(config); // a bad plugin stops the start before anything runs
    let url = config.DATABASE_URL;
    let embedded: EmbeddedPostgres | undefined;
    if (!url) {
      const lock: DataDirLock = lockDataDir(config.DATA_DIR);
      cleanup.push(() => lock.release());
      const pgLog = log.child({ component: 'postgres' });
      embedded = await startEmbeddedPostgres({ dir: path.join(config.DATA_DIR, 'postgres'), log: (l) => pgLog.debug(l) });
      cleanup.push(() => embedded!.stop());
      url = embedded.url;
      log.info({ dir: config.DATA_DIR, cluster: embedded.dir, port: embedded.port }, 'embedded PostgreSQL started');
    }
    const orm = await openDatabase(url);
    cleanup.push(() => orm.close());

    // Runs after the HTTP drain at shutdown (cleanup unwinds in reverse): a check still in flight keeps its heartbeat.
    let stopMonitoring: () => Promise<void> = async () => {};
    cleanup.push(() => stopMonitoring());
    let stopping = false;
    let handler: http.RequestListener = (_req, res) => {
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' }).end('{"error":{"code":"STARTING","message":"Starting"}}');
    };
    const server = http.createServer((req, res) => {
      if (stopping) res.setHeader('Connection', 'close'); // let keep-alive clients go while draining
      handler(req, res);
    });
    server.headersTimeout = 20_000;
    server.requestTimeout = 60_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? new StartupError(`PORT: cannot listen on ${config.HOST}:${config.PORT} (${err.code})`) : err),
      );
      server.listen(config.PORT, config.HOST, () => resolve());
    });
    cleanup.push(() => drain(server, opts.drainMs ?? 10_000));
    const addr = server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    const cfg = withListenPort(config, addr.port);

    const setupCode = await issueSetupCode(orm.em.fork());
    if (setupCode) {
      log.warn({ url: cfg.PUBLIC_URL, setupCode }, `No account exists yet. Create the first one at ${cfg.PUBLIC_URL}; from another machine it asks for the set-up code ${setupCode}`);
    }
    const systemMail = cfg.SMTP_URL && cfg.MAIL_FROM ? systemMailFromUrl(cfg.SMTP_URL, cfg.MAIL_FROM) : undefined;
    // Alerting (made below) owns the e-mail notifier and its timeouts.
    const sendMail = systemMail && ((to: string, message: AlertMessage) => alerting.sender.toAddress(to, message));
    const bus = createBus(log.child({ component: 'bus' }));
    const auth = createAuth({ config: cfg, orm, sendMail, events: bus });
    // A monitor's `alerts` are alerting's policies; handed in, since alerting listens to monitoring.
    const monitoring = createMonitoring({ config: cfg, log, orm, requireOrg: auth.requireOrg, probes, alerts: monitorAlertSettings, tuning: opts.monitoring, events: bus });
    stopMonitoring = () => monitoring.stop();
    const statusPages = createStatusPages({
      config: cfg,
      log,
      orm,
      requireOrg: auth.requireOrg,
      onMonitorStatus: (fn) => bus.on('monitor:status', fn),
      events: bus,
      scriptUrl: statusScriptUrl(opts.clientDir),
      domains: opts.domains,
      clock: opts.statusPages?.clock,
      tuning: opts.statusPages?.tuning,
      // The page's "Subscribe to updates" form signs up through alerting (created next: it needs the maintenance schedule).
      subscriptions: { email: systemMail !== undefined, signUp: (slug, ip, read) => alerting.signUps.signUp(slug, ip, read) },
    });
    const alerting = createAlerting({
      config: cfg,
      log,
      orm,
      requireOrg: auth.requireOrg,
      maintenance: statusPages.maintenance,
      systemMail,
      tuning: opts.alerting,
    });
    cleanup.push(() => alerting.stop());
    cleanup.push(connectAlerting(alerting, { monitoring: bus, incidents: bus }, log));
    const metrics = new Metrics();
    cleanup.push(processMetrics(metrics));
    // What dashboards are fed, over REST and the socket alike.
    const feed = new DashboardFeed(() => orm.em.fork());
    // Every declared route of the API, for its document (openapi.ts); each domain mounts its own.
    const instance = instanceRoute(orm, cfg);
    const dashboard = dashboardRoutes(feed);
    // With the public operations answered ahead of the routers (before sessions and the body parser; the page JSON from memory).
    const openApi = openApiRoute([instance, ...auth.routes, ...monitoring.routes, ...dashboard, ...statusPages.routes, ...alerting.routes, ...statusPages.publicRoutes, ...alerting.publicRoutes]);
    const api: Router<any>[] = [
      mount([instance, openApi], auth.guard),
      ...auth.routers,
      ...monitoring.routers,
      mount(dashboard, auth.guard),
      ...statusPages.routers,
      ...alerting.routers,
    ];
    // /metrics answers ahead of the session middleware (a METRICS_TOKEN is no API key): it reads the cookie itself.
    const signedInUser = async (ctx: Koa.Context) => {
      const p = await auth.authenticate(ctx.app, ctx.req);
      return p?.kind === 'user' ? p.userId : undefined;
    };
    const app = createApp({
      config: cfg,
      log,
      middleware: auth.middleware,
      // Before sessions and the JSON parser: visitors cost no session lookup; forms post urlencoded.
      // Alerting's subscriber routes first: the status pages answer any other /status/:slug/* path.
      operations: [metricsRoutes(metrics, cfg, { em: () => orm.em.fork(), signedInUser }), alerting.publicRouter, statusPages.publicRouter],
      metrics,
      api,
      readiness: [{ name: 'database', check: async () => (await orm.checkConnection()).ok }, ...monitoring.readiness],
      isStopping: () => stopping,
      clientDir: opts.clientDir,
      preload: dashboardPreload,
    });
    await statusPages.start();
    cleanup.push(() => statusPages.stop());
    const koa = app.callback();
    // Public pages' HTML and JSON straight from memory, ahead of Koa: the hot path of a bad day.
    handler = (req, res) => statusPages.fastPath(req, res) || void koa(req, res);
    const realtime = await createRealtime({ server, app, config: cfg, log, orm, auth, feed, statusFeed: statusPages.hub });
    cleanup.push(() => realtime.close()); // first at shutdown: upgraded sockets would hold the server open
    forwardToDashboards(bus, realtime);
    bus.on('incident', function incidentToDashboards(e) {
      realtime.toOrg(e.orgId, 'incident:upsert', e.incident);
    });
    bus.on('maintenance', function maintenanceToDashboards(e) {
      realtime.toOrg(e.orgId, 'maintenance:upsert', e.maintenance);
    });
    await monitoring.start();
    if (cfg.PINGPAGE_SELF_MONITOR) {
      // Once per install, when the first organization exists (now, or at the first signup).
      const selfMonitor = () => ensureSelfMonitor(orm.em.fork(), monitoring.service, cfg.PUBLIC_URL, log).catch((err) => log.warn({ err }, 'self-monitoring check failed'));
      await selfMonitor();
      bus.on('org:created', () => void selfMonitor());
    }
    await followMaintenance(statusPages.maintenance, monitoring.engine, orm, log);
    await alerting.start();
    // Dashboards' snapshots from memory: read every monitor's last beats now, in the background.
    const warming = performance.now();
    feed.recent.warm().then(
      (n) => log.info({ monitors: n, ms: Math.round(performance.now() - warming) }, 'realtime: recent heartbeats loaded'),
      (err) => log.warn({ err }, 'realtime: recent heartbeats not loaded; snapshots read them on demand'),
    );
    metrics.gauge('pingpage_heartbeats_queued', 'Results waiting to be written', () => monitoring.writer.queued);
    metrics.gauge('pingpage_probe_memory_bytes', 'Bytes of target replies checks hold now (PINGPAGE_PROBE_MEMORY_MB bounds it)', () => monitoring.memory.stats.held);
    metrics.gauge('pingpage_probe_memory_waiting', 'Checks waiting for memory to hold a reply', () => monitoring.memory.stats.queued);
    metrics.gauge('pingpage_heartbeats_dropped_total', 'Results dropped because the write queue was full', () => monitoring.writer.stats.dropped);
    metrics.gauge('pingpage_heartbeats_written_total', 'Results written', () => monitoring.writer.stats.written);
    metrics.gauge('pingpage_event_listener_failures_total', 'Domain event listeners that threw or rejected (logged; the write that emitted stood)', () => bus.failures);
    metrics.gauge('pingpage_realtime_sockets', 'Connected Socket.IO clients by namespace', () =>
      ['/dashboard', '/status'].map((n) => [{ namespace: n }, realtime.io.of(n).sockets.size] as [Record<string, string>, number]),
    );

    let closing: Promise<void> | undefined;
    return {
      config: cfg,
      log,
      orm,
      server,
      realtime,
      monitoring,
      probes,
      statusPages,
      alerting,
      app,
      bus,
      embedded,
      setupCode,
      url: `http://${host}:${addr.port}`,
      close() {
        closing ??= (async () => {
          stopping = true;
          await unwind();
          log.info('stopped');
        })();
        return closing;
      },
    };
  } catch (err) {
    await unwind().catch(() => {});
    throw err;
  }
}
