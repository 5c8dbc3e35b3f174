/**
 * Monitoring as one piece for main.ts: probes run on schedule, results are judged, stored and
 * announced. `start()` loads every monitor and starts the clock; `stop()` lets runs finish
 * briefly and flushes what is queued.
 */
import type Router from '@koa/router';
import { ByteBudget } from '../../plugins/sdk.js';
import { routeGuard, type RequireOrg } from '../auth/authorize.js';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { ReadinessCheck } from '../http/health.js';
import { mount, type Route } from '../http/routes.js';
import type { Logger } from '../log.js';
import type { MonitorAlertSettings } from './alerts.js';
import { createResolver, outboundPolicy, type Lookup } from '../outbound/policy.js';
import type { ProbeRegistry } from '../probes/registry.js';
import { probeRoutes } from '../probes/routes.js';
import { RetentionJob } from '../results/retention.js';
import { HeartbeatWriter, type WriterOptions } from '../results/writer.js';
import type { Clock } from '../scheduler/clock.js';
import { Runner } from '../scheduler/runner.js';
import { CheckEngine, probeContext } from './engine.js';
import { Bus } from '../bus.js';
import type { MonitoringEventMap, MonitoringEvents } from './events.js';
import { monitorRoutes } from './routes.js';
import { MonitorService } from './service.js';
import { allMonitors } from './all.js';
import { monitorsById, monitorVersions } from './store.js';

export { loadProbes } from '../probes/loader.js';
export type { MonitorAlertSettings } from './alerts.js';
export type { MonitoringEvents } from './events.js';
export { followMaintenance } from './maintenance.js';
export { ensureSelfMonitor } from './self.js';

/** Knobs for tests and benches; production uses the defaults. */
export interface MonitoringTuning {
  clock?: Clock;
  /** Probe runs at once, across all monitors. */
  concurrency?: number;
  /** Probe runs at once against one target. */
  perTarget?: number;
  writer?: WriterOptions;
  /** Milliseconds between re-reads of the monitors table (changes made elsewhere); 0 turns it off. */
  reconcileMs?: number;
  /** Run the retention job (default true). */
  retention?: boolean;
  /** DNS for the outbound policy (tests). */
  lookup?: Lookup;
  /** Bytes all checks may hold at once (default PINGPAGE_PROBE_MEMORY_MB). */
  memoryBytes?: number;
  /** Checks of new, resumed or re-targeted monitors at once (default 16); 0 for tests that drive every check by hand. */
  immediateChecks?: number;
}

export interface MonitoringDeps {
  config: Config;
  log: Logger;
  orm: Orm;
  requireOrg: RequireOrg;
  /** The server's bus (main.ts), where `heartbeat` and `monitor:*` go; a bus of its own when absent. */
  events?: MonitoringEvents;
  /** From loadProbes(config), called before the database starts so a bad plugin fails fast. */
  probes: ProbeRegistry;
  /** A monitor's `alerts`, kept by alerting (main.ts passes alerting's); absent: monitors carry none. */
  alerts?: MonitorAlertSettings;
  tuning?: MonitoringTuning;
}

export interface Monitoring {
  /** The declared routes (http/routes.ts), for the OpenAPI document; mounted in `routers`. */
  routes: Route[];
  routers: Router<any>[];
  readiness: ReadinessCheck[];
  events: MonitoringEvents;
  service: MonitorService;
  engine: CheckEngine;
  writer: HeartbeatWriter;
  runner: Runner;
  /** What checks hold of targets' replies, all together. */
  memory: ByteBudget;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createMonitoring(deps: MonitoringDeps): Monitoring {
  const { config, orm, probes, tuning = {} } = deps;
  const log = deps.log.child({ component: 'monitoring' });
  const events = deps.events ?? new Bus<MonitoringEventMap>(log);
  const policy = outboundPolicy(config);
  const memory = new ByteBudget(tuning.memoryBytes ?? config.PINGPAGE_PROBE_MEMORY_MB * 1024 * 1024);
  const runner = new Runner({
    context: probeContext(createResolver(policy, tuning.lookup), memory),
    concurrency: tuning.concurrency,
    perTarget: tuning.perTarget,
  });
  const writer = new HeartbeatWriter(orm, log, tuning.writer);
  const engine = new CheckEngine({ probes, runner, writer, events, log, clock: tuning.clock, immediateChecks: tuning.immediateChecks });
  const service = new MonitorService({ orm, probes, engine, events, log, policy, alerts: deps.alerts });
  const retention = new RetentionJob(orm, config, log);
  const reconcileMs = tuning.reconcileMs ?? 60_000;
  const routes = [...probeRoutes(probes), ...monitorRoutes(service)];
  let reconcileTimer: NodeJS.Timeout | undefined;
  let running = false;

  const reconcile = async () => {
    try {
      const em = orm.em.fork();
      await engine.reconcile(await monitorVersions(em), (ids) => monitorsById(em, ids));
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not re-read monitors; keeping the current set');
    }
  };

  return {
    routes,
    routers: [mount(routes, routeGuard(deps.requireOrg))],
    readiness: [{ name: 'scheduler', check: async () => running }],
    events,
    service,
    engine,
    writer,
    runner,
    memory,
    async start() {
      const monitors = await allMonitors(orm.em.fork());
      for (const m of monitors) engine.upsert(m);
      writer.start();
      engine.scheduler.start();
      if (tuning.retention !== false) retention.start();
      if (reconcileMs > 0) {
        reconcileTimer = setInterval(() => void reconcile(), reconcileMs);
        reconcileTimer.unref();
      }
      running = true;
      log.info({ monitors: monitors.length, probes: probes.ids() }, 'monitoring started');
    },
    async stop() {
      running = false;
      clearInterval(reconcileTimer);
      await engine.scheduler.stop();
      await retention.stop();
      await writer.stop();
      log.info({ written: writer.stats.written, dropped: writer.stats.dropped }, 'monitoring stopped');
    },
  };
}
