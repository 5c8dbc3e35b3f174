/** Status pages as the admin API answers them, their vocabulary, and small helpers for the screens. */
import type { ComponentJson, PageAnswer } from '../../../contracts/status-page-admin';
import type { PublicPage } from '../../../contracts/status-page';
import { COMPONENT_LABEL, COMPONENT_STATUSES, OVERALL_LABEL, type ComponentStatus } from '../../../contracts/vocab';

export type StatusPage = PageAnswer;
export type StatusComponent = ComponentJson;
export type { ComponentStatus };
export { COMPONENT_LABEL, COMPONENT_STATUSES, OVERALL_LABEL };

/** The colour family (app.css variables) a component status is drawn in. */
export const STATUS_TONE: Record<ComponentStatus, 'up' | 'degraded' | 'down' | 'maintenance'> = {
  operational: 'up',
  degraded_performance: 'degraded',
  partial_outage: 'degraded',
  major_outage: 'down',
  under_maintenance: 'maintenance',
};

/**
 * The overall status visitors see (incidents and maintenance included), read from the page's
 * public JSON. Null when it cannot be read: a password-protected page answers it only to visitors
 * who unlocked it, and the admin API does not carry it.
 */
export async function publicOverall(page: StatusPage): Promise<ComponentStatus | null> {
  if (page.hasPassword) return null;
  try {
    // Not through api(): a 401 here is the page's password, not the dashboard session.
    const res = await fetch(`/api/v1/public/status-pages/${encodeURIComponent(page.slug)}`, { headers: { Accept: 'application/json' } });
    if (!res.ok) return null;
    const body = (await res.json()) as PublicPage;
    return COMPONENT_STATUSES.includes(body.overall) ? body.overall : null;
  } catch {
    return null;
  }
}

/** "Acme Cloud — Status" → "acme-cloud-status": a slug the server takes (lowercase, digits, dashes, 60 at most). */
export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}
