/**
 * A form's request refused: the server's messages by field, or one for the whole form. A message
 * stays while its field holds the value the server judged, and goes once people change it.
 */
import { ApiError, messageOf } from './api';

/** What went wrong with a form's request: messages by field path, or one for the whole form. */
export interface FormErrors {
  fields: Record<string, string>;
  problem: string;
}

export function formErrors(err: unknown): FormErrors {
  if (err instanceof ApiError) {
    const fields = err.fieldErrors();
    return Object.keys(fields).length ? { fields, problem: '' } : { fields: {}, problem: err.message };
  }
  return { fields: {}, problem: messageOf(err) };
}

/**
 * Renames indexed paths of a body's id lists to the ids themselves, so a message reaches the row
 * it is about: `statusPageIds.1` → `page:<id>`, `components.0.status` → `component:<id>`.
 */
export function errorsByTarget(
  fields: Record<string, string>,
  lists: Record<string, { prefix: string; ids: readonly string[] }>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields)) {
    const m = /^([A-Za-z]+)\.(\d+)(?:\.|$)/.exec(path);
    const list = m ? lists[m[1]!] : undefined;
    const id = list && m ? list.ids[Number(m[2])] : undefined;
    out[list && id ? `${list.prefix}:${id}` : path] ??= message;
  }
  return out;
}

/** The value at a dotted path (`config.auth.token`, `tags.0`) of what a form sends; null where there is none. */
export function valueAtPath(body: unknown, path: string): unknown {
  let node = body;
  for (const part of path.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return node ?? null;
}

/** Server messages, each with the value it judged (as JSON): a message goes once its field changes. */
export type Judged = Record<string, { message: string; value: string }>;

export function judge(fields: Record<string, string>, valueOf: (path: string) => unknown): Judged {
  return Object.fromEntries(Object.entries(fields).map(([path, message]) => [path, { message, value: JSON.stringify(valueOf(path)) ?? '' }]));
}

/** The messages whose field still holds the value the server judged. */
export function standing(judged: Judged, valueOf: (path: string) => unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, j] of Object.entries(judged)) if ((JSON.stringify(valueOf(path)) ?? '') === j.value) out[path] = j.message;
  return out;
}

/** `local` (the form's own checks) with the server's messages that still stand, where it has none. */
export function withStanding(local: Record<string, string>, judged: Judged, valueOf: (path: string) => unknown): Record<string, string> {
  for (const [path, message] of Object.entries(standing(judged, valueOf))) local[path] ??= message;
  return local;
}
