/** Status pages and their components as the admin API reads and writes them; every query filters by org. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { iso, row, rows, run, textArray } from '../db/sql.js';
import { AppError, conflict, notFound } from '../errors.js';
import { checkMonitors } from '../monitors/references.js';
import { checkDomainFree, proofName } from './domains.js';
import type { ComponentInput, PageCreate, PagePatch } from './schemas.js';
import type { ComponentStatus } from '../../contracts/vocab.js';
import type { ComponentJson, FooterLink, PageJson } from '../../contracts/status-page-admin.js';

interface PageRow {
  id: string;
  slug: string;
  title: string;
  description: string | null;
  logo_url: string | null;
  brand_color: string | null;
  custom_domain: string | null;
  domain_token: string;
  domain_verified_at: Date | null;
  domain_checked_at: Date | null;
  domain_error: string | null;
  has_password: boolean;
  show_uptime: boolean;
  show_latency: boolean;
  auto_incidents: boolean;
  footer_links: FooterLink[];
  custom_css: string | null;
  created_at: Date;
  updated_at: Date;
  components: Array<Omit<ComponentJson, 'monitorIds'> & { monitorIds: string[] | null }>;
}

const PAGE_SELECT = `
  SELECT p.id, p.slug, p.title, p.description, p.logo_url, p.brand_color, p.custom_domain, p.password_hash IS NOT NULL AS has_password,
         p.domain_token, p.domain_verified_at, p.domain_checked_at, p.domain_error,
         p.show_uptime, p.show_latency, p.auto_incidents, p.footer_links, p.custom_css, p.created_at, p.updated_at,
         coalesce((SELECT json_agg(json_build_object(
             'id', c.id, 'name', c.name, 'description', c.description, 'group', c.group_name, 'position', c.position,
             'showUptime', c.show_uptime, 'showLatency', c.show_latency, 'status', c.manual_status,
             'monitorIds', (SELECT json_agg(cm.monitor_id ORDER BY cm.monitor_id) FROM status_component_monitors cm WHERE cm.component_id = c.id)
           ) ORDER BY c.position) FROM status_components c WHERE c.page_id = p.id), '[]') AS components
  FROM status_pages p`;

const pageJson = (p: PageRow): PageJson => ({
  id: p.id,
  slug: p.slug,
  title: p.title,
  description: p.description,
  logoUrl: p.logo_url,
  brandColor: p.brand_color,
  customDomain: p.custom_domain,
  domainVerification: p.custom_domain
    ? { record: proofName(p.custom_domain), token: p.domain_token, verifiedAt: iso(p.domain_verified_at), checkedAt: iso(p.domain_checked_at), error: p.domain_error }
    : null,
  hasPassword: p.has_password,
  showUptime: p.show_uptime,
  showLatency: p.show_latency,
  autoIncidents: p.auto_incidents,
  footerLinks: p.footer_links,
  customCss: p.custom_css,
  components: p.components.map((c) => ({ ...c, monitorIds: c.monitorIds ?? [] })),
  url: `/status/${p.slug}`,
  createdAt: iso(p.created_at)!,
  updatedAt: iso(p.updated_at)!,
});

export async function listPages(em: EntityManager, orgId: string): Promise<PageJson[]> {
  return (await rows<PageRow>(em, `${PAGE_SELECT} WHERE p.org_id = ? ORDER BY p.title, p.id`, [orgId])).map(pageJson);
}

export async function getPage(em: EntityManager, orgId: string, id: string): Promise<PageJson> {
  const p = await row<PageRow>(em, `${PAGE_SELECT} WHERE p.org_id = ? AND p.id = ?`, [orgId, id]);
  if (!p) throw notFound('Status page');
  return pageJson(p);
}

function uniqueViolation(err: unknown): never {
  const e = err as { code?: string; constraint?: string };
  if (e?.code === '23505' && e.constraint === 'status_pages_slug_key') throw conflict('SLUG_TAKEN', 'Another status page uses this slug');
  throw err;
}

export interface PageSecrets {
  /** bcrypt hash of the new password; null removes it; undefined leaves it. */
  passwordHash?: string | null;
}

export async function createPage(em: EntityManager, orgId: string, input: PageCreate, secrets: PageSecrets): Promise<PageJson> {
  await checkMonitors(em, orgId, componentMonitorRefs(input.components));
  await checkDomainFree(em, input.customDomain, null);
  const id = randomUUID();
  return em.transactional(async (tx) => {
    await run(
      tx,
      `INSERT INTO status_pages (id, org_id, slug, title, description, logo_url, brand_color, custom_domain, password_hash,
         show_uptime, show_latency, auto_incidents, footer_links, custom_css)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)`,
      [
        id, orgId, input.slug, input.title, input.description ?? null, input.logoUrl ?? null, input.brandColor ?? null,
        input.customDomain ?? null, secrets.passwordHash ?? null, input.showUptime ?? true, input.showLatency ?? false,
        input.autoIncidents ?? false, JSON.stringify(input.footerLinks ?? []), input.customCss ?? null,
      ],
    ).catch(uniqueViolation);
    await replaceComponents(tx, id, input.components);
    return getPage(tx, orgId, id);
  });
}

