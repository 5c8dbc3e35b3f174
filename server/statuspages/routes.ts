/** /orgs/:org/status-pages: thin routes over service.ts; every write is audited and refreshes the snapshot. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { auditedWrite, type AuditEntry } from '../auth/audit.js';
import { hashPassword } from '../auth/passwords.js';
import type { OrgState } from '../auth/types.js';
import { AppError } from '../errors.js';
import { defineRoute, uuid, type Route, type RouteContext } from '../http/routes.js';
import type { DomainVerifier } from './domains.js';
import { pageAnswer } from './links.js';
import { hostName } from './store.js';
import { pageCreate, pagePatch } from '../../contracts/status-page-requests.js';
import * as pages from './service.js';
import { PageAnswer, type PageJson } from '../../contracts/status-page-admin.js';

type Ctx = RouteContext<OrgState>;
const route = defineRoute<OrgState>();

export interface PageRoutesDeps {
  em: () => EntityManager;
  /** Reloads these pages into the public snapshot (after a write). */
  refresh(pageIds: string[]): Promise<void>;
  /** The dashboard's own URL (PUBLIC_URL): its host may not become a page's custom domain; the answers' links and DNS records use it. */
  publicUrl: string;
  domains: DomainVerifier;
}

const pageId = uuid('Status page');

export function statusPageRoutes(deps: PageRoutesDeps): Route[] {
  const { em, refresh } = deps;
  const ownHost = hostName(new URL(deps.publicUrl).host);
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

  return [
    route({
      method: 'get',
      path: '/orgs/:org/status-pages',
      summary: 'Status pages',
      tag: 'Status pages',
      auth: 'status-pages:read',
      responses: { 200: z.array(PageAnswer) },
      handler: async (ctx) => (await pages.listPages(em(), ctx.state.orgId)).map(answer),
    }),

    route({
      method: 'post',
      path: '/orgs/:org/status-pages',
      summary: 'Create a status page',
      tag: 'Status pages',
      auth: 'status-pages:write',
      body: pageCreate,
      responses: { 201: PageAnswer },
      errors: [409],
      handler: async (ctx, { body }) => {
        checkDomain(body.customDomain);
        const secrets = { passwordHash: await passwordHash(body.password) };
        const page = await auditedWrite(em(), (tx) => pages.createPage(tx, ctx.state.orgId, body, secrets), (p) =>
          entry(ctx, 'status_page.created', p.id, { slug: p.slug, title: p.title }),
        );
        await refresh([page.id]);
        return answer(page);
      },
    }),

    route({
      method: 'get',
      path: '/orgs/:org/status-pages/:id',
      summary: 'A status page',
      tag: 'Status pages',
      auth: 'status-pages:read',
      params: { id: pageId },
      responses: { 200: PageAnswer },
      handler: async (ctx, { params }) => answer(await pages.getPage(em(), ctx.state.orgId, params.id)),
    }),

    route({
      method: 'patch',
      path: '/orgs/:org/status-pages/:id',
      summary: 'Change a status page (components are replaced as a list)',
      tag: 'Status pages',
      auth: 'status-pages:write',
      params: { id: pageId },
      body: pagePatch,
      responses: { 200: PageAnswer },
      errors: [409],
      handler: async (ctx, { params: { id }, body }) => {
        checkDomain(body.customDomain);
        const secrets = { passwordHash: await passwordHash(body.password) };
        // Which fields changed, never their values (a password, a stylesheet).
        const fields = Object.keys(body).filter((k) => body[k as keyof typeof body] !== undefined);
        const page = await auditedWrite(em(), (tx) => pages.updatePage(tx, ctx.state.orgId, id, body, secrets), () => entry(ctx, 'status_page.updated', id, { fields }));
        await refresh([id]);
        return answer(page);
      },
    }),

    // Looks for the page's TXT record now; the page is served on its domain from then on.
    route({
      method: 'post',
      path: '/orgs/:org/status-pages/:id/domain/verify',
      summary: "Look for the custom domain's TXT record (_pingpage.<domain> holding domainVerification.token) now; served on the domain once found",
      description: 'Answers 400 NO_CUSTOM_DOMAIN when the page has none, 400 DOMAIN_NOT_VERIFIED when the record is not there (the look-up is recorded in domainVerification), 409 DOMAIN_TAKEN when another page serves the domain.',
      tag: 'Status pages',
      auth: 'status-pages:write',
      params: { id: pageId },
      responses: { 200: PageAnswer },
      errors: [400, 409],
      handler: async (ctx, { params: { id } }) => {
        await deps.domains.verify(ctx.state.orgId, id, { principal: ctx.state.principal, ip: ctx.ip });
        return answer(await pages.getPage(em(), ctx.state.orgId, id));
      },
    }),

    route({
      method: 'delete',
      path: '/orgs/:org/status-pages/:id',
      summary: 'Delete a status page',
      tag: 'Status pages',
      auth: 'status-pages:write',
      params: { id: pageId },
      responses: { 204: null },
      handler: async (ctx, { params: { id } }) => {
        await auditedWrite(em(), (tx) => pages.deletePage(tx, ctx.state.orgId, id), () => entry(ctx, 'status_page.deleted', id));
        await refresh([id]);
      },
    }),
  ];
}
