/**
 * The status_subscribers table, and the page facts subscriber messages need. Status pages and
 * their components belong to statuspages/, a domain above this one: they are read by entity
 * name (db/entity.ts `above`), typed by the few fields read here.
 */
import { LockMode, raw, type EntityManager } from '@mikro-orm/postgresql';
import { StatusSubscriber, type StatusSubscriberRow } from '../entities.js';

export interface Subscriber {
  id: string;
  pageId: string;
  /** Lowercase; null for a webhook subscriber. */
  email: string | null;
  webhookUrl: string | null;
  /** Components followed; empty: the whole page. */
  componentIds: string[];
  /** HMAC key signing webhook deliveries to this subscriber. */
  secret: string;
  confirmedAt: Date | null;
  confirmSentAt: Date | null;
  /** Confirmation messages sent so far (their idempotency keys count up). */
  confirmations: number;
}

const toSubscriber = (s: StatusSubscriberRow): Subscriber => ({
  id: s.id,
  pageId: s.page.id,
  email: s.email ?? null,
  webhookUrl: s.webhookUrl ?? null,
  componentIds: s.componentIds,
  secret: s.secret,
  confirmedAt: s.confirmedAt ?? null,
  confirmSentAt: s.confirmSentAt ?? null,
  confirmations: s.confirmations,
});

export interface PageFacts {
  id: string;
  orgId: string;
  slug: string;
  title: string;
  /** Password-protected pages take no subscribers: their news is not public. */
  protected: boolean;
}

/** The fields of statuspages' StatusPage read here. */
interface StatusPageFields {
  id: string;
  org: { id: string };
  slug: string;
  title: string;
  passwordHash?: string | null;
}

async function page(em: EntityManager, where: { slug: string } | { id: string }): Promise<PageFacts | undefined> {
  const p = await em.findOne<StatusPageFields>('StatusPage', where, { disableIdentityMap: true });
  return p ? { id: p.id, orgId: p.org.id, slug: p.slug, title: p.title, protected: p.passwordHash != null } : undefined;
}

export function pageBySlug(em: EntityManager, slug: string): Promise<PageFacts | undefined> {
  return page(em, { slug });
}

export function pageById(em: EntityManager, id: string): Promise<PageFacts | undefined> {
  return page(em, { id });
}

/** Component ids among `ids` that are not on the page. */
export async function foreignComponents(em: EntityManager, pageId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const known = await em.find<{ id: string; page: { id: string } }>('StatusComponent', { page: pageId, id: { $in: [...ids] } }, { disableIdentityMap: true });
  const set = new Set(known.map((k) => k.id));
  return ids.filter((id) => !set.has(id));
}

export async function subscriberById(em: EntityManager, id: string, forUpdate = false): Promise<Subscriber | undefined> {
  const s = await em.findOne(StatusSubscriber, { id }, forUpdate ? { lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true } : { disableIdentityMap: true });
  return s ? toSubscriber(s) : undefined;
}

/** The page's subscriber with this address (e-mail or webhook URL), locked. */
export async function findByAddress(em: EntityManager, pageId: string, address: { email?: string; webhookUrl?: string }): Promise<Subscriber | undefined> {
  const where = address.email ? { page: pageId, email: address.email } : { page: pageId, webhookUrl: address.webhookUrl };
  const s = await em.findOne(StatusSubscriber, where, { lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true });
  return s ? toSubscriber(s) : undefined;
}

/** Inserts, or answers the row another request inserted first (same page and address). */
export async function insertSubscriber(
  em: EntityManager,
  s: Pick<Subscriber, 'id' | 'pageId' | 'email' | 'webhookUrl' | 'componentIds' | 'secret'>,
  now: number,
): Promise<Subscriber> {
  await em
    .createQueryBuilder(StatusSubscriber)
    .insert({ id: s.id, page: s.pageId, email: s.email, webhookUrl: s.webhookUrl, componentIds: s.componentIds, secret: s.secret, createdAt: new Date(now) })
    .onConflict()
    .ignore()
    .execute('run');
  // Ours, or the one that was there first: either way the page's row for this address, locked.
  return (await findByAddress(em, s.pageId, { email: s.email ?? undefined, webhookUrl: s.webhookUrl ?? undefined }))!;
}

/** A new confirmation is being sent: components may change until the subscription is confirmed. */
export async function noteConfirmationSent(em: EntityManager, id: string, componentIds: readonly string[], now: number): Promise<number> {
  await em.nativeUpdate(StatusSubscriber, { id }, { confirmSentAt: new Date(now), confirmations: raw('confirmations + 1'), componentIds: [...componentIds] });
  const s = await em.findOneOrFail(StatusSubscriber, { id }, { fields: ['confirmations'], disableIdentityMap: true });
  return s.confirmations;
}

export async function confirmSubscriber(em: EntityManager, id: string, now: number): Promise<boolean> {
  // A second confirmation keeps the first time.
  return (await em.nativeUpdate(StatusSubscriber, { id }, { confirmedAt: raw('coalesce(confirmed_at, ?)', [new Date(now)]) })) > 0;
}

export async function deleteSubscriber(em: EntityManager, id: string): Promise<boolean> {
  return (await em.nativeDelete(StatusSubscriber, { id })) > 0;
}

/** Unconfirmed sign-ups older than `before` (epoch ms) are forgotten. */
export async function purgeUnconfirmed(em: EntityManager, before: number): Promise<number> {
  return em.nativeDelete(StatusSubscriber, { confirmedAt: null, createdAt: { $lt: new Date(before) } });
}

/**
 * Confirmed subscribers of these pages who follow the whole page or one of `componentIds`,
 * confirmed before `confirmedBefore` (a notice about something that happened before someone
 * subscribed is not sent to them).
 */
export async function audience(em: EntityManager, pageIds: readonly string[], componentIds: readonly string[], confirmedBefore: number): Promise<string[]> {
  if (pageIds.length === 0) return [];
  const found = await em.find(
    StatusSubscriber,
    {
      page: { $in: [...pageIds] },
      confirmedAt: { $ne: null, $lte: new Date(confirmedBefore) },
      $or: [{ [raw('cardinality(component_ids)')]: 0 }, { componentIds: { $overlap: [...componentIds] } }],
    },
    { fields: ['id'], disableIdentityMap: true },
  );
  return found.map((s) => s.id);
}
