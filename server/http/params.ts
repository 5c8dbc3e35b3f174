/** Route parameters, parsed the same way by every route. */
import { z } from 'zod';
import { notFound } from '../errors.js';

/** The UUID in `ctx.params[key]`; anything else is a 404 for `what` (a malformed id names nothing). */
export function uuidParam(ctx: { params: Record<string, string | undefined> }, key: string, what: string): string {
  const v = z.uuid().safeParse(ctx.params[key]);
  if (!v.success) throw notFound(what);
  return v.data;
}
