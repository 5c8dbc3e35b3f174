/**
 * Password attempts, counted before bcrypt runs and judged after ("count first"): each request
 * takes one attempt on each of its keys in one atomic upsert per key, and is refused if a key has
 * none left, so N parallel guesses can never all be judged. In PostgreSQL (login_attempts), so
 * every server process shares the counts.
 */
import { createHash } from 'node:crypto';
import { raw, sql, type EntityData, type EntityManager, type Knex, type RequiredEntityData } from '@mikro-orm/postgresql';
import { LoginAttempt, type LoginAttemptRow } from './entities.js';
import { AppError } from '../errors.js';
import { passwordWork } from './passwords.js';

/** At most `max` attempts per fixed window of `windowS` seconds; then refused until it ends. */
export interface CountLimit {
  name: string;
  max: number;
  windowS: number;
}

/**
 * Never refuses for good: the first `free` attempts pass; after the n-th, an attempt that is not
 * exempt waits `baseS`·2^(n−free−1) seconds (at most `maxDelayS`) from the latest one. Forgotten
 * `memoryS` seconds after the latest attempt.
 */
export interface DelayLimit {
  name: string;
  free: number;
  baseS: number;
  maxDelayS: number;
  memoryS: number;
}

const MIN15 = 15 * 60;

/** Every number of the brute-force defence (SECURITY.md quotes them). */
export const LIMITS = {
  login: {
    /** One address on one account: 10 per 15 min, then that address waits out the window. An attacker locks only their own address. */
    accountAddress: { name: 'login:account+ip', max: 10, windowS: MIN15 },
    /** One address (IPv6: its /64) across all accounts, against password spraying: 100 per 15 min. */
    address: { name: 'login:ip', max: 100, windowS: MIN15 },
    /**
     * One account from every address: slows and never locks. After 10 attempts, 2 s, 4 s, 8 s …
     * up to 15 min between attempts, forgotten an hour after the latest. An address with no
     * attempt on the account in its current 15-min window is exempt, so the owner still signs in.
     */
    account: { name: 'login:account', free: 10, baseS: 2, maxDelayS: MIN15, memoryS: 3600 },
  },
  /** Current-password checks of one user from one address: 10 per 15 min. */
  passwordChange: { name: 'password:user+ip', max: 10, windowS: MIN15 },
  setupCode: {
    /** Set-up code guesses from the network, all addresses together: 200 per 15 min (a 59-bit code: this only keeps guessing pointless). */
    all: { name: 'setup:all', max: 200, windowS: MIN15 },
    /** One address (IPv6: its /64): 10 per 15 min. */
    address: { name: 'setup:ip', max: 10, windowS: MIN15 },
  },
  statusPage: {
    /** One address on one protected page: 10 per 15 min. */
    pageAddress: { name: 'page:page+ip', max: 10, windowS: MIN15 },
    /** One address (IPv6: its /64) across all pages: 30 per 15 min. */
    address: { name: 'page:ip', max: 30, windowS: MIN15 },
  },
} as const satisfies Record<string, CountLimit | Record<string, CountLimit | DelayLimit>>;

/** One attempt held on each key; a wrong password keeps it (it was a failure). */
export interface Attempt {
  /** The password was right: the last counted key (this address on this account or page) starts over; the other keys get their attempt back. */
  succeeded(): Promise<void>;
  /** Not judged (the bcrypt queue was full, or something failed): every key gets its attempt back. */
  release(): Promise<void>;
}

/**
 * The key of an address: IPv4 as it is, IPv6 by its /64 (one subscriber's whole network: anyone
 * holding one has 2^64 addresses to rotate through).
 */
export function addressKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return groups.slice(0, 4).map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16).toString(16) : g)).join(':') + '::/64';
}

const rateLimited = (waitS: number) =>
  new AppError(429, 'RATE_LIMITED', 'Too many attempts: try again later', { retryAfterSeconds: waitS }, { 'Retry-After': String(waitS) });

/** The row key of `value` under `limit`. */
export const attemptKey = (limit: { name: string }, value: string) => createHash('sha256').update(`${limit.name}|${value}`).digest('hex');

export interface AttemptOptions {
  /** Rows kept at most: past it the least telling rows (fewest attempts, nearest expiry) go first (default 200,000, ~30 MB). */
  maxRows?: number;
  /** Takes between two clean-ups in this process (default 1,000; also at least once a minute). */
  pruneEvery?: number;
}

export class PasswordAttempts {
  #sincePrune = 0;
  #lastPrune = Date.now();

  constructor(
    private readonly em: () => EntityManager,
    private readonly opts: AttemptOptions = {},
  ) {}

