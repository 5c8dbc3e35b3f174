import { z } from 'zod';

/** A JSON Schema (draft 2020-12) object, as zod writes it. */
export type JsonSchema = Record<string, unknown>;

/**
 * What `schema` accepts as input, as JSON Schema: fields with defaults are optional, transforms
 * show their input side. Used for plugin configs (GET /probes, GET /notifiers) and the OpenAPI
 * document. `unrepresentable: 'throw'` (the default) refuses schemas with parts JSON Schema
 * cannot express; 'any' describes those parts as `{}`.
 */
export function inputJsonSchema(schema: z.ZodType, opts: { unrepresentable?: 'throw' | 'any' } = {}): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: opts.unrepresentable ?? 'throw' }) as JsonSchema;
}
