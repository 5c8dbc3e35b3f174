import bcrypt from 'bcrypt';
import { z } from 'zod';

/** Our published promise: bcrypt, cost 12. */
export const BCRYPT_COST = 12;

/**
 * 8–72 bytes of UTF-8. bcrypt reads only 72 bytes: a longer password is refused with its own
 * code rather than silently truncated.
 */
export const passwordSchema = z.string().superRefine((value, ctx) => {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes < 8) ctx.addIssue({ code: 'custom', message: 'Use at least 8 characters', params: { code: 'PASSWORD_TOO_SHORT' } });
  if (bytes > 72) ctx.addIssue({ code: 'custom', message: 'Use at most 72 bytes (bcrypt ignores the rest)', params: { code: 'PASSWORD_TOO_LONG' } });
});

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

// Compared against when the account does not exist, so both paths cost one bcrypt comparison.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  const against = hash ?? (await (dummyHash ??= bcrypt.hash('pingpage-no-such-account', BCRYPT_COST)));
  const ok = await bcrypt.compare(password, against);
  return ok && hash !== undefined;
}
