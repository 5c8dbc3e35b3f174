import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { EntityManager } from '@mikro-orm/postgresql';
import type Koa from 'koa';
import { z } from 'zod';
import type { Config } from '../config.js';
import { parse } from '../http/body.js';
import { ACCOUNT } from '../../contracts/messages.js';
import { AppError, forbidden, notFound, unauthorized } from '../errors.js';
import { orgsOfUser } from './memberships.js';
import { accountActivity, auditQuery, recordAudit } from './audit.js';
import type { AuthEvents } from './events.js';
import { addressKey, LIMITS, PasswordAttempts } from './attempts.js';
import { hashPassword, passwordSchema, verifyPassword } from './passwords.js';
import { listSessions, revokeSessions, type SessionData } from './sessions.js';
import { isLocalRequest } from './setup.js';
import type { Principal } from './types.js';
import { findUser, findUserByEmail, setPassword, userJson, type Signup } from './users.js';

const email = z.email({ error: ACCOUNT.email }).max(254);
export const signupBody = z.strictObject({
  email,
  password: passwordSchema,
  name: z.string({ error: ACCOUNT.name }).trim().min(1, { error: ACCOUNT.name }).max(100),
  orgName: z.string({ error: ACCOUNT.orgName }).trim().min(1, { error: ACCOUNT.orgName }).max(100).optional(),
  /** The secret of an invitation link (`pp_inv_…`): the new account accepts it at once. */
  invitationToken: z.string().max(200).optional(),
  /** The set-up code PingPage printed at start: the first account needs it unless created from this machine. */
  setupCode: z.string().max(64).optional(),
});
export const loginBody = z.strictObject({ email: z.string().max(254), password: z.string().max(1024) });
export const passwordBody = z.strictObject({ currentPassword: z.string().max(1024), newPassword: passwordSchema });

export function userOf(ctx: Koa.Context): Extract<Principal, { kind: 'user' }> {
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

export function authRoutes(deps: { config: Config; em: () => EntityManager; events: AuthEvents; signup: Signup }): Router {
  const { config, em, events } = deps;
  const attempts = new PasswordAttempts(em);
  const router = new Router();

  router.post('/auth/signup', async (ctx) => {
    const body = parse(signupBody, ctx.request.body);
    const local = isLocalRequest(ctx);
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
    await beginSession(ctx, result.user.id);
    if (result.org) events.emit('org:created', { orgId: result.org.id });
    ctx.status = 201;
    ctx.body = result;
  });

  router.post('/auth/login', async (ctx) => {
    const body = parse(loginBody, ctx.request.body);
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
    await beginSession(ctx, user!.id);
    await recordAudit(em(), { orgId: null, principal: { kind: 'user', userId: user!.id, sessionId: '' }, action: 'auth.login', target: user!.id, ip: ctx.ip });
    ctx.body = { user: userJson(user!) };
  });

  router.post('/auth/logout', async (ctx) => {
    const p = ctx.state.principal as Principal | undefined;
    ctx.session = null;
    if (p?.kind === 'user') events.emit('sessions:revoked', { sessionIds: [p.sessionId] });
    ctx.status = 204;
  });

  router.get('/auth/me', async (ctx) => {
    const p = userOf(ctx);
    const user = await findUser(em(), p.userId);
    if (!user) throw unauthorized();
    ctx.body = { user: userJson(user), orgs: await orgsOfUser(em(), p.userId), csrfToken: (ctx.session as SessionData).csrf };
  });

  router.post('/auth/password', async (ctx) => {
    const p = userOf(ctx);
    const body = parse(passwordBody, ctx.request.body);
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
    ctx.status = 204;
  });

  router.get('/auth/sessions', async (ctx) => {
    const p = userOf(ctx);
    ctx.body = await listSessions(em(), p.userId, p.sessionId);
  });

  router.delete('/auth/sessions/:id', async (ctx) => {
    const p = userOf(ctx);
    const id = z.uuid().safeParse(ctx.params.id);
    if (!id.success) throw notFound('Session');
    const revoked = await revokeSessions(em(), p.userId, { only: id.data });
    if (!revoked.length) throw notFound('Session');
    if (id.data === p.sessionId) ctx.session = null;
    events.emit('sessions:revoked', { sessionIds: revoked });
    await recordAudit(em(), { orgId: null, principal: p, action: 'auth.session_revoked', target: p.userId, ip: ctx.ip, details: { sessionId: id.data } });
    ctx.status = 204;
  });

  // The person's own account events, never anyone else's: there is no parameter naming whose.
  router.get('/auth/security-activity', async (ctx) => {
    const p = ctx.state.principal as Principal | undefined;
    if (p?.kind === 'key') throw forbidden('Security activity belongs to a person: sign in to read it');
    const user = userOf(ctx);
    ctx.body = await accountActivity(em(), user.userId, parse(auditQuery, ctx.query));
  });

  return router;
}
