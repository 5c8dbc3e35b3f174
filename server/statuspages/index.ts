/**
 * Status pages, incidents and maintenance as one piece for main.ts: the admin routers, the public
 * middleware, the hub the `/status` namespace reads, and the maintenance lookup monitoring and
 * alerting ask. `start()` loads the snapshot; until then public pages answer 404.
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { routeGuard, type RequireOrg } from '../auth/authorize.js';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { AutoIncidents } from '../incidents/auto.js';
import { Bus, type EventBus } from '../bus.js';
import type { IncidentEventMap } from '../incidents/events.js';
import type { ScheduleEventMap } from '../incidents/schedule.js';
import { maintenanceRoutes } from '../incidents/maintenance-routes.js';
import { incidentRoutes } from '../incidents/routes.js';
import { MaintenanceSchedule } from '../incidents/schedule.js';
import { mount, type Route } from '../http/routes.js';
import type { Logger } from '../log.js';
import { PasswordAttempts } from '../auth/attempts.js';
import { systemClock, type Clock } from '../scheduler/clock.js';
import { DomainVerifier } from './domains.js';
import { serverNameResolver } from '../outbound/resolver.js';
import type { StatusPageHub } from './hub.js';
import type { OnMonitorStatus } from '../monitors/status-change.js';
import { createFastPath, type FastPath } from './fast.js';
import { publicPageRoute, publicStatusPages } from './public.js';
import { statusPageRoutes } from './routes.js';
import { SnapshotStore } from './store.js';
import type { Subscriptions } from './subscribe.js';

export type { StatusPageHub } from './hub.js';
export type { PublicPage } from '../../contracts/status-page.js';
export type { Subscriptions } from './subscribe.js';

export interface StatusPagesDeps {
  config: Config;
  log: Logger;
  orm: Orm;
  requireOrg: RequireOrg;
  /** Monitor status changes, e.g. `(fn) => monitoring.events.on('monitor:status', fn)`. */
  onMonitorStatus?: OnMonitorStatus;
  /** The server's bus (main.ts), where `incident` and `maintenance` go; a bus of its own when absent. */
  events?: EventBus<IncidentEventMap & ScheduleEventMap>;
  clock?: Clock;
  /** URL of the built browser script (client/src/status/main.ts); default /assets/status.js. */
  scriptUrl?: string;
  /** Subscribers (alerting's): public pages then offer "Subscribe to updates"; without, no form. */
  subscriptions?: Subscriptions;
  /** Store timings (tests, benches). */
  tuning?: StatusPagesTuning['tuning'];
  /** Custom domain proofs (tests): the daily job's clock. TXT records are asked of PINGPAGE_DNS_SERVERS. */
  domains?: DomainsTuning;
}

/** Knobs for tests and benches (main.ts StartOptions.statusPages); production uses the defaults. */
export interface StatusPagesTuning {
  clock?: Clock;
  tuning?: { refreshEveryMs?: number; coalesceMs?: number; minIntervalMs?: number; maintenanceReloadMs?: number };
}

export interface DomainsTuning {
  clock?: Clock;
}

