/** The mask answers show in place of a plugin config's secrets (server/plugin-config/secrets.ts finds them). */

/** What answers show instead of a secret; sending it back keeps the stored value. */
export const MASK = '********';
