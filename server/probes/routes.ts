import { defineRoute, type Route } from '../http/routes.js';
import { ProbeInfo } from '../../contracts/plugins.js';
import { z } from 'zod';
import type { ProbeRegistry } from './registry.js';

const route = defineRoute();

/** GET /probes: every probe with its config as JSON Schema, so clients (signed in, or holding a key) can render forms. */
export function probeRoutes(registry: ProbeRegistry): Route[] {
  return [
    route({
      method: 'get',
      path: '/probes',
      summary: 'Probe types with their config as JSON Schema',
      tag: 'Monitors',
      auth: 'session-or-key',
      responses: { 200: z.array(ProbeInfo) },
      handler: () => [...registry.list()],
    }),
  ];
}
