import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw } from '@mikro-orm/postgresql';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp } from '../testing/client.js';
import { isInstanceAdmin } from './admins.js';
import { User } from './entities.js';

let app: TestApp;
let firstId: string;
let laterId: string;
let opsId: string;

beforeAll(async () => {
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open' });
  ({ user: { id: firstId } } = await signUp(app.url, 'first@example.com'));
  ({ user: { id: laterId } } = await signUp(app.url, 'later@example.com'));
  ({ user: { id: opsId } } = await signUp(app.url, 'Ops@Example.com'));
});
afterAll(() => app?.stop());

describe('isInstanceAdmin', () => {
  it('is the first account, plus PINGPAGE_ADMINS whatever the case of either email', async () => {
    const em = app.orm.em.fork();
    expect(await isInstanceAdmin(em, firstId, { PINGPAGE_ADMINS: [] })).toBe(true);
    expect(await isInstanceAdmin(em, laterId, { PINGPAGE_ADMINS: [] })).toBe(false);
    expect(await isInstanceAdmin(em, opsId, { PINGPAGE_ADMINS: [] })).toBe(false);
    expect(await isInstanceAdmin(em, opsId, { PINGPAGE_ADMINS: ['ops@example.COM'] })).toBe(true);
    expect(await isInstanceAdmin(em, laterId, { PINGPAGE_ADMINS: ['ops@example.com'] })).toBe(false);
  });

  it('knows the first account by what its signup recorded, not by the oldest timestamp', async () => {
    // Two racing signups on a fresh install may commit in either order of their clocks.
    const em = app.orm.em.fork();
    await em.nativeUpdate(User, { id: laterId }, { createdAt: raw("now() - interval '1 year'") });
    expect(await isInstanceAdmin(em, laterId, { PINGPAGE_ADMINS: [] })).toBe(false);
    expect(await isInstanceAdmin(em, firstId, { PINGPAGE_ADMINS: [] })).toBe(true);
  });
});
