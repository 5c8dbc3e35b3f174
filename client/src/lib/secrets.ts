/**
 * Secrets in plugin configs (monitors and notification channels) as the API answers them: MASK
 * stands for a stored value, and sent back unchanged it keeps it (server/plugin-config/secrets.ts).
 */
import { MASK } from '../../../contracts/secrets.js';

export { MASK };

/** The value stands for a stored secret: the mask, or a URL whose password is the mask. */
export function isMasked(value: unknown): boolean {
  if (value === MASK) return true;
  if (typeof value !== 'string' || !value.includes(MASK)) return false;
  try {
    return new URL(value).password === MASK;
  } catch {
    return false;
  }
}

/** Somewhere in `config` is a masked secret. */
export function hasMasked(config: unknown): boolean {
  if (isMasked(config)) return true;
  if (typeof config !== 'object' || config === null) return false;
  return Object.values(config).some(hasMasked);
}

/** `errors` without those about masked values: whatever the stored secret is, the server already took it. */
export function withoutMasked<E extends Record<string, string>>(errors: E, valueAt: (path: string) => unknown): E {
  for (const path of Object.keys(errors)) if (isMasked(valueAt(path))) delete errors[path];
  return errors;
}
