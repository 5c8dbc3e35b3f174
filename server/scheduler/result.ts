/**
 * What a probe may return, checked before anything downstream trusts it. A backstop for plugins
 * that copy a target's bytes carelessly: messages are printable and at most 1,000 bytes, and
 * control characters in metadata strings become visible escapes (see the SDK's excerpt()).
 */
import { z } from 'zod';
import { excerpt, type ProbeResult } from '../../plugins/sdk.js';
import { hasUnprintable } from '../../plugins/sdk/excerpt.js';

/** Longest error or warning message kept (UTF-8 bytes). */
export const MESSAGE_MAX_BYTES = 1_000;
/** Larger metadata is dropped: heartbeats stay narrow however chatty a plugin is (bytes of JSON). */
export const METADATA_MAX_BYTES = 16_384;

const problem = z.object({
  code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be SNAKE_CASE'),
  message: z.string().transform((m) => excerpt(m, MESSAGE_MAX_BYTES)),
});

const ms = z.number().finite().nonnegative();

export const probeResultSchema = z
  .object({
    ok: z.boolean(),
    error: problem.optional(),
    warning: problem.optional(),
    timings: z.object({ resolve: ms, connect: ms, tls: ms, firstByte: ms, total: ms }).partial(),
    metadata: z.record(z.string(), z.unknown()),
  })
  .refine((r) => r.ok || r.error, { message: 'a failed result needs an error', path: ['error'] });

export type ValidResult = z.output<typeof probeResultSchema>;

const PHASES = new Set(['resolve', 'connect', 'tls', 'firstByte', 'total']);
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

function plainProblem(p: unknown): boolean {
  if (p === undefined) return true;
  const q = p as { code?: unknown; message?: unknown } | null;
  if (typeof q !== 'object' || q === null || typeof q.code !== 'string' || !CODE.test(q.code) || typeof q.message !== 'string') return false;
  return Buffer.byteLength(q.message) <= MESSAGE_MAX_BYTES && !hasUnprintable(q.message);
}

/** `value` with every string made printable; the very same value when nothing needed it. */
function printable(value: unknown): unknown {
  if (typeof value === 'string') return hasUnprintable(value) ? excerpt(value, Number.MAX_SAFE_INTEGER) : value;
  if (typeof value !== 'object' || value === null) return value;
  let copy: Record<string, unknown> | unknown[] | undefined;
  for (const [key, item] of Object.entries(value)) {
    const clean = printable(item);
    if (clean !== item) (copy ??= Array.isArray(value) ? [...value] : { ...value })[key as never] = clean as never;
  }
  return copy ?? value;
}

/**
 * The common case, checked without allocating: a result that needs nothing from the schema
 * (no stripping, no truncation). Anything else goes through probeResultSchema, which also
 * words the problem.
 */
function wellFormed(v: unknown): v is ProbeResult {
  const r = v as Partial<ProbeResult> | null;
  if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean') return false;
  if (!plainProblem(r.error) || !plainProblem(r.warning) || (!r.ok && !r.error)) return false;
  if (typeof r.metadata !== 'object' || r.metadata === null || Array.isArray(r.metadata)) return false;
  if (typeof r.timings !== 'object' || r.timings === null) return false;
  for (const key in r.timings) {
    const ms = (r.timings as Record<string, unknown>)[key];
    if (!PHASES.has(key) || typeof ms !== 'number' || !(ms >= 0) || ms === Infinity) return false;
  }
  return true;
}

/** The result, or why it is malformed. Metadata that cannot be JSON or is too large is replaced. */
export function checkResult(value: unknown): { result: ProbeResult } | { problem: string } {
  let result: ProbeResult;
  if (wellFormed(value)) result = value;
  else {
    const parsed = probeResultSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { problem: `${issue.path.join('.') || 'result'}: ${issue.message}` };
    }
    result = parsed.data as ProbeResult;
  }
  let json: string;
  try {
    json = JSON.stringify(result.metadata);
  } catch (err) {
    return { problem: `metadata is not JSON-serialisable (${(err as Error).message})` };
  }
  if (json.length <= METADATA_MAX_BYTES) {
    const clean = printable(result.metadata) as Record<string, unknown>;
    if (clean !== result.metadata) json = JSON.stringify((result.metadata = clean));
  }
  if (json.length > METADATA_MAX_BYTES) result.metadata = { dropped: `metadata larger than ${METADATA_MAX_BYTES} bytes` };
  return { result };
}
