/**
 * What every answer of the API shares: ids, times, and the one error shape. Response schemas are
 * zod schemas so the server's OpenAPI document and the client's types come from the same place.
 */
import { z } from 'zod';
import { API_ERROR_CODES } from './errors.js';

/** Ids are UUIDs. */
export const Id = z.uuid();

/** Times are ISO 8601 UTC strings, e.g. 2026-12-07T20:58:00.000Z. */
export const Time = z.iso.datetime();

/** Why a check failed or needs attention, and the like: a stable SNAKE_CASE code and a sentence. */
export const Problem = z
  .object({
    code: z.string().describe('SNAKE_CASE, stable: clients key on it (e.g. CERT_EXPIRED)'),
    message: z.string().describe('For people'),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;

/** One problem of a request that failed validation (the `details` of VALIDATION_FAILED). */
export const ValidationIssue = z
  .object({
    path: z.string().describe('Dotted path of the field, e.g. components.0.name; empty for the whole input'),
    code: z.string().describe("zod's issue code, or our own such as PASSWORD_TOO_SHORT"),
    message: z.string(),
    keys: z.array(z.string()).optional().describe('The unknown keys, for unrecognized_keys'),
  })
  .meta({ id: 'ValidationIssue' });
export type ValidationIssue = z.infer<typeof ValidationIssue>;

/** Every error answer: `{ "error": { "code", "message", "details" } }`. */
export const ErrorJson = z
  .object({
    error: z.object({
      code: z.enum(API_ERROR_CODES).describe('Stable: clients key on it (contracts/errors.ts lists each with its status)'),
      message: z.string().describe('For people; may change'),
      details: z.unknown().optional().describe('More about the error; for VALIDATION_FAILED, the list of ValidationIssue'),
    }),
  })
  .meta({ id: 'Error', description: 'Every error answer.' });
export type ErrorJson = z.infer<typeof ErrorJson>;