export interface StatusPages {
  /** The declared admin routes (status pages, incidents, maintenance), for the OpenAPI document; mounted in `routers`. */
  routes: Route[];
  /** Admin API: mount under /api/v1 with the other routers. */
  routers: Router<any>[];
  /** The public operations under /api/v1 that `publicRouter` and `fastPath` answer (`served: 'ahead'`), for the OpenAPI document; never mounted. */
  publicRoutes: Route[];
  /** Public pages, JSON, feeds, badges, custom domains: mount before the body parser and sessions. */
  publicMiddleware: Koa.Middleware;
  /** The same as a router matching every path (passes on what is not its own), for createApp's `operations`. */
  publicRouter: Router;
  /**
   * Optional, for the HTTP server's request listener ahead of Koa: answers public pages' HTML and
   * JSON straight from memory (true) or leaves the request alone (false).
   */
  fastPath: FastPath;
  hub: StatusPageHub;
  store: SnapshotStore;
  /** Maintenance windows: `isInMaintenance(monitorId, at)`, and `started`/`ended` events. */
  maintenance: MaintenanceSchedule;
  /** `incident` and `maintenance` events for dashboards and alerting. */
  events: EventBus<IncidentEventMap & ScheduleEventMap>;
  autoIncidents: AutoIncidents;
  /** Custom domain proofs: Verify, and the daily re-check. */
  domains: DomainVerifier;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createStatusPages(deps: StatusPagesDeps): StatusPages {
  const log = deps.log.child({ component: 'statuspages' });
  const clock = deps.clock ?? systemClock;
  const em = () => deps.orm.em.fork();
  const events = deps.events ?? new Bus<IncidentEventMap & ScheduleEventMap>(log);
  const { maintenanceReloadMs, ...storeTuning } = deps.tuning ?? {};
  const maintenance = new MaintenanceSchedule({ em, clock, log, reloadEveryMs: maintenanceReloadMs, events });
  const store = new SnapshotStore({ em, clock, log, secret: deps.config.SESSION_SECRET, maintenance, ...storeTuning });
  const refresh = (ids: string[]) => store.refreshPages(ids);
  const domains = new DomainVerifier({ em, lookup: serverNameResolver(deps.config).resolveTxt, clock: deps.domains?.clock ?? clock, log, refresh });
  const autoIncidents = new AutoIncidents({ em, clock, log, maintenance, events, refresh, watched: (m) => store.autoIncidentsWatch(m) });

  const forward = (w: { id: string; orgId: string; title: string; startsAt: number; endsAt: number; monitorIds: ReadonlySet<string>; pageIds: string[] }, event: 'maintenance.started' | 'maintenance.ended') => {
    store.maintenanceBoundary([...w.monitorIds], w.pageIds);
    events.emit('maintenance', {
      orgId: w.orgId,
      event,
      maintenance: { id: w.id, title: w.title, startsAt: new Date(w.startsAt).toISOString(), endsAt: new Date(w.endsAt).toISOString(), monitorIds: [...w.monitorIds] },
    });
  };
  maintenance.on('started', (w) => forward(w, 'maintenance.started'));
  maintenance.on('ended', (w) => forward(w, 'maintenance.ended'));

  const publicMiddleware = publicStatusPages({ store, publicUrl: deps.config.PUBLIC_URL, now: () => clock.now(), secret: deps.config.SESSION_SECRET, attempts: new PasswordAttempts(em), scriptUrl: deps.scriptUrl, subscriptions: deps.subscriptions });
  const publicRouter = new Router();
  publicRouter.all(/^\//, publicMiddleware);

  let unsubscribe: (() => void) | undefined;
  const routes = [
    ...statusPageRoutes({ em, refresh, publicUrl: deps.config.PUBLIC_URL, domains }),
    ...incidentRoutes({ em, refresh, clock, events }),
    ...maintenanceRoutes({ em, refresh, clock, events, schedule: maintenance }),
  ];
  return {
    routes,
    routers: [mount(routes, routeGuard(deps.requireOrg))],
    publicRoutes: [publicPageRoute],
    publicMiddleware,
    publicRouter,
    fastPath: createFastPath({ store, hsts: deps.config.secure, proxy: deps.config.TRUST_PROXY, scriptUrl: deps.scriptUrl, subscriptions: deps.subscriptions }),
    hub: store,
    store,
    maintenance,
    events,
    autoIncidents,
    domains,
    async start() {
      await maintenance.start();
      await store.start();
      await autoIncidents.start();
      domains.start();
      unsubscribe = deps.onMonitorStatus?.((e) => {
        store.monitorStatus(e);
        void autoIncidents.handle(e);
      });
    },
    async stop() {
      unsubscribe?.();
      await domains.stop();
      await autoIncidents.idle();
      maintenance.stop();
      store.stop();
    },
  };
}
