import bcrypt from 'bcrypt';
import { WorkQueue } from './work-queue.js';

/** Our published promise: bcrypt, cost 12. */
export const BCRYPT_COST = 12;

/**
 * Every bcrypt hash and compare of the process (logins, sign-ups, password changes, status-page
 * passwords) runs here: 2 at once, so bcrypt holds at most half of libuv's 4 threads (file I/O,
 * zlib and crypto keep the rest), and at most 32 waiting (~3 s of work at ~200 ms each);
 * beyond that 429 BUSY at once. One queue per process, since the thread pool is one per process.
 */
export const passwordWork = new WorkQueue({ slots: 2, waiting: 32 });

/** Throws 429 BUSY when the queue is full. */
export function hashPassword(password: string): Promise<string> {
  return passwordWork.run(() => bcrypt.hash(password, BCRYPT_COST));
}

// Compared against when the account does not exist, so both paths cost one bcrypt comparison.
let dummyHash: Promise<string> | undefined;

/** Throws 429 BUSY when the queue is full. */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  const against = hash ?? (await (dummyHash ??= hashPassword('pingpage-no-such-account').catch((err: unknown) => {
    dummyHash = undefined; // a refusal now must not refuse every later unknown account
    throw err;
  })));
  const ok = await passwordWork.run(() => bcrypt.compare(password, against));
  return ok && hash !== undefined;
}
