/**
 * TEMPORARY: the operations of routers not yet declared as routes (http/routes.ts), as the old hand
 * list had them (no response schemas). Whoever declares a domain's routes deletes its rows here;
 * when the last row goes, this file goes too (server/openapi.ts says where it is read).
 * openapi.test.ts fails when a row describes a route that is declared, or a hand-built router has
 * a route without a row.
 */
import { z } from 'zod';
import { monitorAlertSettings } from './alerting/index.js';
import { logQuery } from './alerting/routes.js';
import { createChannelBody, patchChannelBody } from './alerting/channels/schema.js';
import { alertPolicySchema } from './alerting/policies/schema.js';
import { subscribeBody } from './alerting/subscribers/service.js';
import { dailyQuery, heartbeatsQuery, monitorBodies, uptimeQuery } from './monitors/schema.js';
import { slugSchema } from './statuspages/schemas.js';
import type { Auth, ErrorStatus, Method, Operation, SuccessStatus, Tag } from './http/routes.js';

interface LegacyRow {
  method: Method;
  path: string;
  summary: string;
  tag: Tag;
  auth: Auth;
  body?: z.ZodType;
  query?: z.ZodType;
  status: SuccessStatus;
}

const org = '/orgs/{org}';
const monitor = `${org}/monitors/{id}`;
// As the monitor service builds them from what main.ts hands monitoring: `alerts` by alerting's schema.
const monitorBody = monitorBodies(monitorAlertSettings.schema);

