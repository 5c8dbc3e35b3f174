/**
 * TEMPORARY: the operations of routers not yet declared as routes (http/routes.ts), as the old hand
 * list had them (no response schemas). Whoever declares a domain's routes deletes its rows here;
 * when the last row goes, this file goes too (server/openapi.ts says where it is read).
 * openapi.test.ts fails when a row describes a route that is declared, or a hand-built router has
 * a route without a row.
 */
import { z } from 'zod';
import { subscribeBody } from './alerting/subscribers/service.js';
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

const ROWS: readonly LegacyRow[] = [
  { method: 'get', path: '/public/status-pages/{slug}', summary: 'A public status page as JSON', tag: 'Public', auth: 'none', status: 200 },
  { method: 'post', path: '/public/status-pages/{slug}/subscribers', summary: 'Subscribe by email or webhook; a confirmation is sent', tag: 'Public', auth: 'none', body: subscribeBody, status: 202 },
];

const PATH_PARAMS: Record<string, { schema: z.ZodType; description: string }> = {
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
