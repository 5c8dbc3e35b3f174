/** /orgs/:org/status-pages: thin routes over service.ts; every write is audited and refreshes the snapshot. */
import Router, { type RouterContext } from '@koa/router';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditedWrite, type AuditEntry } from '../auth/audit.js';
import type { RequireOrg } from '../auth/authorize.js';
import { hashPassword } from '../auth/passwords.js';
import type { OrgState } from '../auth/types.js';
import { AppError } from '../errors.js';
import { parse } from '../http/body.js';
import { uuidParam } from '../http/params.js';
import type { DomainVerifier } from './domains.js';
import { pageAnswer } from './links.js';
import { hostName } from './store.js';
import { pageCreate, pagePatch } from './schemas.js';
import * as pages from './service.js';
import type { PageJson } from '../../contracts/status-page-admin.js';

type Ctx = RouterContext<OrgState>;

export interface PageRoutesDeps {
  em: () => EntityManager;
  requireOrg: RequireOrg;
  /** Reloads these pages into the public snapshot (after a write). */
  refresh(pageIds: string[]): Promise<void>;
  /** The dashboard's own URL (PUBLIC_URL): its host may not become a page's custom domain; the answers' links and DNS records use it. */
  publicUrl: string;
  domains: DomainVerifier;
}

export function statusPageRoutes(deps: PageRoutesDeps): Router<OrgState> {
  const { em, requireOrg, refresh } = deps;
  const ownHost = hostName(new URL(deps.publicUrl).host);
  const router = new Router<OrgState>();
  const entry = (ctx: Ctx, action: string, target: string, details?: Record<string, unknown>): AuditEntry =>
    ({ orgId: ctx.state.orgId, principal: ctx.state.principal, action, target, ip: ctx.ip, details });
  const checkDomain = (domain: string | null | undefined) => {
    if (domain && domain === ownHost) {
      throw new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', [{ path: 'customDomain', code: 'DOMAIN_RESERVED', message: "This is the dashboard's own host" }]);
    }
  };
  const answer = (page: PageJson) => pageAnswer(deps.publicUrl, page);
  const passwordHash = async (password: string | null | undefined) =>
    password === undefined ? undefined : password === null ? null : await hashPassword(password);

  router.get('/orgs/:org/status-pages', requireOrg('status-pages:read'), async (ctx) => {
    ctx.body = (await pages.listPages(em(), ctx.state.orgId)).map(answer);
  });

  router.post('/orgs/:org/status-pages', requireOrg('status-pages:write'), async (ctx) => {
    const body = parse(pageCreate, ctx.request.body);
    checkDomain(body.customDomain);
    const secrets = { passwordHash: await passwordHash(body.password) };
    const page = await auditedWrite(em(), (tx) => pages.createPage(tx, ctx.state.orgId, body, secrets), (p) =>
      entry(ctx, 'status_page.created', p.id, { slug: p.slug, title: p.title }),
    );
    await refresh([page.id]);
    ctx.status = 201;
    ctx.body = answer(page);
  });

  router.get('/orgs/:org/status-pages/:id', requireOrg('status-pages:read'), async (ctx) => {
    ctx.body = answer(await pages.getPage(em(), ctx.state.orgId, uuidParam(ctx, 'id', 'Status page')));
  });

  router.patch('/orgs/:org/status-pages/:id', requireOrg('status-pages:write'), async (ctx) => {
    const id = uuidParam(ctx, 'id', 'Status page');
    const body = parse(pagePatch, ctx.request.body);
    checkDomain(body.customDomain);
    const secrets = { passwordHash: await passwordHash(body.password) };
    // Which fields changed, never their values (a password, a stylesheet).
    const fields = Object.keys(body).filter((k) => body[k as keyof typeof body] !== undefined);
    const page = await auditedWrite(em(), (tx) => pages.updatePage(tx, ctx.state.orgId, id, body, secrets), () => entry(ctx, 'status_page.updated', id, { fields }));
    await refresh([id]);
    ctx.body = answer(page);
  });

  // Looks for the page's TXT record now; the page is served on its domain from then on.
  router.post('/orgs/:org/status-pages/:id/domain/verify', requireOrg('status-pages:write'), async (ctx) => {
    const id = uuidParam(ctx, 'id', 'Status page');
    await deps.domains.verify(ctx.state.orgId, id, { principal: ctx.state.principal, ip: ctx.ip });
    ctx.body = answer(await pages.getPage(em(), ctx.state.orgId, id));
  });

  router.delete('/orgs/:org/status-pages/:id', requireOrg('status-pages:write'), async (ctx) => {
    const id = uuidParam(ctx, 'id', 'Status page');
    await auditedWrite(em(), (tx) => pages.deletePage(tx, ctx.state.orgId, id), () => entry(ctx, 'status_page.deleted', id));
    await refresh([id]);
    ctx.status = 204;
  });

  return router;
}
