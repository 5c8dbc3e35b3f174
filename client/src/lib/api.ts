/** The REST client: JSON in and out, errors as ApiError carrying the API's code and field details. */
import type { ApiErrorCode } from '../../../contracts/errors.js';
import type { ValidationIssue } from '../../../contracts/wire.js';

/** The API's codes, and the client's own: the server could not be reached, or answered without one. */
export type ClientErrorCode = ApiErrorCode | 'NETWORK' | `HTTP_${number}`;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  /** Validation messages keyed by dotted field path, for showing next to the right input. */
  fieldErrors(): Record<string, string> {
    if (!Array.isArray(this.details)) return {};
    const out: Record<string, string> = {};
    // The first message for a path is the one worth reading; later ones repeat or follow from it.
    for (const d of this.details as ValidationIssue[]) out[d.path] ??= d.message;
    return out;
  }
}

let onUnauthorized: (() => void) | undefined;

/** Called when a request answers 401 (session expired or revoked), except on the auth routes themselves. */
export function handleUnauthorized(fn: () => void) {
  onUnauthorized = fn;
}

export type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'PingPage is not reachable. Check your connection.');
  }
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = data?.error ?? {};
    if (res.status === 401 && !path.startsWith('/auth/login') && !path.startsWith('/auth/password')) onUnauthorized?.();
    throw new ApiError(res.status, e.code ?? 'HTTP_' + res.status, e.message ?? res.statusText, e.details);
  }
  return data as T;
}

/** A GET whose answer does not change while the server runs: asked once per page load, and again after a failure. */
export function getOnce<T>(path: string): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () =>
    (cached ??= api<T>('GET', path).catch((err) => {
      cached = undefined;
      throw err;
    }));
}

/** A message for people from anything a request may throw. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
