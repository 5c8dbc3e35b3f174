import type Koa from 'koa';
import { anyUser, isLocalRequest } from './auth/setup.js';
import type { Config } from './config.js';
import type { Orm } from './db/orm.js';
import { defineRoute, type Route } from './http/routes.js';
import { InstanceJson } from '../contracts/instance.js';

const route = defineRoute();

/** What a client needs before anyone signs in: is this a fresh install, who may sign up, where it is reached. */
export function instanceRoute(orm: Orm, config: Config): Route {
  return route({
    method: 'get',
    path: '/instance',
    summary: 'Whether this is a fresh install, and who may sign up',
    tag: 'Instance',
    auth: 'none',
    responses: { 200: InstanceJson },
    handler: async (ctx) => {
      const needsSetup = !(await anyUser(orm.em.fork()));
      return {
        needsSetup,
        // The first account is asked for the set-up code PingPage printed at start, unless made from this machine.
        setupCodeRequired: needsSetup && !isLocalRequest(ctx as unknown as Koa.Context),
        signup: config.PINGPAGE_SIGNUP,
        // Where people and programs reach this server: the API's base URL is this + /api/v1.
        publicUrl: config.PUBLIC_URL,
        version: '0.1.0',
      };
    },
  });
}
