/** The status_subscribers table, and the page facts subscriber messages need. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { row, rows, run, textArray } from '../../db/sql.js';

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

interface Row {
  id: string;
  page_id: string;
  email: string | null;
  webhook_url: string | null;
  component_ids: string[];
  secret: string;
  confirmed_at: string | Date | null;
  confirm_sent_at: string | Date | null;
  confirmations: number;
}

const COLUMNS = 'id, page_id, email, webhook_url, component_ids::text[] AS component_ids, secret, confirmed_at, confirm_sent_at, confirmations';

const date = (v: string | Date | null) => (v === null ? null : new Date(v));
const fromRow = (r: Row): Subscriber => ({
  id: r.id,
  pageId: r.page_id,
  email: r.email,
  webhookUrl: r.webhook_url,
  componentIds: r.component_ids,
  secret: r.secret,
  confirmedAt: date(r.confirmed_at),
  confirmSentAt: date(r.confirm_sent_at),
  confirmations: r.confirmations,
});

export interface PageFacts {
  id: string;
  orgId: string;
  slug: string;
  title: string;
  /** Password-protected pages take no subscribers: their news is not public. */
  protected: boolean;
}

export async function pageBySlug(em: EntityManager, slug: string): Promise<PageFacts | undefined> {
  const r = await row<{ id: string; org_id: string; slug: string; title: string; protected: boolean }>(
    em,
    'SELECT id, org_id, slug, title, password_hash IS NOT NULL AS protected FROM status_pages WHERE slug = ?',
    [slug],
  );
  return r && { id: r.id, orgId: r.org_id, slug: r.slug, title: r.title, protected: r.protected };
}

export async function pageById(em: EntityManager, id: string): Promise<PageFacts | undefined> {
  const r = await row<{ id: string; org_id: string; slug: string; title: string; protected: boolean }>(
    em,
    'SELECT id, org_id, slug, title, password_hash IS NOT NULL AS protected FROM status_pages WHERE id = ?',
    [id],
  );
  return r && { id: r.id, orgId: r.org_id, slug: r.slug, title: r.title, protected: r.protected };
}

/** Component ids among `ids` that are not on the page. */
export async function foreignComponents(em: EntityManager, pageId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const known = await rows<{ id: string }>(em, 'SELECT id FROM status_components WHERE page_id = ? AND id = ANY(?::uuid[])', [pageId, textArray(ids)]);
  const set = new Set(known.map((k) => k.id));
  return ids.filter((id) => !set.has(id));
}

export async function subscriberById(em: EntityManager, id: string, forUpdate = false): Promise<Subscriber | undefined> {
  const r = await row<Row>(em, `SELECT ${COLUMNS} FROM status_subscribers WHERE id = ?${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r && fromRow(r);
}

/** The page's subscriber with this address (e-mail or webhook URL), locked. */
export async function findByAddress(em: EntityManager, pageId: string, address: { email?: string; webhookUrl?: string }): Promise<Subscriber | undefined> {
  const r = address.email
    ? await row<Row>(em, `SELECT ${COLUMNS} FROM status_subscribers WHERE page_id = ? AND email = ? FOR UPDATE`, [pageId, address.email])
    : await row<Row>(em, `SELECT ${COLUMNS} FROM status_subscribers WHERE page_id = ? AND webhook_url = ? FOR UPDATE`, [pageId, address.webhookUrl]);
  return r && fromRow(r);
}

/** Inserts, or answers the row another request inserted first (same page and address). */
export async function insertSubscriber(
  em: EntityManager,
  s: Pick<Subscriber, 'id' | 'pageId' | 'email' | 'webhookUrl' | 'componentIds' | 'secret'>,
  now: number,
): Promise<Subscriber> {
  const r = await row<Row>(
    em,
    `INSERT INTO status_subscribers (id, page_id, email, webhook_url, component_ids, secret, created_at)
     VALUES (?, ?, ?, ?, ?::uuid[], ?, ?) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    [s.id, s.pageId, s.email, s.webhookUrl, textArray(s.componentIds), s.secret, new Date(now)],
  );
  return r ? fromRow(r) : (await findByAddress(em, s.pageId, { email: s.email ?? undefined, webhookUrl: s.webhookUrl ?? undefined }))!;
}

/** A new confirmation is being sent: components may change until the subscription is confirmed. */
export async function noteConfirmationSent(em: EntityManager, id: string, componentIds: readonly string[], now: number): Promise<number> {
  const r = await row<{ confirmations: number }>(
    em,
    `UPDATE status_subscribers SET confirm_sent_at = ?, confirmations = confirmations + 1, component_ids = ?::uuid[]
     WHERE id = ? RETURNING confirmations`,
    [new Date(now), textArray(componentIds), id],
  );
  return r!.confirmations;
}

export async function confirmSubscriber(em: EntityManager, id: string, now: number): Promise<boolean> {
  return (await run(em, 'UPDATE status_subscribers SET confirmed_at = coalesce(confirmed_at, ?) WHERE id = ?', [new Date(now), id])) > 0;
}

export async function deleteSubscriber(em: EntityManager, id: string): Promise<boolean> {
  return (await run(em, 'DELETE FROM status_subscribers WHERE id = ?', [id])) > 0;
}

/** Unconfirmed sign-ups older than `before` (epoch ms) are forgotten. */
export async function purgeUnconfirmed(em: EntityManager, before: number): Promise<number> {
  return run(em, 'DELETE FROM status_subscribers WHERE confirmed_at IS NULL AND created_at < ?', [new Date(before)]);
}

/**
 * Confirmed subscribers of these pages who follow the whole page or one of `componentIds`,
 * confirmed before `confirmedBefore` (a notice about something that happened before someone
 * subscribed is not sent to them).
 */
export async function audience(em: EntityManager, pageIds: readonly string[], componentIds: readonly string[], confirmedBefore: number): Promise<string[]> {
  if (pageIds.length === 0) return [];
  const found = await rows<{ id: string }>(
    em,
    `SELECT id FROM status_subscribers
     WHERE page_id = ANY(?::uuid[]) AND confirmed_at IS NOT NULL AND confirmed_at <= ?
       AND (cardinality(component_ids) = 0 OR component_ids && ?::uuid[])`,
    [textArray(pageIds), new Date(confirmedBefore), textArray(componentIds)],
  );
  return found.map((r) => r.id);
}
