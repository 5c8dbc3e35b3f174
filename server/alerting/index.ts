/**
 * Alerting as one piece for main.ts: notifier plugins, channels, alert policies, the outbox
 * and its delivery worker, and status-page subscribers. Monitoring tells it about status
 * changes (onStateChange) and certificates (onHeartbeat); incidents and maintenance windows
 * announce themselves (announceIncident, announceMaintenance); a sweep does the rest on time.
 */
import type Router from '@koa/router';
import type { EntityManager } from '@mikro-orm/postgresql';
import { routeGuard, type RequireOrg } from '../auth/authorize.js';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { mount, type Route } from '../http/routes.js';
import type { Logger } from '../log.js';
import { createResolver, outboundPolicy, publicInputPolicy, type Lookup } from '../outbound/policy.js';
import { systemClock, type Clock } from '../scheduler/clock.js';
import { certificateDaysLeft } from './certificate.js';
import { channelRoutes } from './channels/routes.js';
import { ChannelService } from './channels/service.js';
import type { StateChange } from './decide.js';
import { Sender, type SystemMail } from './deliver.js';
import { maintenanceFromDb, type MaintenanceCheck } from './maintenance.js';
import { MonitorAlerts } from './monitor-alerts.js';
import { builtinNotifiers } from './notifiers/index.js';
import { purgeFinished } from './outbox.js';
import { policyRoutes } from './policies/routes.js';
import { NotifierRegistry } from './registry.js';
import { deliveryLogRoutes } from './routes.js';
import type { NotifierPlugin } from './sdk.js';
import { announceIncident, announceMaintenance, maintenanceBoundaries, type MaintenanceEvent } from './subscribers/announce.js';
import { SignUps, subscribeRoute, subscriberRoutes } from './subscribers/routes.js';
import { SubscriberService } from './subscribers/service.js';
import { purgeUnconfirmed } from './subscribers/store.js';
import { DeliveryWorker, type WorkerOptions } from './worker.js';

export { checkChannels, deleteMonitorPolicy, getMonitorPolicy, monitorAlertSettings, monitorPolicies, putMonitorPolicy } from './policies/service.js';
export { connectAlerting } from './connect.js';
export type { StateChange } from './decide.js';
export type { MaintenanceCheck } from './maintenance.js';
export { systemMailFromUrl } from './mail.js';
export type { AlertMessage } from './sdk.js';

/** Knobs for tests; production uses the defaults. */
export interface AlertingTuning {
  clock?: Clock;
  /** DNS for the outbound policy (tests). */
  lookup?: Lookup;
  /** Milliseconds one send may take (default 15 s). */
  sendTimeoutMs?: number;
  /** Milliseconds between sweeps: reminders, flapping, catch-up, maintenance notices (default 15 s); 0 turns the timer off. */
  sweepMs?: number;
  worker?: WorkerOptions;
}

export interface AlertingDeps {
  config: Pick<Config, 'PUBLIC_URL' | 'SESSION_SECRET' | 'PINGPAGE_PRIVATE_TARGETS' | 'PINGPAGE_TARGET_ALLOWLIST'>;
  log: Logger;
  orm: Orm;
  requireOrg: RequireOrg;
  /** "Is this monitor in maintenance?"; the maintenance tables are read when absent. */
  maintenance?: MaintenanceCheck;
  /** The operator's SMTP server for subscriber e-mail (the email notifier's config without `to`). */
  systemMail?: SystemMail;
  /** The notifiers to load; the built-ins when absent. */
  notifiers?: Iterable<NotifierPlugin>;
  tuning?: AlertingTuning;
}

/** A heartbeat as far as alerting reads it. */
export interface HeartbeatFacts {
  monitorId: string;
  orgId: string;
  /** ISO 8601 time of the check. */
  at: string;
  /** The probe's metadata; certificate days left are read from it. */
  metadata?: unknown;
  /** Or given directly. */
  certificateDaysLeft?: number;
}

