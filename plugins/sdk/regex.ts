/**
 * Regular expressions a user gives (a keyword, an expected banner, an assertion) run on RE2:
 * linear time in the input whatever the pattern, so `(x+x+)+y` cannot stall every tenant's checks
 * and the API the way a backtracking engine does. RE2 has no back-references and no look-around;
 * such patterns are refused where the config is validated (400 at the API), never at check time.
 *
 * Flags: none are added. Matching is case-sensitive like a plain JavaScript RegExp; a pattern asks
 * for more itself with RE2's inline flags: (?i) case-insensitive, (?s) dot matches newline,
 * (?m) ^ and $ at line breaks. Input is matched as UTF-8 (strings and Buffers alike).
 */
import RE2 from 're2';
import { z } from 'zod';
import { ProbeFailure } from '../sdk.js';

/** The `details[].code` of a config field holding a pattern RE2 cannot run. */
export const REGEX_UNSUPPORTED = 'REGEX_UNSUPPORTED';
/** Longest pattern accepted (characters). */
export const REGEX_MAX_LENGTH = 1024;

/** A compiled pattern: `test()` takes a string or the bytes as read (a Buffer), in linear time. */
export type LinearRegex = Pick<RE2, 'test' | 'exec' | 'source'>;

// Compiled patterns by source: a monitor runs the same one every interval.
const compiled = new Map<string, RE2>();
const CACHE_SIZE = 500;

function compile(pattern: string): RE2 {
  let regex = compiled.get(pattern);
  if (regex) return regex;
  regex = new RE2(pattern);
  if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
  compiled.set(pattern, regex);
  return regex;
}

/** Why RE2 cannot run `pattern` (one sentence), or undefined when it can. */
export function regexProblem(pattern: string): string | undefined {
  if (pattern.length > REGEX_MAX_LENGTH) return `Patterns are limited to ${REGEX_MAX_LENGTH} characters`;
  try {
    compile(pattern);
    return undefined;
  } catch (err) {
    const reason = (err as Error).message.slice(0, 200);
    return `Not a regular expression PingPage can run (${reason}); RE2 syntax, without back-references or look-around`;
  }
}

/**
 * `pattern` compiled for matching. A pattern that slipped past validation (a config stored before
 * it was checked) throws ProbeFailure CONFIG_INVALID, which a probe turns into a failed result.
 */
export function linearRegex(pattern: string): LinearRegex {
  const problem = regexProblem(pattern);
  if (problem) throw new ProbeFailure('CONFIG_INVALID', problem);
  return compile(pattern);
}

/** The issue a config schema raises for a pattern RE2 refuses (details code REGEX_UNSUPPORTED). */
function regexIssue(pattern: string): { message: string; params: { code: string } } | undefined {
  const problem = regexProblem(pattern);
  return problem ? { message: problem, params: { code: REGEX_UNSUPPORTED } } : undefined;
}

/** A config field that is always a regular expression, validated as RE2 at the API boundary. */
export function regexField() {
  return z
    .string()
    .min(1)
    .max(REGEX_MAX_LENGTH)
    .superRefine((pattern, ctx) => {
      const issue = regexIssue(pattern);
      if (issue) ctx.addIssue({ code: 'custom', input: pattern, ...issue });
    });
}

/**
 * For a text field that a boolean turns into a pattern (`keyword` + `keywordRegex`): add it to
 * the object schema with `.superRefine(regexWhen('keywordRegex', 'keyword'))`.
 */
export function regexWhen<K extends string, F extends string>(flag: K, field: F) {
  return (value: Partial<Record<K, unknown> & Record<F, unknown>>, ctx: z.RefinementCtx) => {
    const pattern = value[field];
    if (value[flag] !== true || typeof pattern !== 'string') return;
    const issue = regexIssue(pattern);
    if (issue) ctx.addIssue({ code: 'custom', input: pattern, path: [field], ...issue });
  };
}
