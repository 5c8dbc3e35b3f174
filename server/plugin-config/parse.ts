/**
 * A plugin's config judged by the plugin's own schema once its secrets are settled (secrets.ts):
 * the same answers for monitors and notification channels, field paths under `config.`.
 */
import type { z } from 'zod';
import { AppError } from '../errors.js';
import { issueDetails } from '../http/errors.js';
import { plainError } from '../../contracts/messages.js';
import type { SecretEdit } from './secrets.js';

const under = (path: string) => (path ? `config.${path}` : 'config');

/** 400 SECRET_REQUIRED naming each secret that has to be typed again. */
function secretRequired(paths: string[]): AppError {
  return new AppError(
    400,
    'SECRET_REQUIRED',
    'Enter the secret again: a stored secret is only kept while the config still sends to the same place',
    paths.map((p) => ({ path: under(p), code: 'secret_required', message: 'Enter this secret again (the stored one is not sent to a new address)' })),
  );
}

/** The parsed config, or 400: SECRET_REQUIRED for secrets that could not be kept, else VALIDATION_FAILED. */
export function judgeConfig(schema: z.ZodType, edit: SecretEdit): unknown {
  if (edit.refused.length) throw secretRequired(edit.refused);
  const parsed = schema.safeParse(edit.config, { error: plainError });
  if (parsed.success) return parsed.data;
  const details = issueDetails(parsed.error as z.ZodError);
  // A secret dropped with its old destination that the schema needs: ask for it by name.
  const missing = edit.cleared.filter((c) => details.some((d) => d.path === c));
  if (missing.length) throw secretRequired(missing);
  throw new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', details.map((d) => ({ ...d, path: under(d.path) })));
}