export interface Alerting {
  /** The declared routes (http/routes.ts), for the OpenAPI document; mounted in `routers`. */
  routes: Route[];
  /** Mounted under /api/v1. */
  routers: Router<any>[];
  /** Mounted at the root, before the JSON body parser like the public status pages (see subscribers/routes.ts). */
  publicRouter: Router;
  /** The sign-up `publicRouter` answers under /api/v1 (`served: 'ahead'`), for the OpenAPI document; never mounted. */
  publicRoutes: Route[];
  registry: NotifierRegistry;
  channels: ChannelService;
  subscribers: SubscriberService;
  /** Sign-ups with the per-IP limit, for the status page's form (the JSON route uses the same). */
  signUps: SignUps;
  monitorAlerts: MonitorAlerts;
  worker: DeliveryWorker;
  sender: Sender;
  /** From the monitoring events' `monitor:status`. Never rejects (a failure is logged and caught up later). */
  onStateChange(change: StateChange): Promise<void>;
  /** From the monitoring events' `heartbeat`: certificate days-left thresholds. Never rejects. */
  onHeartbeat(e: HeartbeatFacts): Promise<void>;
  /** After an incident (or its update) is written; pass the transaction to queue in it. */
  announceIncident(o: { incidentId: string; updateId?: string }, em?: EntityManager): Promise<number>;
  /** After a maintenance window is created or changed (`maintenance.scheduled`); starts and ends are announced by the sweep. */
  announceMaintenance(o: { maintenanceId: string; event: MaintenanceEvent }, em?: EntityManager): Promise<number>;
  /** One sweep now (tests): catch-up, reminders, flapping, maintenance boundaries. */
  sweep(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** How far back a maintenance boundary is still announced (a sweep missed by a restart), ms. */
const BOUNDARY_WINDOW_MS = 15 * 60_000;
/** Finished deliveries kept for the log (ms). */
const KEEP_DELIVERIES_MS = 30 * 86_400_000;
/** Unconfirmed subscriptions kept (ms). */
const KEEP_UNCONFIRMED_MS = 7 * 86_400_000;
const PURGE_EVERY_MS = 3_600_000;

export function createAlerting(deps: AlertingDeps): Alerting {
  const { config, orm, tuning = {} } = deps;
  const log = deps.log.child({ component: 'alerting' });
  const clock = tuning.clock ?? systemClock;
  const em = () => orm.em.fork();
  const publicUrl = config.PUBLIC_URL.replace(/\/+$/, '');
  const policy = outboundPolicy(config);
  const publicPolicy = publicInputPolicy(policy);
  const registry = new NotifierRegistry(deps.notifiers ?? Object.values(builtinNotifiers));
  const sender = new Sender({
    em,
    registry,
    resolve: createResolver(policy, tuning.lookup),
    resolvePublic: createResolver(publicPolicy, tuning.lookup),
    clock,
    publicUrl,
    secret: config.SESSION_SECRET,
    timeoutMs: tuning.sendTimeoutMs ?? 15_000,
    systemMail: deps.systemMail,
  });
  const worker = new DeliveryWorker({
    em,
    deliver: (row) => sender.deliver(row),
    clock,
    log,
    options: { leaseMs: Math.max(120_000, (tuning.sendTimeoutMs ?? 15_000) * 4), ...tuning.worker },
  });
  const queued = () => worker.kick();
  const monitorAlerts = new MonitorAlerts({ em, clock, log, maintenance: deps.maintenance ?? maintenanceFromDb(em), queued });
  const channels = new ChannelService({ em, registry, policy, lookup: tuning.lookup, sender, clock, publicUrl });
  const subscribers = new SubscriberService({ em, clock, policy: publicPolicy, lookup: tuning.lookup, secret: config.SESSION_SECRET, publicUrl, mail: deps.systemMail !== undefined, queued });
  const signUps = new SignUps(subscribers, () => clock.now());

  let sweepTimer: unknown;
  let sweeping: Promise<void> | undefined;
  let stopped = false;
  let lastPurge = 0;

  async function sweep(): Promise<void> {
    const now = clock.now();
    const step = async (name: string, f: () => Promise<unknown>) => {
      try {
        await f();
      } catch (err) {
        log.warn({ err: (err as Error).message, step: name }, 'alerting sweep step failed; next sweep tries again');
      }
    };
    await step('catch-up', () => monitorAlerts.catchUp());
    await step('monitors', () => monitorAlerts.sweep());
    await step('maintenance', async () => {
      let n = 0;
      for (const b of await maintenanceBoundaries(em(), now, BOUNDARY_WINDOW_MS)) {
        n += await announceMaintenance(em(), { maintenanceId: b.id, event: b.event, now, publicUrl });
      }
      if (n > 0) queued();
    });
    if (now - lastPurge >= PURGE_EVERY_MS) {
      lastPurge = now;
      await step('purge', async () => {
        await purgeFinished(em(), now - KEEP_DELIVERIES_MS);
        await purgeUnconfirmed(em(), now - KEEP_UNCONFIRMED_MS);
      });
    }
  }

  const runSweep = () => (sweeping ??= sweep().finally(() => (sweeping = undefined)));
  const sweepMs = tuning.sweepMs ?? 15_000;
  const arm = () => {
    if (stopped || sweepMs === 0) return;
    sweepTimer = clock.setTimeout(() => void runSweep().finally(arm), sweepMs);
  };

  const routes = [...channelRoutes(channels, registry), ...policyRoutes(em), ...deliveryLogRoutes(em)];

  return {
    routes,
    routers: [mount(routes, routeGuard(deps.requireOrg))],
    publicRouter: subscriberRoutes(subscribers, signUps),
    publicRoutes: [subscribeRoute],
    registry,
    channels,
    subscribers,
    signUps,
    monitorAlerts,
    worker,
    sender,
    async onStateChange(change) {
      try {
        await monitorAlerts.onStateChange(change);
      } catch (err) {
        log.warn({ err: (err as Error).message, monitorId: change.monitorId }, 'could not queue alerts for a status change; the sweep will catch up');
      }
    },
    async onHeartbeat(e) {
      const daysLeft = e.certificateDaysLeft ?? certificateDaysLeft(e.metadata);
      if (daysLeft === undefined) return;
      try {
        await monitorAlerts.onCertificate({ monitorId: e.monitorId, orgId: e.orgId, daysLeft, at: Date.parse(e.at) });
      } catch (err) {
        log.warn({ err: (err as Error).message, monitorId: e.monitorId }, 'could not check certificate alerts');
      }
    },
    async announceIncident(o, tx) {
      const n = await announceIncident(tx ?? em(), { ...o, now: clock.now(), publicUrl });
      if (n > 0 && !tx) queued();
      return n;
    },
    async announceMaintenance(o, tx) {
      const n = await announceMaintenance(tx ?? em(), { ...o, now: clock.now(), publicUrl });
      if (n > 0 && !tx) queued();
      return n;
    },
    sweep: () => runSweep(),
    async start() {
      await runSweep();
      worker.start();
      arm();
      log.info({ notifiers: registry.ids() }, 'alerting started');
    },
    async stop() {
      stopped = true;
      clock.clearTimeout(sweepTimer);
      await sweeping;
      await worker.stop();
    },
  };
}
