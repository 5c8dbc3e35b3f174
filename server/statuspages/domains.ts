/**
 * A custom domain is served only after its owner proves it: a TXT record `_pingpage.<domain>`
 * holding the page's token. Verify looks now; a job looks again every day: a verified domain
 * whose record is gone twice in a row stops being served (audited), a pending one that now has
 * its record starts. One page at most holds a domain verified (a unique index says so).
 */
import { LockMode, QueryOrder, type EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type Actor } from '../auth/audit.js';
import { AppError, conflict, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { Clock } from '../scheduler/clock.js';
import { StatusPage, type StatusPageRow } from './entities.js';

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

/** A page with a custom domain, as a look-up needs it. */
interface Claim extends Pick<StatusPageRow, 'id' | 'domainToken' | 'domainFailures'> {
  orgId: string;
  customDomain: string;
  domainVerifiedAt: Date | null;
}

/** The page's claim, or null when it names no custom domain. */
const claimOf = (p: StatusPageRow): Claim | null =>
  p.customDomain == null
    ? null
    : { id: p.id, orgId: p.org.id, customDomain: p.customDomain, domainToken: p.domainToken, domainVerifiedAt: p.domainVerifiedAt ?? null, domainFailures: p.domainFailures };

/** Lookups go around the identity map: pages are changed by native updates, and read as they are now. */
const fresh = { disableIdentityMap: true } as const;

const TAKEN = 'Another status page already serves this domain';

/** Another page than `pageId` holds `domain` verified. */
async function heldElsewhere(em: EntityManager, domain: string, pageId: string | null): Promise<boolean> {
  const others = await em
    .createQueryBuilder(StatusPage, 'p')
    // The expression of the unique index status_pages_verified_domain_key.
    .where('lower(p.custom_domain) = lower(?)', [domain])
    .andWhere({ domainVerifiedAt: { $ne: null }, ...(pageId !== null && { id: { $ne: pageId } }) })
    .limit(1)
    .getCount();
  return others > 0;
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
  async #markVerified(em: EntityManager, p: Claim, actor: Actor, now: Date): Promise<boolean> {
    let changed: number;
    try {
      changed = await em.nativeUpdate(
        StatusPage,
        { id: p.id, customDomain: p.customDomain },
        { domainVerifiedAt: now, domainCheckedAt: now, domainFailures: 0, domainError: null },
      );
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      if (e?.code === '23505' && e.constraint === 'status_pages_verified_domain_key') throw conflict('DOMAIN_TAKEN', TAKEN);
      throw err;
    }
    if (!changed) return false;
    await recordAudit(em, { orgId: p.orgId, principal: actor.principal, ip: actor.ip, action: 'status_page.domain_verified', target: p.id, details: { domain: p.customDomain } });
    return true;
  }

  /** POST …/status-pages/:id/domain/verify: looks for the record now. */
  async verify(orgId: string, pageId: string, actor: Actor): Promise<void> {
    const em = this.deps.em();
    const page = await em.findOne(StatusPage, { org: orgId, id: pageId }, fresh);
    if (!page) throw notFound('Status page');
    const p = claimOf(page);
    if (!p) throw new AppError(400, 'NO_CUSTOM_DOMAIN', 'This status page has no custom domain to verify');
    await checkDomainFree(em, p.customDomain, p.id);
    const proof = await findProof(this.deps.lookup, p.customDomain, p.domainToken);
    const now = new Date(this.deps.clock.now());
    if (!proof.ok) {
      await em.nativeUpdate(StatusPage, { id: p.id, customDomain: p.customDomain }, { domainCheckedAt: now, domainError: proof.message });
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
      const due = await this.deps.em().transactional(async (tx) => {
        const pages = await tx.find(
          StatusPage,
          { customDomain: { $ne: null }, $or: [{ domainCheckedAt: null }, { domainCheckedAt: { $lte: new Date(now.getTime() - RECHECK_MS) } }] },
          { ...fresh, orderBy: { domainCheckedAt: QueryOrder.ASC_NULLS_FIRST }, limit: BATCH, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
        );
        if (pages.length) await tx.nativeUpdate(StatusPage, { id: { $in: pages.map((p) => p.id) } }, { domainCheckedAt: now });
        return pages.flatMap((p) => claimOf(p) ?? []);
      });
      for (const p of due) await this.#recheck(p, now).catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message, pageId: p.id }, 'custom domain check failed'));
      total += due.length;
      if (due.length < BATCH) break;
    }
    return total;
  }

  async #recheck(p: Claim, now: Date): Promise<void> {
    const em = this.deps.em();
    const proof = await findProof(this.deps.lookup, p.customDomain, p.domainToken);
    const same = { id: p.id, customDomain: p.customDomain };
    if (proof.ok) {
      if (p.domainVerifiedAt) await em.nativeUpdate(StatusPage, same, { domainFailures: 0, domainError: null });
      else {
        if (await heldElsewhere(em, p.customDomain, p.id)) await em.nativeUpdate(StatusPage, same, { domainError: TAKEN });
        else if (await this.#markVerified(em, p, {}, now)) await this.deps.refresh([p.id]);
      }
      return;
    }
    // A resolver that cannot answer says nothing about the record: only a definite answer counts as a miss.
    const miss = p.domainVerifiedAt !== null && proof.code !== 'DNS_FAILED';
    const failures = miss ? p.domainFailures + 1 : p.domainFailures;
    if (miss && failures >= MISSES_TO_UNVERIFY) {
      await em.transactional(async (tx) => {
        await tx.nativeUpdate(StatusPage, same, { domainVerifiedAt: null, domainFailures: failures, domainError: proof.message });
        await recordAudit(tx, { orgId: p.orgId, action: 'status_page.domain_unverified', target: p.id, details: { domain: p.customDomain, reason: proof.message } });
      });
      this.deps.log.info({ pageId: p.id, domain: p.customDomain, reason: proof.message }, 'custom domain no longer proven: not served any more');
      await this.deps.refresh([p.id]);
    } else {
      await em.nativeUpdate(StatusPage, same, { domainFailures: failures, domainError: proof.message });
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
