import Router from '@koa/router';
import { anyUser, isLocalRequest } from './auth/setup.js';
import type { Config } from './config.js';
import type { Orm } from './db/orm.js';
import type { InstanceJson } from '../contracts/instance.js';

/** What a client needs before anyone signs in: is this a fresh install, who may sign up, where it is reached. */
export function instanceRoutes(orm: Orm, config: Config): Router {
  const router = new Router();
  router.get('/instance', async (ctx) => {
    const needsSetup = !(await anyUser(orm.em.fork()));
    const body: InstanceJson = {
      needsSetup,
      // The first account is asked for the set-up code PingPage printed at start, unless made from this machine.
      setupCodeRequired: needsSetup && !isLocalRequest(ctx),
      signup: config.PINGPAGE_SIGNUP,
      // Where people and programs reach this server: the API's base URL is this + /api/v1.
      publicUrl: config.PUBLIC_URL,
      version: '0.1.0',
    };
    ctx.body = body;
  });
  return router;
}