const COLUMNS: Array<[keyof PagePatch, string]> = [
  ['slug', 'slug'], ['title', 'title'], ['description', 'description'], ['logoUrl', 'logo_url'], ['brandColor', 'brand_color'],
  ['customDomain', 'custom_domain'], ['showUptime', 'show_uptime'], ['showLatency', 'show_latency'],
  ['autoIncidents', 'auto_incidents'], ['customCss', 'custom_css'],
];

export async function updatePage(em: EntityManager, orgId: string, id: string, patch: PagePatch, secrets: PageSecrets): Promise<PageJson> {
  if (patch.components) await checkMonitors(em, orgId, componentMonitorRefs(patch.components));
  await checkDomainFree(em, patch.customDomain, id);
  return em.transactional(async (tx) => {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [];
    if (patch.customDomain !== undefined) {
      // Another domain needs its own proof (the SET clauses read the row as it was).
      sets.push(
        'domain_verified_at = CASE WHEN custom_domain IS NOT DISTINCT FROM ? THEN domain_verified_at END',
        'domain_failures = CASE WHEN custom_domain IS NOT DISTINCT FROM ? THEN domain_failures ELSE 0 END',
        'domain_error = CASE WHEN custom_domain IS NOT DISTINCT FROM ? THEN domain_error END',
        'domain_checked_at = CASE WHEN custom_domain IS NOT DISTINCT FROM ? THEN domain_checked_at END',
      );
      params.push(patch.customDomain, patch.customDomain, patch.customDomain, patch.customDomain);
    }
    for (const [key, column] of COLUMNS) {
      if (patch[key] !== undefined) (sets.push(`${column} = ?`), params.push(patch[key]));
    }
    if (patch.footerLinks !== undefined) (sets.push('footer_links = ?::jsonb'), params.push(JSON.stringify(patch.footerLinks)));
    if (secrets.passwordHash !== undefined) (sets.push('password_hash = ?'), params.push(secrets.passwordHash));
    const changed = await run(tx, `UPDATE status_pages SET ${sets.join(', ')} WHERE id = ? AND org_id = ?`, [...params, id, orgId]).catch(uniqueViolation);
    if (!changed) throw notFound('Status page');
    if (patch.components) await replaceComponents(tx, id, patch.components);
    return getPage(tx, orgId, id);
  });
}

export async function deletePage(em: EntityManager, orgId: string, id: string): Promise<void> {
  if (!(await run(em, 'DELETE FROM status_pages WHERE id = ? AND org_id = ?', [id, orgId]))) throw notFound('Status page');
}

function componentMonitorRefs(components: ComponentInput[]) {
  return components.flatMap((c, i) => c.monitorIds.map((id, j) => ({ path: `components.${i}.monitorIds.${j}`, id })));
}

/** Makes the page's components exactly `list`, in its order, keeping the ids given. */
async function replaceComponents(tx: EntityManager, pageId: string, list: ComponentInput[]): Promise<void> {
  const existing = new Set((await rows<{ id: string }>(tx, 'SELECT id FROM status_components WHERE page_id = ? FOR UPDATE', [pageId])).map((r) => r.id));
  const kept = list.flatMap((c) => (c.id ? [c.id] : []));
  const unknown = list.flatMap((c, i) => (c.id && !existing.has(c.id) ? [{ path: `components.${i}.id`, code: 'UNKNOWN_COMPONENT', message: 'No such component on this page' }] : []));
  if (unknown.length) throw new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', unknown);
  if (new Set(kept).size !== kept.length) {
    throw new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', [{ path: 'components', code: 'DUPLICATE_COMPONENT', message: 'A component id appears twice' }]);
  }
  await run(tx, 'DELETE FROM status_components WHERE page_id = ? AND NOT (id = ANY(?::uuid[]))', [pageId, textArray(kept)]);
  for (const [position, c] of list.entries()) {
    const id = c.id ?? randomUUID();
    await run(
      tx,
      `INSERT INTO status_components (id, page_id, name, description, group_name, position, show_uptime, show_latency, manual_status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, group_name = excluded.group_name,
         position = excluded.position, show_uptime = excluded.show_uptime, show_latency = excluded.show_latency, manual_status = excluded.manual_status`,
      [id, pageId, c.name, c.description ?? null, c.group ?? null, position, c.showUptime, c.showLatency, c.status],
    );
    await run(tx, 'DELETE FROM status_component_monitors WHERE component_id = ?', [id]);
    if (c.monitorIds.length) {
      await run(tx, 'INSERT INTO status_component_monitors (component_id, monitor_id) SELECT ?, unnest(?::uuid[]) ON CONFLICT DO NOTHING', [id, textArray(c.monitorIds)]);
    }
  }
}
