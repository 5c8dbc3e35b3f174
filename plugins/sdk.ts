/**
 * The probe plugin SDK: everything a check type needs, and nothing from server/.
 * A plugin is `defineProbe({...})` exported as default from a module; the server validates its
 * shape, gives it a context and an AbortSignal per run, and turns whatever it does into a result.
 */
import net from 'node:net';
import type { z } from 'zod';
import { systemNameResolver } from './resolver.js';
import { ByteBudget, type MemoryBudget } from './sdk/memory.js';
import type { Phase, Timings } from '../contracts/monitors.js';

export { createNameResolver, systemNameResolver, type NameResolver, type NameResolverOptions, type ResolvedAddress } from './resolver.js';

/** The SDK contract version a plugin is written for. The server refuses versions it does not know. */
export const PROBE_API_VERSION = 1 as const;

/** A check's phases and their times, as the API answers them too (contracts/monitors.ts). */
export type { Phase, Timings };

export interface ProbeProblem {
  /** SNAKE_CASE, stable across versions: alerting and dashboards key on it (e.g. CERT_EXPIRED). */
  code: string;
  /** One sentence for people. */
  message: string;
}

export interface ProbeResult<M = Record<string, unknown>> {
  /** The target answered as configured. */
  ok: boolean;
  /** Why ok is false. Failure is data, never a throw. */
  error?: ProbeProblem;
  /** Set with ok: the check passed but something needs attention soon (the monitor shows degraded). */
  warning?: ProbeProblem;
  timings: Timings;
  /** Typed facts of the check (status code, answers, certificate expiry…); JSON-serialisable. */
  metadata: M;
}

export interface ResolvedTarget {
  /** The IP address to connect to: already checked against the operator's target policy. */
  address: string;
  family: 4 | 6;
}

export interface ProbeContext {
  /**
   * Resolves `host` (a name or an IP literal) and checks the address against the operator's
   * outbound policy (private targets, cloud metadata). Connect to the returned address, never
   * to `host` again, so the address checked is the address used. Rejects with a ProbeFailure
   * (code TARGET_FORBIDDEN or DNS_FAILED).
   */
  resolve(host: string, signal: AbortSignal): Promise<ResolvedTarget>;
  /** User-Agent for protocols that send one. */
  userAgent: string;
  /** The server-wide budget for bytes a check holds (e.g. a response body kept whole): reserve before buffering. */
  memory: MemoryBudget;
}

export interface ProbePlugin<C extends z.ZodType = z.ZodType, M = Record<string, unknown>> {
  /** Stable key stored with monitors, e.g. 'http'. Lowercase letters, digits and dashes. */
  id: string;
  /** Semver of the plugin itself. */
  version: string;
  /** The SDK contract it was written for (PROBE_API_VERSION). */
  apiVersion: typeof PROBE_API_VERSION;
  title: string;
  description: string;
  /** Validates API input, gives the config type, renders the dashboard form (as JSON Schema). */
  configSchema: C;
  /**
   * Optional: how the dashboard labels each metadata key of a result (`statusCode` → "Status
   * code", `fingerprint256` → "SHA-256 fingerprint"); a key without one shows humanised.
   */
  metadataLabels?: Partial<Record<Extract<keyof M, string>, string>>;
  /**
   * Optional: the key per-target concurrency limits group runs by (e.g. 'example.com:443').
   * Defaults to the config's `host` or `url` host.
   */
  targetKey?(config: z.infer<C>): string;
  /**
   * Optional: the URLs or `host[:port]` the config connects to. A secret is kept across an edit
   * only while these stay the same (it never follows a new host), and a cloud metadata address
   * among them is refused when the monitor is saved. Defaults to the config's `url`, else its
   * `host` (with `port`).
   */
  targets?(config: z.infer<C>): string[];
  /**
   * Optional: adapts a config stored under an older version of the plugin before configSchema
   * parses it at run time, e.g. clamps a limit that has since been lowered. New input never
   * passes through it: the API judges it by configSchema alone.
   */
  upgradeConfig?(stored: Record<string, unknown>): Record<string, unknown>;
  run(ctx: ProbeContext, config: z.infer<C>, signal: AbortSignal): Promise<ProbeResult<M>>;
}

/** Identity function that gives a plugin its types. */
export function defineProbe<C extends z.ZodType, M = Record<string, unknown>>(
  plugin: ProbePlugin<C, M>,
): ProbePlugin<C, M> {
  return plugin;
}

/**
 * Marks a config field secret (JSON Schema `writeOnly`): answers, dashboards and the audit log
 * show "********", forms show a password input, and an edit that sends the mask back keeps the
 * stored value. On a record (`z.record(z.string(), secret(z.string()))`) every value is secret.
 * A plugin that imports nothing at run time writes `.meta({ writeOnly: true })` itself.
 */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ writeOnly: true }) as T;
}

/**
 * Marks a URL field whose user-info password is secret (`https://user:********@host/`); the
 * rest of the URL shows as typed. Same as `.meta({ 'x-secret': 'url-password' })`.
 */
export function secretUrlPassword<T extends z.ZodType>(schema: T): T {
  return schema.meta({ 'x-secret': 'url-password' }) as T;
}

/**
 * Shows a field that has a default among the form's main fields instead of under "More options"
 * (a port people usually look at, a record type). Same as `.meta({ 'x-main': true })`; give
 * a field its own label with `.meta({ title: '…' })`.
 */
export function mainField<T extends z.ZodType>(schema: T): T {
  return schema.meta({ 'x-main': true }) as T;
}

/** Thrown inside a probe to end the check with a coded failure; `fail()` turns it into a result. */
export class ProbeFailure extends Error {
  // A name, so code that cannot import this class (an external plugin) can still recognise it.
  override readonly name = 'ProbeFailure';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function fail<M>(code: string, message: string, timings: Timings = {}, metadata = {} as M): ProbeResult<M> {
  return { ok: false, error: { code, message }, timings, metadata };
}

/** Milliseconds since `start` (a performance.now() value), rounded to 0.01 ms. */
export function since(start: number): number {
  return Math.round((performance.now() - start) * 100) / 100;
}

/**
 * A resolver with no outbound policy: /etc/hosts, then the system's DNS servers through c-ares
 * (never getaddrinfo, which waits on libuv's thread pool), and IP literals as they are. The
 * server wraps a resolver like it with the operator's policy; tests use it directly.
 */
export async function systemResolve(host: string, signal: AbortSignal): Promise<ResolvedTarget> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const family = net.isIP(bare);
  if (family) return { address: bare, family: family as 4 | 6 };
  signal.throwIfAborted();
  try {
    const [first] = await systemNameResolver().lookup(bare);
    return first!;
  } catch (err) {
    throw new ProbeFailure('DNS_FAILED', `Cannot resolve ${bare}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A context for tests and tools: system resolver, no policy, a 64 MiB memory budget of its own. */
export const plainContext: ProbeContext = { resolve: systemResolve, userAgent: 'PingPage/test', memory: new ByteBudget(64 * 1024 * 1024) };

// Limits on what users and targets control: linear-time regexes, bounded excerpts of replies, memory.
export { excerpt, EXCERPT_BYTES } from './sdk/excerpt.js';
export { linearRegex, regexField, regexProblem, regexWhen, REGEX_UNSUPPORTED, type LinearRegex } from './sdk/regex.js';
export { ByteBudget, type BudgetStats, type MemoryBudget, type MemoryReservation } from './sdk/memory.js';