  /**
   * Takes one attempt on each counted key in order, then on the slowed key, which is exempt when
   * this is the first attempt in the window on the last counted key (an address with no recent
   * attempt on that account). Refused: what was taken is given back, and 429 RATE_LIMITED with
   * Retry-After (seconds) is thrown.
   */
  async take(counted: ReadonlyArray<readonly [CountLimit, string]>, slowed?: readonly [DelayLimit, string]): Promise<Attempt> {
    await this.#maybePrune();
    const em = this.em();
    const taken: string[] = [];
    let first = false;
    try {
      for (const [limit, value] of counted) {
        const key = attemptKey(limit, value);
        const got = await takeOne(
          em,
          { key, attempts: 1, expiresAt: raw('clock_timestamp() + make_interval(secs => ?)', [limit.windowS]) },
          {
            attempts: raw(`CASE WHEN ${EXPIRED} THEN 1 ELSE ${T}.attempts + 1 END`),
            expiresAt: raw(`CASE WHEN ${EXPIRED} THEN excluded.expires_at ELSE ${T}.expires_at END`),
          },
          [`${EXPIRED} OR ${T}.attempts < ?`, [limit.max]],
        );
        if (!got) throw rateLimited(await this.#wait(em, key, 'expires_at'));
        taken.push(key);
        first = got.attempts === 1;
      }
      if (slowed) {
        const [limit, value] = slowed;
        const key = attemptKey(limit, value);
        const got = await takeOne(
          em,
          { key, attempts: 1, expiresAt: raw('clock_timestamp() + make_interval(secs => ?)', [limit.memoryS]), nextAt: null },
          {
            attempts: raw(`CASE WHEN ${EXPIRED} THEN 1 ELSE ${T}.attempts + 1 END`),
            expiresAt: raw('excluded.expires_at'),
            nextAt: raw(
              `CASE
                 WHEN ${EXPIRED} THEN NULL
                 WHEN ${T}.attempts < ? THEN ${T}.next_at
                 ELSE greatest(${T}.next_at, clock_timestamp() + make_interval(secs => least(?::float8, ?::float8 * power(2, least(${T}.attempts - ?, 30)))))
               END`,
              [limit.free, limit.maxDelayS, limit.baseS, limit.free],
            ),
          },
          [`?::boolean OR ${EXPIRED} OR ${T}.attempts < ? OR ${T}.next_at IS NULL OR ${T}.next_at <= clock_timestamp()`, [first, limit.free]],
        );
        if (!got) throw rateLimited(await this.#wait(em, key, 'next_at'));
        taken.push(key);
      }
    } catch (err) {
      await this.#giveBack(taken);
      throw err;
    }
    const lastCounted = counted.length ? attemptKey(...counted.at(-1)!) : undefined;
    return {
      succeeded: async () => {
        if (lastCounted) await this.em().nativeDelete(LoginAttempt, { key: lastCounted });
        await this.#giveBack(taken.filter((k) => k !== lastCounted));
      },
      release: () => this.#giveBack(taken),
    };
  }

  /**
   * `check` (a bcrypt comparison) judged with one attempt counted first, as take() does. Refused
   * before anything is counted when the bcrypt queue is full (429 BUSY); an attempt that was not
   * judged (the queue filled up meanwhile, an error) is given back. A wrong password keeps it.
   */
  async judge(counted: Parameters<PasswordAttempts['take']>[0], slowed: Parameters<PasswordAttempts['take']>[1], check: () => Promise<boolean>): Promise<{ ok: boolean; attempt: Attempt }> {
    passwordWork.admit();
    const attempt = await this.take(counted, slowed);
    try {
      return { ok: await check(), attempt };
    } catch (err) {
      await attempt.release();
      throw err;
    }
  }

  /** Deletes expired rows, then the least telling ones beyond maxRows. Answers the rows left. */
  async prune(): Promise<number> {
    const em = this.em();
    this.#sincePrune = 0;
    this.#lastPrune = Date.now();
    await em.nativeDelete(LoginAttempt, { expiresAt: { $lte: sql`clock_timestamp()` } });
    const n = await em.count(LoginAttempt);
    const over = n - (this.opts.maxRows ?? 200_000);
    if (over <= 0) return n;
    const leastTelling = em.createQueryBuilder(LoginAttempt, 'o').select('key').orderBy({ attempts: 'asc', expiresAt: 'asc' }).limit(over);
    await em.createQueryBuilder(LoginAttempt).delete({ key: { $in: leastTelling.getKnexQuery() } }).execute();
    return n - over;
  }

  async #maybePrune(): Promise<void> {
    if (++this.#sincePrune < (this.opts.pruneEvery ?? 1_000) && Date.now() - this.#lastPrune < 60_000) return;
    try {
      await this.prune();
    } catch {
      // The next take tries again; a database that is down fails the take itself anyway.
    }
  }

  async #giveBack(keys: string[]): Promise<void> {
    if (keys.length) await this.em().nativeUpdate(LoginAttempt, { key: { $in: keys } }, { attempts: raw('greatest(attempts - 1, 0)') });
  }

  /** Whole seconds (at least 1) until `column` of `key`, by the database's clock (the one the rows were written with). */
  async #wait(em: EntityManager, key: string, column: 'expires_at' | 'next_at'): Promise<number> {
    const r: { s: number } | undefined = await em
      .createQueryBuilder(LoginAttempt)
      .select(raw(`greatest(1, ceil(extract(epoch FROM ${column} - clock_timestamp())))::int AS s`))
      .where({ key })
      .execute('get', false);
    return r?.s ?? 1;
  }
}

/** The target row in ON CONFLICT DO UPDATE expressions (the existing row; `excluded` is the one proposed). */
const T = 'login_attempts';
const EXPIRED = `${T}.expires_at <= clock_timestamp()`;

/**
 * One atomic take: insert the row, or update it as `update` says only where `when` holds (a
 * predicate over the existing row, with its bindings). Answers the row's attempts after the take,
 * or undefined when `when` refused it (nothing changed).
 */
async function takeOne(
  em: EntityManager,
  insert: RequiredEntityData<LoginAttemptRow>,
  update: EntityData<LoginAttemptRow>,
  when: [predicate: string, bindings: readonly Knex.Value[]],
): Promise<Pick<LoginAttemptRow, 'attempts'> | undefined> {
  const upsert = em.createQueryBuilder(LoginAttempt).insert(insert).onConflict('key').merge(update).returning('attempts').getKnexQuery();
  // MikroORM 6 prefixes each top-level key of an ON CONFLICT ... WHERE filter with the table name, which breaks an OR;
  // the predicate goes onto the knex query the builder made (knex puts it after DO UPDATE SET).
  upsert.where(em.getKnex().raw(...when));
  const rows = await em.execute<Pick<LoginAttemptRow, 'attempts'>[]>(upsert);
  return rows[0];
}
