import type { Middleware } from 'koa';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { issueDetails } from './errors.js';
import { plainError } from '../../contracts/messages.js';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Reads a JSON request body into `ctx.request.body` (undefined when empty). Bodies over `limit`
 * bytes are refused with 413 before or while reading; other media types with 415.
 */
export function jsonBody(limit: number): Middleware {
  return async (ctx, next) => {
    if (!METHODS_WITH_BODY.has(ctx.method)) return next();
    const declared = Number(ctx.get('content-length') || 0);
    if (declared > limit) throw tooLarge(limit);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        ctx.req.unpipe?.();
        ctx.req.resume();
        throw tooLarge(limit);
      }
      chunks.push(chunk);
    }
    if (size > 0) {
      if (!ctx.is('application/json')) {
        throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send JSON with Content-Type: application/json');
      }
      try {
        ctx.request.body = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
      } catch {
        throw new AppError(400, 'INVALID_JSON', 'The request body is not valid JSON');
      }
    }
    return next();
  };
}

function tooLarge(limit: number) {
  return new AppError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limit} bytes`);
}

/** Validates input at the boundary: the parsed value, or 400 VALIDATION_FAILED with field paths and plain words (messages.ts). */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { error: plainError });
  if (!result.success) throw new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', issueDetails(result.error));
  return result.data;
}

declare module 'koa' {
  interface Request {
    /** The parsed JSON body (jsonBody middleware); validate it with parse() before use. */
    body?: unknown;
  }
}
