/**
 * What every request shares: text fields cleaned the same way by every route, and the query
 * fields of lists that page, and the password rule. Pure zod, so the request schemas built from them live in contracts/.
 */
import { z } from 'zod';
import { PASSWORD, passwordProblem } from './messages.js';

// PostgreSQL refuses NUL in text and XML (feeds) refuses most control characters: drop them all.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** One line of text: control characters dropped, line breaks made spaces, trimmed. */
export const text = (max: number) =>
  z.string().transform((s) => s.replace(CONTROL, '').replace(/[\r\n\t]+/g, ' ').trim()).pipe(z.string().min(1).max(max));

/** Markdown or other multi-line text: control characters dropped, trimmed. */
export const longText = (max: number, min = 1) =>
  z.string().transform((s) => s.replace(CONTROL, '').trim()).pipe(z.string().min(min).max(max));

/**
 * The query fields of every list that pages, declared once: `limit` (1 to `max`, default
 * `fallback`) and, for lists paged by cursor, `before` (the id of the last entry of the previous
 * page). Used inside the list's z.strictObject: `{ limit: page.limit(500, 100), before: page.before(cursor) }`.
 */
export const page = {
  limit: (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback).describe(`How many entries at most (1 to ${max})`),
  before: <C extends z.ZodType<string>>(cursor: C) => cursor.optional().describe('Only entries older than this one: the id of the last entry of the previous page'),
};

/**
 * At least 8 characters, at most 72 bytes of UTF-8 (messages.ts says so, here and in the
 * dashboard). bcrypt reads only 72 bytes: a longer password is refused with its own code rather
 * than silently truncated.
 */
export const passwordSchema = z.string().superRefine((value, ctx) => {
  const problem = passwordProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { code: problem === PASSWORD.tooShort ? 'PASSWORD_TOO_SHORT' : 'PASSWORD_TOO_LONG' } });
});
