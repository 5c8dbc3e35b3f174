/**
 * A custom domain is served only after its owner proves it: a TXT record `_pingpage.<domain>`
 * holding the page's token. Verify looks now; a job looks again every day: a verified domain
 * whose record is gone twice in a row stops being served (audited), a pending one that now has
 * its record starts. One page at most holds a domain verified (a unique index says so).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type Actor } from '../auth/audit.js';
import { row, rows, run } from '../db/sql.js';
import { AppError, conflict, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { Clock } from '../scheduler/clock.js';

const HOUR = 3_600_000;
/** A domain is looked at again when its last look-up is this old (milliseconds). */
export const RECHECK_MS = 24 * HOUR;
/** Daily look-ups in a row that find no token before a verified domain stops being served. */
export const MISSES_TO_UNVERIFY = 2;
const BATCH = 100;

/** The TXT records at a name, each record's strings joined. */
export type TxtLookup = (name: string) => Promise<string[]>;

/** Where the proof lives. */
export const proofName = (domain: string) => `_pingpage.${domain}`;

type Proof = { ok: true } | { ok: false; code: 'TXT_MISSING' | 'TXT_MISMATCH' | 'DNS_FAILED'; message: string };

async function findProof(lookup: TxtLookup, domain: string, token: string): Promise<Proof> {
  const name = proofName(domain);
  let records: string[];
  try {
    records = await lookup(name);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { ok: false, code: 'TXT_MISSING', message: `There is no TXT record at ${name}` };
    return { ok: false, code: 'DNS_FAILED', message: `Could not look up ${name}: ${code ?? (err as Error).message}` };
  }
  if (records.some((r) => r.trim() === token)) return { ok: true };
  return { ok: false, code: 'TXT_MISMATCH', message: `The TXT record at ${name} does not hold this page's token` };
}

interface ClaimRow {
  id: string;
  org_id: string;
  custom_domain: string;
  domain_token: string;
  domain_verified_at: Date | string | null;
  domain_failures: number;
}

const TAKEN = 'Another status page already serves this domain';

/** Another page than `pageId` holds `domain` verified. */
async function heldElsewhere(em: EntityManager, domain: string, pageId: string | null): Promise<boolean> {
  const other = await row(em, 'SELECT 1 AS one FROM status_pages WHERE lower(custom_domain) = lower(?) AND domain_verified_at IS NOT NULL AND id IS DISTINCT FROM ?::uuid', [domain, pageId]);
  return other !== undefined;
}

/** 409 DOMAIN_TAKEN when another page holds `domain` verified (a claim of it could never be served). */
export async function checkDomainFree(em: EntityManager, domain: string | null | undefined, pageId: string | null): Promise<void> {
  if (domain && (await heldElsewhere(em, domain, pageId))) throw conflict('DOMAIN_TAKEN', TAKEN);
}

export interface DomainsDeps {
  em: () => EntityManager;
  lookup: TxtLookup;
  clock: Clock;
  log: Logger;
  /** Reloads pages into the public snapshot: a domain starts or stops being served. */
  refresh(pageIds: string[]): Promise<void>;
  /** Milliseconds between passes over the pages due a look-up (default an hour: a restart loses little). */
  everyMs?: number;
}

export class DomainVerifier {
  #timer: unknown;
  #running: Promise<unknown> | undefined;
  #stopped = true;

  constructor(private readonly deps: DomainsDeps) {}

