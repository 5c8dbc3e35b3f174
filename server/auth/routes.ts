import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type Koa from 'koa';
import { z } from 'zod';
import type { Config } from '../config.js';
import { defineRoute, uuid, type Route } from '../http/routes.js';
import { MeJson, SessionInfo, SignedUpJson, UserJson, AuditJson } from '../../contracts/accounts.js';
import { AppError, forbidden, notFound, unauthorized } from '../errors.js';
import { orgsOfUser } from './memberships.js';
import { accountActivity, recordAudit } from './audit.js';
import type { AuthEvents } from './events.js';
import { addressKey, LIMITS, PasswordAttempts } from './attempts.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { auditQuery, loginBody, passwordBody, signupBody } from '../../contracts/accounts-requests.js';
import { listSessions, revokeSessions, type SessionData } from './sessions.js';
import { isLocalRequest } from './setup.js';
import type { Principal } from './types.js';
import { findUser, findUserByEmail, setPassword, userJson, type Signup } from './users.js';

/** The signed-in person making the request: 401 for anyone else (an API key included). */
export function userOf(ctx: { state: { principal?: unknown } }): Extract<Principal, { kind: 'user' }> {
  const p = ctx.state.principal as Principal | undefined;
  if (p?.kind !== 'user') throw unauthorized();
  return p;
}

/** Starts a signed-in session under a new id (the old cookie, if any, stops working). */
async function beginSession(ctx: Koa.Context, userId: string) {
  const s = ctx.session as (SessionData & { regenerate(): Promise<void> }) | null;
  if (!s) throw new Error('session middleware missing');
  delete s._dbId;
  s.userId = userId;
  s.csrf = randomBytes(24).toString('base64url');
  await s.regenerate();
}

const route = defineRoute();

