import type { Middleware } from 'koa';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ErrorJson } from '../../contracts/wire.js';


/** Zod issues as `{path, code, message}` with dotted paths, the `details` of VALIDATION_FAILED. */
export function issueDetails(error: z.ZodError) {
  return error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    // A refinement may name its own code (e.g. PASSWORD_TOO_LONG) for clients to key on.
    code: i.code === 'custom' && typeof i.params?.code === 'string' ? i.params.code : i.code,
    message: i.message,
    ...(i.code === 'unrecognized_keys' ? { keys: i.keys } : {}),
  }));
}

/**
 * What of an unexpected error goes into the log. Database errors carry the statement with its
 * values filled in (hashes, emails): keep PostgreSQL's own message and code, drop the values.
 */
export function loggable(err: unknown): Record<string, unknown> {
  const e = err as Error & { code?: string; routine?: string; severity?: string };
  if (e && typeof e === 'object' && 'routine' in e && typeof e.message === 'string') {
    return { type: e.constructor?.name, code: e.code, routine: e.routine, message: e.message.split(' - ').pop(), stack: e.stack?.split('\n').slice(-6).join('\n') };
  }
  return { type: e?.constructor?.name, message: e?.message, stack: e?.stack };
}

/** Maps anything thrown below to the API's one error shape; unknown faults are logged, never shown. */
export function errorMiddleware(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError(404, 'NOT_FOUND', `No route for ${ctx.method} ${ctx.path}`);
      }
      if (ctx.status === 405 && !ctx.body) {
        throw new AppError(405, 'METHOD_NOT_ALLOWED', `${ctx.method} is not allowed here`, undefined, { Allow: ctx.response.get('Allow') });
      }
    } catch (err) {
      let e: AppError;
      if (err instanceof AppError) e = err;
      else if (err instanceof z.ZodError) e = new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', issueDetails(err));
      else {
        const status = (err as { status?: number }).status;
        if (status && status >= 400 && status < 500 && (err as { expose?: boolean }).expose) {
          e = new AppError(status, 'BAD_REQUEST', (err as Error).message);
        } else {
          log.error({ err: loggable(err), method: ctx.method, path: ctx.path }, 'request failed');
          e = new AppError(500, 'INTERNAL_ERROR', 'Something went wrong on our side');
        }
      }
      ctx.status = e.status;
      if (e.headers) ctx.set(e.headers);
      const body: ErrorJson = { error: { code: e.code, message: e.message } };
      if (e.details !== undefined) body.error.details = e.details;
      ctx.body = body;
    }
  };
}
