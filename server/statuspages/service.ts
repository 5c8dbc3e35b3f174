/** Status pages and their components as the admin API reads and writes them; every query filters by org. */
import { randomUUID } from 'node:crypto';
import { LockMode, raw, type EntityManager } from '@mikro-orm/postgresql';
import { AppError, conflict, notFound } from '../errors.js';
import { checkMonitors } from '../monitors/references.js';
import { checkDomainFree, proofName } from './domains.js';
import { StatusComponent, StatusComponentMonitor, StatusPage, type StatusPageRow } from './entities.js';
import type { ComponentInput, PageCreate, PagePatch } from '../../contracts/status-page-requests.js';
import type { ComponentJson, PageJson } from '../../contracts/status-page-admin.js';

/** Reads that answer JSON go around the identity map: a row changed by a native update is read as it is now. */
const fresh = { disableIdentityMap: true } as const;

/** The pages with their components (by position, each with its monitors by id), in the order given. */
async function pagesJson(em: EntityManager, pages: StatusPageRow[]): Promise<PageJson[]> {
  if (!pages.length) return [];
  const components = await em.find(StatusComponent, { page: { $in: pages.map((p) => p.id) } }, { ...fresh, orderBy: { position: 'asc', id: 'asc' } });
  const fed = components.length
    ? await em.find(StatusComponentMonitor, { component: { $in: components.map((c) => c.id) } }, { ...fresh, orderBy: { monitor: 'asc' } })
    : [];
  const monitorIds = new Map<string, string[]>();
  for (const f of fed) monitorIds.set(f.component.id, [...(monitorIds.get(f.component.id) ?? []), f.monitor.id]);
  const componentsOf = new Map<string, ComponentJson[]>();
  for (const c of components) {
    const json: ComponentJson = {
      id: c.id,
      name: c.name,
      description: c.description ?? null,
      group: c.groupName ?? null,
      position: c.position,
      showUptime: c.showUptime,
      showLatency: c.showLatency,
      status: c.manualStatus,
      monitorIds: monitorIds.get(c.id) ?? [],
    };
    componentsOf.set(c.page.id, [...(componentsOf.get(c.page.id) ?? []), json]);
  }
  return pages.map((p) => ({
    id: p.id,
    slug: p.slug,
    title: p.title,
    description: p.description ?? null,
    logoUrl: p.logoUrl ?? null,
    brandColor: p.brandColor ?? null,
    customDomain: p.customDomain ?? null,
    domainVerification: p.customDomain
      ? {
          record: proofName(p.customDomain),
          token: p.domainToken,
          verifiedAt: p.domainVerifiedAt?.toISOString() ?? null,
          checkedAt: p.domainCheckedAt?.toISOString() ?? null,
          error: p.domainError ?? null,
        }
      : null,
    hasPassword: p.passwordHash !== null,
    showUptime: p.showUptime,
    showLatency: p.showLatency,
    autoIncidents: p.autoIncidents,
    footerLinks: p.footerLinks,
    customCss: p.customCss ?? null,
    components: componentsOf.get(p.id) ?? [],
    url: `/status/${p.slug}`,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  }));
}

export async function listPages(em: EntityManager, orgId: string): Promise<PageJson[]> {
  return pagesJson(em, await em.find(StatusPage, { org: orgId }, { ...fresh, orderBy: { title: 'asc', id: 'asc' } }));
}

export async function getPage(em: EntityManager, orgId: string, id: string): Promise<PageJson> {
  const p = await em.findOne(StatusPage, { org: orgId, id }, fresh);
  if (!p) throw notFound('Status page');
  return (await pagesJson(em, [p]))[0]!;
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
    await tx
      .insert(StatusPage, {
        id,
        org: orgId,
        slug: input.slug,
        title: input.title,
        description: input.description ?? null,
        logoUrl: input.logoUrl ?? null,
        brandColor: input.brandColor ?? null,
        customDomain: input.customDomain ?? null,
        passwordHash: secrets.passwordHash ?? null,
        showUptime: input.showUptime ?? true,
        showLatency: input.showLatency ?? false,
        autoIncidents: input.autoIncidents ?? false,
        footerLinks: input.footerLinks ?? [],
        customCss: input.customCss ?? null,
      })
      .catch(uniqueViolation);
    await replaceComponents(tx, id, input.components);
    return getPage(tx, orgId, id);
  });
}