export function authRoutes(deps: { config: Config; em: () => EntityManager; events: AuthEvents; signup: Signup }): Route[] {
  const { config, em, events } = deps;
  const attempts = new PasswordAttempts(em);
  return [
    route({
      method: 'post',
      path: '/auth/signup',
      summary: 'Create an account (and an organization); signs in',
      tag: 'Auth',
      auth: 'none',
      body: signupBody,
      responses: { 201: SignedUpJson },
      errors: [403, 404, 409, 410, 429],
      handler: async (ctx, { body }) => {
        const local = isLocalRequest(ctx as unknown as Koa.Context);
        // A set-up code from the network is counted before it is judged, so parallel guesses cannot all slip in under the limit.
        const attempt =
          body.setupCode !== undefined && !local
            ? await attempts.take([[LIMITS.setupCode.all, '*'], [LIMITS.setupCode.address, addressKey(ctx.ip)]])
            : undefined;
        let result: Awaited<ReturnType<Signup>>;
        try {
          result = await deps.signup(em(), config, {
            email: body.email,
            name: body.name,
            orgName: body.orgName,
            passwordHash: await hashPassword(body.password),
            ip: ctx.ip,
            invitationToken: body.invitationToken,
            local,
            setupCode: body.setupCode,
          });
        } catch (err) {
          // A wrong code keeps its attempt; anything else (a taken email, a busy server) was no guess.
          if (!(err instanceof AppError && err.code === 'SETUP_CODE_INVALID')) await attempt?.release();
          throw err;
        }
        await attempt?.succeeded();
        await beginSession(ctx as unknown as Koa.Context, result.user.id);
        if (result.org) events.emit('org:created', { orgId: result.org.id });
        return result;
      },
    }),

    route({
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in with email and password',
      tag: 'Auth',
      auth: 'none',
      body: loginBody,
      responses: { 200: z.object({ user: UserJson }) },
      errors: [401, 429],
      handler: async (ctx, { body }) => {
        const account = body.email.trim().toLowerCase();
        const ip = addressKey(ctx.ip);
        const { login } = LIMITS;
        const user = await findUserByEmail(em(), account);
        const { ok, attempt } = await attempts.judge(
          [
            [login.address, ip],
            [login.accountAddress, `${account}|${ip}`],
          ],
          [login.account, account],
          () => verifyPassword(body.password, user?.passwordHash),
        );
        if (!ok) {
          await recordAudit(em(), { orgId: null, action: 'auth.login_failed', target: user?.id, ip: ctx.ip, details: { email: account.slice(0, 254) } });
          throw new AppError(401, 'INVALID_CREDENTIALS', 'Wrong email or password');
        }
        await attempt.succeeded();
        await beginSession(ctx as unknown as Koa.Context, user!.id);
        await recordAudit(em(), { orgId: null, principal: { kind: 'user', userId: user!.id, sessionId: '' }, action: 'auth.login', target: user!.id, ip: ctx.ip });
        return { user: userJson(user!) };
      },
    }),

    route({
      method: 'post',
      path: '/auth/logout',
      summary: 'Sign out (ends this session)',
      tag: 'Auth',
      auth: 'none',
      responses: { 204: null },
      handler: (ctx) => {
        const p = ctx.state.principal as Principal | undefined;
        ctx.session = null;
        if (p?.kind === 'user') events.emit('sessions:revoked', { sessionIds: [p.sessionId] });
      },
    }),

    route({
      method: 'get',
      path: '/auth/me',
      summary: 'The signed-in user, their organizations and the CSRF token',
      tag: 'Auth',
      auth: 'session',
      responses: { 200: MeJson },
      handler: async (ctx) => {
        const p = userOf(ctx);
        const user = await findUser(em(), p.userId);
        if (!user) throw unauthorized();
        return { user: userJson(user), orgs: await orgsOfUser(em(), p.userId), csrfToken: (ctx.session as SessionData).csrf! };
      },
    }),

    route({
      method: 'post',
      path: '/auth/password',
      summary: 'Change the password; every other session is revoked',
      tag: 'Auth',
      auth: 'session',
      body: passwordBody,
      responses: { 204: null },
      errors: [429],
      handler: async (ctx, { body }) => {
        const p = userOf(ctx);
        const user = await findUser(em(), p.userId);
        const { ok, attempt } = await attempts.judge([[LIMITS.passwordChange, `${p.userId}|${addressKey(ctx.ip)}`]], undefined, async () =>
          user !== undefined && (await verifyPassword(body.currentPassword, user.passwordHash)),
        );
        if (!ok) {
          throw new AppError(400, 'INVALID_CURRENT_PASSWORD', 'The current password is wrong', [{ path: 'currentPassword', code: 'INVALID_CURRENT_PASSWORD', message: 'Wrong password' }]);
        }
        await attempt.succeeded();
        await setPassword(em(), p.userId, await hashPassword(body.newPassword));
        const revoked = await revokeSessions(em(), p.userId, { except: p.sessionId });
        events.emit('sessions:revoked', { sessionIds: revoked });
        await recordAudit(em(), { orgId: null, principal: p, action: 'auth.password_changed', target: p.userId, ip: ctx.ip, details: { sessionsRevoked: revoked.length } });
      },
    }),

    route({
      method: 'get',
      path: '/auth/sessions',
      summary: "The user's sessions",
      tag: 'Auth',
      auth: 'session',
      responses: { 200: z.array(SessionInfo) },
      handler: async (ctx) => {
        const p = userOf(ctx);
        return listSessions(em(), p.userId, p.sessionId);
      },
    }),

    route({
      method: 'delete',
      path: '/auth/sessions/:id',
      summary: 'Revoke a session',
      tag: 'Auth',
      auth: 'session',
      params: { id: uuid('Session') },
      responses: { 204: null },
      handler: async (ctx, { params }) => {
        const p = userOf(ctx);
        const revoked = await revokeSessions(em(), p.userId, { only: params.id });
        if (!revoked.length) throw notFound('Session');
        if (params.id === p.sessionId) ctx.session = null;
        events.emit('sessions:revoked', { sessionIds: revoked });
        await recordAudit(em(), { orgId: null, principal: p, action: 'auth.session_revoked', target: p.userId, ip: ctx.ip, details: { sessionId: params.id } });
      },
    }),

    // The person's own account events, never anyone else's: there is no parameter naming whose.
    route({
      method: 'get',
      path: '/auth/security-activity',
      summary: 'Your own sign-ins, failed sign-ins, password changes and session revocations, newest first',
      tag: 'Auth',
      auth: 'session',
      query: auditQuery,
      responses: { 200: z.array(AuditJson) },
      handler: async (ctx, { query }) => {
        const p = ctx.state.principal as Principal | undefined;
        if (p?.kind === 'key') throw forbidden('Security activity belongs to a person: sign in to read it');
        const user = userOf(ctx);
        return accountActivity(em(), user.userId, query);
      },
    }),
  ];
}