const ROWS: readonly LegacyRow[] = [
  { method: 'get', path: `${org}/monitors`, summary: 'Monitors', tag: 'Monitors', auth: 'monitors:read', status: 200 },
  { method: 'post', path: `${org}/monitors`, summary: "Create a monitor (config is checked against the probe's schema)", tag: 'Monitors', auth: 'monitors:write', body: monitorBody.create, status: 201 },
  { method: 'get', path: monitor, summary: 'A monitor', tag: 'Monitors', auth: 'monitors:read', status: 200 },
  { method: 'patch', path: monitor, summary: 'Change a monitor', tag: 'Monitors', auth: 'monitors:write', body: monitorBody.patch, status: 200 },
  { method: 'delete', path: monitor, summary: 'Delete a monitor and its history', tag: 'Monitors', auth: 'monitors:write', status: 204 },
  { method: 'post', path: `${monitor}/pause`, summary: 'Pause checks', tag: 'Monitors', auth: 'monitors:write', status: 200 },
  { method: 'post', path: `${monitor}/resume`, summary: 'Resume checks', tag: 'Monitors', auth: 'monitors:write', status: 200 },
  { method: 'post', path: `${monitor}/check`, summary: 'Run a check now; answers the probe result', tag: 'Monitors', auth: 'monitors:write', status: 200 },
  { method: 'get', path: `${monitor}/heartbeats`, summary: 'Check results, newest first', tag: 'Monitors', auth: 'monitors:read', query: heartbeatsQuery, status: 200 },
  { method: 'get', path: `${monitor}/uptime`, summary: 'Uptime (percent) over windows such as 24h, 7d, 30d, 90d', tag: 'Monitors', auth: 'monitors:read', query: uptimeQuery, status: 200 },
  { method: 'get', path: `${monitor}/daily`, summary: 'Uptime, checks and mean latency per day', tag: 'Monitors', auth: 'monitors:read', query: dailyQuery, status: 200 },
  { method: 'get', path: `${org}/dashboard`, summary: "Every monitor with its last checks and 24 h uptime, as the dashboard socket's snapshot (with its mark for subscribe's resume)", tag: 'Monitors', auth: 'monitors:read', status: 200 },

  { method: 'get', path: '/notifiers', summary: 'Notifier types with their config as JSON Schema', tag: 'Alerting', auth: 'session-or-key', status: 200 },
  { method: 'get', path: `${org}/notification-channels`, summary: 'Notification channels (secrets masked)', tag: 'Alerting', auth: 'monitors:read', status: 200 },
  { method: 'post', path: `${org}/notification-channels`, summary: "Create a channel (config is checked against the notifier's schema)", tag: 'Alerting', auth: 'channels:manage', body: createChannelBody, status: 201 },
  { method: 'get', path: `${org}/notification-channels/{id}`, summary: 'A notification channel (secrets masked)', tag: 'Alerting', auth: 'monitors:read', status: 200 },
  { method: 'patch', path: `${org}/notification-channels/{id}`, summary: 'Change a channel; masked or missing secrets keep their value', tag: 'Alerting', auth: 'channels:manage', body: patchChannelBody, status: 200 },
  { method: 'delete', path: `${org}/notification-channels/{id}`, summary: 'Delete a channel', tag: 'Alerting', auth: 'channels:manage', status: 204 },
  { method: 'post', path: `${org}/notification-channels/{id}/test`, summary: 'Send a test message; answers the delivery result', tag: 'Alerting', auth: 'channels:manage', status: 200 },
  { method: 'get', path: `${monitor}/alert-policy`, summary: "A monitor's alert policy (or the org defaults it follows)", tag: 'Alerting', auth: 'monitors:read', status: 200 },
  { method: 'put', path: `${monitor}/alert-policy`, summary: "Set a monitor's own alert policy", tag: 'Alerting', auth: 'monitors:write', body: alertPolicySchema, status: 200 },
  { method: 'delete', path: `${monitor}/alert-policy`, summary: "Drop a monitor's own policy (it follows the org defaults again)", tag: 'Alerting', auth: 'monitors:write', status: 200 },
  { method: 'get', path: `${org}/alert-defaults`, summary: "The org's default alert policy", tag: 'Alerting', auth: 'monitors:read', status: 200 },
  { method: 'put', path: `${org}/alert-defaults`, summary: "Set the org's default alert policy", tag: 'Alerting', auth: 'channels:manage', body: alertPolicySchema, status: 200 },
  { method: 'get', path: `${monitor}/alerts`, summary: "The monitor's alert deliveries, newest first", tag: 'Alerting', auth: 'monitors:read', query: logQuery, status: 200 },



  { method: 'get', path: '/public/status-pages/{slug}', summary: 'A public status page as JSON', tag: 'Public', auth: 'none', status: 200 },
  { method: 'post', path: '/public/status-pages/{slug}/subscribers', summary: 'Subscribe by email or webhook; a confirmation is sent', tag: 'Public', auth: 'none', body: subscribeBody, status: 202 },
];

const PATH_PARAMS: Record<string, { schema: z.ZodType; description: string }> = {
  org: { schema: z.uuid(), description: 'Organization id' },
  id: { schema: z.uuid(), description: 'Id of the resource named before it in the path' },
  slug: { schema: slugSchema, description: "The status page's slug" },
};

/** The rows as operations: answers undocumented (any JSON), errors as the old list derived them. */
export function legacyOperations(): Operation[] {
  return ROWS.map((row) => {
    const params = [...row.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => {
      const p = PATH_PARAMS[name!];
      if (!p) throw new Error(`${row.method.toUpperCase()} ${row.path}: no schema for the path parameter {${name}}`);
      return { name: name!, ...p };
    });
    const errors: ErrorStatus[] = [];
    if (row.body || row.query) errors.push(400);
    if (row.auth !== 'none') errors.push(401, 403);
    if (params.length) errors.push(404);
    if (row.body) errors.push(413);
    return {
      method: row.method,
      path: row.path,
      summary: row.summary,
      tag: row.tag,
      auth: row.auth,
      params,
      ...(row.query ? { query: row.query } : {}),
      ...(row.body ? { body: row.body } : {}),
      bodyRequired: row.body !== undefined,
      status: row.status,
      answer: row.status === 204 ? null : z.unknown(),
      errors,
    };
  });
}
