/**
 * The one-time set-up code: a fresh install that the network can reach is not claimed by the
 * first stranger. While no account exists, every start prints a new code; creating the first
 * account needs one, unless the request plainly comes from this machine (a local `npm start`
 * stays one click). Only SHA-256 hashes are stored, in instance_settings, so each process of an
 * install accepts the codes the others printed.
 */
import { createHash, randomInt } from 'node:crypto';
import net from 'node:net';
import { raw, type EntityManager } from '@mikro-orm/postgresql';
import type Koa from 'koa';
import { InstanceSetting, User } from './entities.js';

// Serializes signups, and set-up codes with them, so "the very first user" is decided once.
export const SIGNUP_LOCK = 0x50_50_51_01;

const KEY = 'setup_codes';
// No 0/O or 1/I/L, which read alike off a log: 31 symbols, 12 of them about 59 bits.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LENGTH = 12;
// Codes printed by the latest starts (or processes) stay valid until the first account exists.
const KEEP = 5;

/** A code such as `7KQ4-MZ2D-H8XR`. */
export function newSetupCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code.match(/.{4}/g)!.join('-');
}

const hashCode = (code: string) => createHash('sha256').update(code.toUpperCase().replace(/[\s-]/g, '')).digest('hex');

/** Takes the signup lock until `tx` ends (a transaction-level advisory lock: nothing to release). */
export async function lockSignups(tx: EntityManager): Promise<void> {
  await tx.execute('SELECT pg_advisory_xact_lock(?)', [SIGNUP_LOCK]);
}

/** Has anybody signed up? */
export async function anyUser(em: EntityManager): Promise<boolean> {
  return !!(await em.createQueryBuilder(User).select('id').limit(1).execute('get'));
}

/** The hashes of the codes that are valid now (none once the first account exists). */
async function setupCodeHashes(em: EntityManager): Promise<string[]> {
  const current = await em.findOne(InstanceSetting, { key: KEY });
  return Array.isArray(current?.value) ? current.value.filter((v): v is string => typeof v === 'string') : [];
}

/** At start: a new code while nobody has signed up, else undefined. */
export async function issueSetupCode(em: EntityManager): Promise<string | undefined> {
  return em.transactional(async (tx) => {
    await lockSignups(tx);
    if (await anyUser(tx)) return undefined;
    const code = newSetupCode();
    const hashes = [...(await setupCodeHashes(tx)), hashCode(code)].slice(-KEEP);
    await tx
      .createQueryBuilder(InstanceSetting)
      .insert({ key: KEY, value: hashes })
      .onConflict('key')
      .merge({ value: raw('excluded.value'), updatedAt: raw('now()') })
      .execute();
    return code;
  });
}

export async function setupCodeMatches(em: EntityManager, code: string): Promise<boolean> {
  return (await setupCodeHashes(em)).includes(hashCode(code));
}

/** Once the first account exists no code is needed again. */
export async function clearSetupCodes(em: EntityManager): Promise<void> {
  await em.nativeDelete(InstanceSetting, { key: KEY });
}

// Any of these means a proxy relayed the request: whoever sent it may be anywhere.
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-client-ip', 'true-client-ip', 'cf-connecting-ip', 'via'];

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (net.isIPv4(v4)) return v4.startsWith('127.');
  return address === '::1';
}

/**
 * The request comes from this machine and was relayed by no one: the socket's peer and the
 * client address Koa settled on are both loopback, and no forwarding header is present at all
 * (a reverse proxy on this machine relays the internet from a loopback address).
 */
export function isLocalRequest(ctx: Koa.Context): boolean {
  if (FORWARDING_HEADERS.some((h) => ctx.req.headers[h] !== undefined)) return false;
  return isLoopback(ctx.req.socket.remoteAddress) && isLoopback(ctx.ip);
}