export async function updatePage(em: EntityManager, orgId: string, id: string, patch: PagePatch, secrets: PageSecrets): Promise<PageJson> {
  if (patch.components) await checkMonitors(em, orgId, componentMonitorRefs(patch.components));
  await checkDomainFree(em, patch.customDomain, id);
  return em.transactional(async (tx) => {
    const current = await tx.findOne(StatusPage, { id, org: orgId }, { ...fresh, lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!current) throw notFound('Status page');
    const { components, password: _password, ...fields } = patch;
    // Another domain needs its own proof (the row is locked: its domain is the one read).
    const otherDomain = patch.customDomain !== undefined && patch.customDomain !== current.customDomain;
    await tx
      .nativeUpdate(
        StatusPage,
        { id },
        {
          ...defined(fields),
          ...(otherDomain && { domainVerifiedAt: null, domainFailures: 0, domainError: null, domainCheckedAt: null }),
          ...(secrets.passwordHash !== undefined && { passwordHash: secrets.passwordHash }),
          updatedAt: raw('now()'),
        },
      )
      .catch(uniqueViolation);
    if (components) await replaceComponents(tx, id, components);
    return getPage(tx, orgId, id);
  });
}

/** The fields given a value (a PATCH leaves the others as they are). */
function defined<T extends object>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

export async function deletePage(em: EntityManager, orgId: string, id: string): Promise<void> {
  if (!(await em.nativeDelete(StatusPage, { id, org: orgId }))) throw notFound('Status page');
}

function componentMonitorRefs(components: ComponentInput[]) {
  return components.flatMap((c, i) => c.monitorIds.map((id, j) => ({ path: `components.${i}.monitorIds.${j}`, id })));
}

/** Makes the page's components exactly `list`, in its order, keeping the ids given. */
async function replaceComponents(tx: EntityManager, pageId: string, list: ComponentInput[]): Promise<void> {
  const existing = new Set((await tx.find(StatusComponent, { page: pageId }, { ...fresh, lockMode: LockMode.PESSIMISTIC_WRITE })).map((c) => c.id));
  const kept = list.flatMap((c) => (c.id ? [c.id] : []));
  const unknown = list.flatMap((c, i) => (c.id && !existing.has(c.id) ? [{ path: `components.${i}.id`, code: 'UNKNOWN_COMPONENT', message: 'No such component on this page' }] : []));
  if (unknown.length) throw new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', unknown);
  if (new Set(kept).size !== kept.length) {
    throw new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', [{ path: 'components', code: 'DUPLICATE_COMPONENT', message: 'A component id appears twice' }]);
  }
  await tx.nativeDelete(StatusComponent, kept.length ? { page: pageId, id: { $nin: kept } } : { page: pageId });
  if (!list.length) return;
  const rows = list.map((c, position) => ({
    id: c.id ?? randomUUID(),
    page: pageId,
    name: c.name,
    description: c.description ?? null,
    groupName: c.group ?? null,
    position,
    showUptime: c.showUptime,
    showLatency: c.showLatency,
    manualStatus: c.status,
  }));
  await tx
    .createQueryBuilder(StatusComponent)
    .insert(rows)
    .onConflict('id')
    .merge(['name', 'description', 'groupName', 'position', 'showUptime', 'showLatency', 'manualStatus'])
    .execute();
  await tx.nativeDelete(StatusComponentMonitor, { component: { $in: rows.map((r) => r.id) } });
  const fed = list.flatMap((c, i) => c.monitorIds.map((monitor) => ({ component: rows[i]!.id, monitor })));
  if (fed.length) await tx.createQueryBuilder(StatusComponentMonitor).insert(fed).onConflict().ignore().execute();
}