  /** Marks the page's domain verified, unless another page holds it (409) or the domain changed meanwhile. */
  async #markVerified(em: EntityManager, p: ClaimRow, actor: Actor, now: Date): Promise<boolean> {
    let changed: number;
    try {
      changed = await run(
        em,
        `UPDATE status_pages SET domain_verified_at = ?, domain_checked_at = ?, domain_failures = 0, domain_error = NULL
         WHERE id = ? AND custom_domain = ?`,
        [now, now, p.id, p.custom_domain],
      );
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      if (e?.code === '23505' && e.constraint === 'status_pages_verified_domain_key') throw conflict('DOMAIN_TAKEN', TAKEN);
      throw err;
    }
    if (!changed) return false;
    await recordAudit(em, { orgId: p.org_id, principal: actor.principal, ip: actor.ip, action: 'status_page.domain_verified', target: p.id, details: { domain: p.custom_domain } });
    return true;
  }

  /** POST …/status-pages/:id/domain/verify: looks for the record now. */
  async verify(orgId: string, pageId: string, actor: Actor): Promise<void> {
    const em = this.deps.em();
    const p = await row<ClaimRow>(
      em,
      'SELECT id, org_id, custom_domain, domain_token, domain_verified_at, domain_failures FROM status_pages WHERE org_id = ? AND id = ?',
      [orgId, pageId],
    );
    if (!p) throw notFound('Status page');
    if (!p.custom_domain) throw new AppError(400, 'NO_CUSTOM_DOMAIN', 'This status page has no custom domain to verify');
    await checkDomainFree(em, p.custom_domain, p.id);
    const proof = await findProof(this.deps.lookup, p.custom_domain, p.domain_token);
    const now = new Date(this.deps.clock.now());
    if (!proof.ok) {
      await run(em, 'UPDATE status_pages SET domain_checked_at = ?, domain_error = ? WHERE id = ? AND custom_domain = ?', [now, proof.message, p.id, p.custom_domain]);
      throw new AppError(400, 'DOMAIN_NOT_VERIFIED', proof.message, [{ path: 'customDomain', code: proof.code, message: proof.message }]);
    }
    if (await this.#markVerified(em, p, actor, now)) await this.deps.refresh([p.id]);
  }

  /** One pass over every page due a look-up; answers how many were looked at. */
  async recheckDue(): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < 1_000; batch++) {
      const now = new Date(this.deps.clock.now());
      // Claimed by moving their time first: another server process running the same pass skips them.
      const due = await rows<ClaimRow>(
        this.deps.em(),
        `UPDATE status_pages SET domain_checked_at = ? WHERE id IN (
           SELECT id FROM status_pages WHERE custom_domain IS NOT NULL AND (domain_checked_at IS NULL OR domain_checked_at <= ?)
           ORDER BY domain_checked_at NULLS FIRST LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
         RETURNING id, org_id, custom_domain, domain_token, domain_verified_at, domain_failures`,
        [now, new Date(now.getTime() - RECHECK_MS)],
      );
      for (const p of due) await this.#recheck(p, now).catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message, pageId: p.id }, 'custom domain check failed'));
      total += due.length;
      if (due.length < BATCH) break;
    }
    return total;
  }

  async #recheck(p: ClaimRow, now: Date): Promise<void> {
    const em = this.deps.em();
    const proof = await findProof(this.deps.lookup, p.custom_domain, p.domain_token);
    const same = [p.id, p.custom_domain];
    if (proof.ok) {
      if (p.domain_verified_at) await run(em, 'UPDATE status_pages SET domain_failures = 0, domain_error = NULL WHERE id = ? AND custom_domain = ?', same);
      else {
        if (await heldElsewhere(em, p.custom_domain, p.id)) await run(em, 'UPDATE status_pages SET domain_error = ? WHERE id = ? AND custom_domain = ?', [TAKEN, ...same]);
        else if (await this.#markVerified(em, p, {}, now)) await this.deps.refresh([p.id]);
      }
      return;
    }
    // A resolver that cannot answer says nothing about the record: only a definite answer counts as a miss.
    const miss = p.domain_verified_at !== null && proof.code !== 'DNS_FAILED';
    const failures = miss ? p.domain_failures + 1 : p.domain_failures;
    if (miss && failures >= MISSES_TO_UNVERIFY) {
      await em.transactional(async (tx) => {
        await run(tx, 'UPDATE status_pages SET domain_verified_at = NULL, domain_failures = ?, domain_error = ? WHERE id = ? AND custom_domain = ?', [failures, proof.message, ...same]);
        await recordAudit(tx, { orgId: p.org_id, action: 'status_page.domain_unverified', target: p.id, details: { domain: p.custom_domain, reason: proof.message } });
      });
      this.deps.log.info({ pageId: p.id, domain: p.custom_domain, reason: proof.message }, 'custom domain no longer proven: not served any more');
      await this.deps.refresh([p.id]);
    } else {
      await run(em, 'UPDATE status_pages SET domain_failures = ?, domain_error = ? WHERE id = ? AND custom_domain = ?', [failures, proof.message, ...same]);
    }
  }

  start(): void {
    this.#stopped = false;
    this.#arm();
  }

  #arm(): void {
    if (this.#stopped) return;
    this.#timer = this.deps.clock.setTimeout(() => {
      this.#running = this.recheckDue()
        .catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message }, 'custom domain checks failed; next pass tries again'))
        .finally(() => {
          this.#running = undefined;
          this.#arm();
        });
    }, this.deps.everyMs ?? HOUR);
  }

  /** Resolves once a pass in progress has finished. */
  async idle(): Promise<void> {
    await this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.deps.clock.clearTimeout(this.#timer);
    await this.#running;
  }
}
