/**
 * A walk over the whole API for openapi-live.test.ts: one PingPage with something of every kind
 * in it (a second member, an API key, a monitor of a real local HTTP server, a webhook channel
 * with a local receiver, a status page with a component and a custom domain whose TXT record a
 * local DNS server holds, an incident, a maintenance window, a pending invitation), and WALK: one
 * step per documented operation that says which real request should succeed. Everything it
 * reaches is on 127.0.0.1.
 */
import { SCOPES } from '../../contracts/auth.js';
import { startTestApp, type TestApp } from './app.js';
import { invite, signUp, signUpInvited, TestClient, tokenOf, type Answer } from './client.js';
import { txtServer, type TxtServer } from './dns.js';
import { httpReceiver, type HttpReceiver } from './receivers.js';

/** One request of the walk; the method is the step's. */
export interface Call {
  /** Under /api/v1, with real ids in place of the path parameters; may end in a query string. */
  path: string;
  /** Who asks: the owner's session unless said. */
  as?: TestClient;
  body?: unknown;
  /** Sees the successful answer (to keep what it made for a later step). */
  after?(res: Answer): void;
}

export type Step = (w: World) => Promise<Call>;

const PASSWORD = 'correct horse battery';
const HOUR = 3_600_000;

/** What later steps use, by kind: made by a POST step, deleted by the DELETE step at the end. */
type Made = 'org' | 'key' | 'monitor' | 'channel' | 'page' | 'incident' | 'maintenance';

export interface World {
  app: TestApp;
  /** A new client without a session or key. */
  anonymous(): TestClient;
  owner: TestClient;
  ownerEmail: string;
  orgId: string;
  member: TestClient;
  memberId: string;
  memberEmail: string;
  /** A local HTTP server that answers 200 (what monitors check) and one that records what it is sent (webhooks). */
  targetUrl: string;
  hooksUrl: string;
  /** An API key of the org holding every scope. */
  keyClient: TestClient;
  /** API keys of the org holding one scope each (for the 403s). */
  narrowKeys: Array<{ scope: string; client: TestClient }>;
  monitorId: string;
  channelId: string;
  pageId: string;
  slug: string;
  incidentId: string;
  updateId: string;
  maintenanceId: string;
  /** A pending invitation (a link nobody used). */
  invitation: { id: string; token: string };
  /** The owner's second session (POST /auth/login). */
  second?: TestClient;
  made: Partial<Record<Made, string>>;
  close(): Promise<void>;
}

function expectStatus(res: Answer, status: number, what: string): Answer {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

/** Starts the app and fills it. */
export async function startWalk(): Promise<World> {
  const closers: Array<() => Promise<void>> = [];
  try {
    const target = await httpReceiver();
    closers.push(() => target.close());
    const hooks: HttpReceiver = await httpReceiver();
    closers.push(() => hooks.close());
    const dns: TxtServer = await txtServer();
    closers.push(() => dns.close());
    // Default signup (invite): private targets allowed for members; the allowlist lets a visitor's webhook reach the receiver too.
    const app = await startTestApp({ PINGPAGE_TARGET_ALLOWLIST: '127.0.0.1', PINGPAGE_DNS_SERVERS: dns.server });
    closers.unshift(() => app.stop());

    const ownerEmail = 'owner@walk.test';
    const { client: owner, orgId } = await signUp(app.url, ownerEmail, { orgName: 'Walk', password: PASSWORD });
    const memberEmail = 'member@walk.test';
    const { client: member, user } = await signUpInvited(owner, orgId, memberEmail, 'member', { password: PASSWORD });
    const post = async (path: string, body: unknown, what: string) => expectStatus(await owner.post(`/orgs/${orgId}${path}`, body), 201, what).body;

    const key = await post('/api-keys', { name: 'Everything', scopes: [...SCOPES] }, 'API key');
    const narrowKeys = [];
    for (const scope of ['status-pages:read', 'monitors:read']) {
      const k = await post('/api-keys', { name: `Only ${scope}`, scopes: [scope] }, `${scope} key`);
      narrowKeys.push({ scope, client: new TestClient(app.url, { apiKey: k.key, origin: null }) });
    }
    const monitor = await post('/monitors', { name: 'Target', probe: 'http', config: { url: `${target.url}/health` }, intervalSeconds: 60 }, 'monitor');
    const channel = await post('/notification-channels', { name: 'Hook', notifier: 'webhook', config: { url: `${hooks.url}/in` } }, 'channel');
    const slug = 'walk';
    const page = await post(
      '/status-pages',
      { slug, title: 'Walk', customDomain: 'status.walk.test', components: [{ name: 'API', monitorIds: [monitor.id] }] },
      'status page',
    );
    dns.txt.set(page.domainVerification.record, [page.domainVerification.token]);
    const componentId = page.components[0].id as string;
    const incident = await post(
      '/incidents',
      { title: 'Slow answers', impact: 'minor', message: 'Looking into it', statusPageIds: [page.id], components: [{ componentId, status: 'degraded_performance' }] },
      'incident',
    );
    const now = Date.now();
    const maintenance = await post(
      '/maintenances',
      { title: 'Upgrade', startsAt: new Date(now + HOUR).toISOString(), endsAt: new Date(now + 2 * HOUR).toISOString(), monitorIds: [monitor.id], statusPageIds: [page.id] },
      'maintenance',
    );
    const pending = await post('/members', { email: 'pending@walk.test', role: 'member' }, 'invitation');

    return {
      app,
      anonymous: () => new TestClient(app.url),
      owner,
      ownerEmail,
      orgId,
      member,
      memberId: user.id,
      memberEmail,
      targetUrl: target.url,
      hooksUrl: hooks.url,
      keyClient: new TestClient(app.url, { apiKey: key.key, origin: null }),
      narrowKeys,
      monitorId: monitor.id,
      channelId: channel.id,
      pageId: page.id,
      slug,
      incidentId: incident.id,
      updateId: incident.updates[0].id,
      maintenanceId: maintenance.id,
      invitation: { id: pending.id, token: tokenOf(pending.link) },
      made: {},
      async close() {
        for (const close of closers) await close();
      },
    };
  } catch (err) {
    for (const close of closers) await close();
    throw err;
  }
}

/** What a POST step made, for the DELETE step that removes it. */
function made(w: World, kind: Made): string {
  const id = w.made[kind];
  if (!id) throw new Error(`nothing to delete: the step that creates a ${kind} did not succeed`);
  return id;
}

const keep = (w: World, kind: Made) => (res: Answer) => {
  w.made[kind] = res.body.id;
};

const org = (w: World) => `/orgs/${w.orgId}`;
const monitor = (w: World) => `${org(w)}/monitors/${w.monitorId}`;
const inAnHour = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

/**
 * One step per documented operation, in the order they run: reads and changes first, the
 * deletes (of what the POST steps made) at the end, signing out last.
 */
export const WALK: Record<string, Step> = {
  'GET /instance': async (w) => ({ path: '/instance', as: w.anonymous() }),
  'GET /openapi.json': async (w) => ({ path: '/openapi.json', as: w.anonymous() }),

  'POST /auth/signup': async (w) => {
    const email = 'joiner@walk.test';
    return { path: '/auth/signup', as: w.anonymous(), body: { email, password: PASSWORD, name: 'Joiner', invitationToken: await invite(w.owner, w.orgId, email) } };
  },
  'POST /auth/login': async (w) => {
    w.second = w.anonymous();
    return { path: '/auth/login', as: w.second, body: { email: w.ownerEmail, password: PASSWORD } };
  },
  'GET /auth/me': async () => ({ path: '/auth/me' }),
  'GET /auth/sessions': async () => ({ path: '/auth/sessions' }),
  'DELETE /auth/sessions/{id}': async (w) => {
    const sessions = expectStatus(await w.owner.get('/auth/sessions'), 200, 'sessions').body as Array<{ id: string; current: boolean }>;
    const other = sessions.find((s) => !s.current);
    if (!other) throw new Error('the owner has no second session to revoke (POST /auth/login makes it)');
    return { path: `/auth/sessions/${other.id}` };
  },
  'POST /auth/password': async (w) => ({ path: '/auth/password', as: w.member, body: { currentPassword: PASSWORD, newPassword: 'another horse battery' } }),
  'GET /auth/security-activity': async () => ({ path: '/auth/security-activity?limit=20' }),

  'GET /orgs': async (w) => ({ path: '/orgs', as: w.keyClient }),
  'POST /orgs': async (w) => ({ path: '/orgs', body: { name: 'Second' }, after: keep(w, 'org') }),
  'GET /orgs/{org}': async (w) => ({ path: org(w), as: w.keyClient }),
  'PATCH /orgs/{org}': async (w) => ({ path: org(w), body: { name: 'Walk (renamed)', membersCanWrite: false } }),
  'GET /orgs/{org}/first-steps': async (w) => ({ path: `${org(w)}/first-steps` }),
  'GET /orgs/{org}/members': async (w) => ({ path: `${org(w)}/members` }),
  'POST /orgs/{org}/members': async (w) => ({ path: `${org(w)}/members`, body: { email: 'invitee@walk.test', role: 'member' } }),
  'PATCH /orgs/{org}/members/{userId}': async (w) => ({ path: `${org(w)}/members/${w.memberId}`, body: { role: 'admin' } }),
  'GET /orgs/{org}/invitations': async (w) => ({ path: `${org(w)}/invitations` }),
  'GET /invitations/{token}': async (w) => ({ path: `/invitations/${w.invitation.token}`, as: w.anonymous() }),
  'POST /orgs/{org}/invitations/{id}/resend': async (w) => ({
    path: `${org(w)}/invitations/${w.invitation.id}/resend`,
    after: (res) => {
      w.invitation.token = tokenOf(res.body.link);
    },
  }),
  'POST /invitations/{token}/accept': async (w) => ({
    path: `/invitations/${await invite(w.owner, made(w, 'org'), w.memberEmail)}/accept`,
    as: w.member,
    body: {},
  }),
  'GET /orgs/{org}/api-keys': async (w) => ({ path: `${org(w)}/api-keys` }),
  'POST /orgs/{org}/api-keys': async (w) => ({ path: `${org(w)}/api-keys`, body: { name: 'CI', scopes: ['monitors:read'] }, after: keep(w, 'key') }),
  'GET /orgs/{org}/audit-log': async (w) => ({ path: `${org(w)}/audit-log?limit=50` }),

  'GET /probes': async () => ({ path: '/probes' }),
  'GET /orgs/{org}/monitors': async (w) => ({ path: `${org(w)}/monitors` }),
  'POST /orgs/{org}/monitors': async (w) => ({
    path: `${org(w)}/monitors`,
    body: { name: 'Spare', probe: 'http', config: { url: `${w.targetUrl}/spare` }, intervalSeconds: 3600, tags: ['walk'] },
    after: keep(w, 'monitor'),
  }),
  'GET /orgs/{org}/monitors/{id}': async (w) => ({ path: monitor(w) }),
  'PATCH /orgs/{org}/monitors/{id}': async (w) => ({ path: monitor(w), body: { name: 'Target (renamed)', assertions: [{ type: 'latency', maxMs: 5000, severity: 'warning' }] } }),
  'POST /orgs/{org}/monitors/{id}/pause': async (w) => ({ path: `${monitor(w)}/pause` }),
  'POST /orgs/{org}/monitors/{id}/resume': async (w) => ({ path: `${monitor(w)}/resume` }),
  'POST /orgs/{org}/monitors/{id}/check': async (w) => ({ path: `${monitor(w)}/check` }),
  'GET /orgs/{org}/monitors/{id}/heartbeats': async (w) => ({ path: `${monitor(w)}/heartbeats?limit=10` }),
  'GET /orgs/{org}/monitors/{id}/uptime': async (w) => ({ path: `${monitor(w)}/uptime?windows=24h,7d` }),
  'GET /orgs/{org}/monitors/{id}/daily': async (w) => ({ path: `${monitor(w)}/daily?days=7` }),
  'GET /orgs/{org}/dashboard': async (w) => ({ path: `${org(w)}/dashboard` }),

  'GET /notifiers': async (w) => ({ path: '/notifiers', as: w.keyClient }),
  'GET /orgs/{org}/notification-channels': async (w) => ({ path: `${org(w)}/notification-channels` }),
  'POST /orgs/{org}/notification-channels': async (w) => ({
    path: `${org(w)}/notification-channels`,
    body: { name: 'Spare hook', notifier: 'webhook', config: { url: `${w.hooksUrl}/spare` }, useForAllMonitors: false },
    after: keep(w, 'channel'),
  }),
  'GET /orgs/{org}/notification-channels/{id}': async (w) => ({ path: `${org(w)}/notification-channels/${w.channelId}` }),
  'PATCH /orgs/{org}/notification-channels/{id}': async (w) => ({ path: `${org(w)}/notification-channels/${w.channelId}`, body: { name: 'Hook (renamed)' } }),
  'POST /orgs/{org}/notification-channels/{id}/test': async (w) => ({ path: `${org(w)}/notification-channels/${w.channelId}/test` }),
  'GET /orgs/{org}/monitors/{id}/alert-policy': async (w) => ({ path: `${monitor(w)}/alert-policy` }),
  'PUT /orgs/{org}/monitors/{id}/alert-policy': async (w) => ({ path: `${monitor(w)}/alert-policy`, body: { channelIds: [w.channelId], remindEveryMinutes: 60 } }),
  'DELETE /orgs/{org}/monitors/{id}/alert-policy': async (w) => ({ path: `${monitor(w)}/alert-policy` }),
  'GET /orgs/{org}/alert-defaults': async (w) => ({ path: `${org(w)}/alert-defaults` }),
  'PUT /orgs/{org}/alert-defaults': async (w) => ({ path: `${org(w)}/alert-defaults`, body: { channelIds: [w.channelId], onDegraded: true } }),
  'GET /orgs/{org}/monitors/{id}/alerts': async (w) => ({ path: `${monitor(w)}/alerts?limit=10` }),

  'GET /orgs/{org}/status-pages': async (w) => ({ path: `${org(w)}/status-pages` }),
  'POST /orgs/{org}/status-pages': async (w) => ({ path: `${org(w)}/status-pages`, body: { slug: 'spare', title: 'Spare', components: [{ name: 'Web' }] }, after: keep(w, 'page') }),
  'GET /orgs/{org}/status-pages/{id}': async (w) => ({ path: `${org(w)}/status-pages/${w.pageId}` }),
  'PATCH /orgs/{org}/status-pages/{id}': async (w) => ({ path: `${org(w)}/status-pages/${w.pageId}`, body: { title: 'Walk status', brandColor: '#336699' } }),
  'POST /orgs/{org}/status-pages/{id}/domain/verify': async (w) => ({ path: `${org(w)}/status-pages/${w.pageId}/domain/verify` }),

  'GET /orgs/{org}/incidents': async (w) => ({ path: `${org(w)}/incidents?status=all&limit=10` }),
  'POST /orgs/{org}/incidents': async (w) => ({ path: `${org(w)}/incidents`, body: { title: 'Spare', impact: 'none', message: 'Nothing to see' }, after: keep(w, 'incident') }),
  'GET /orgs/{org}/incidents/{id}': async (w) => ({ path: `${org(w)}/incidents/${w.incidentId}` }),
  'PATCH /orgs/{org}/incidents/{id}': async (w) => ({ path: `${org(w)}/incidents/${w.incidentId}`, body: { title: 'Slow answers from the API' } }),
  'POST /orgs/{org}/incidents/{id}/updates': async (w) => ({ path: `${org(w)}/incidents/${w.incidentId}/updates`, body: { status: 'identified', message: 'A full disk' } }),
  'PATCH /orgs/{org}/incidents/{id}/updates/{updateId}': async (w) => ({ path: `${org(w)}/incidents/${w.incidentId}/updates/${w.updateId}`, body: { message: 'Looking into slow answers' } }),

  'GET /orgs/{org}/maintenances': async (w) => ({ path: `${org(w)}/maintenances?state=all&limit=10` }),
  'POST /orgs/{org}/maintenances': async (w) => ({
    path: `${org(w)}/maintenances`,
    body: { title: 'Spare window', startsAt: inAnHour(3), endsAt: inAnHour(4) },
    after: keep(w, 'maintenance'),
  }),
  'GET /orgs/{org}/maintenances/{id}': async (w) => ({ path: `${org(w)}/maintenances/${w.maintenanceId}` }),
  'PATCH /orgs/{org}/maintenances/{id}': async (w) => ({ path: `${org(w)}/maintenances/${w.maintenanceId}`, body: { title: 'Database upgrade', endsAt: inAnHour(3) } }),

  'GET /public/status-pages/{slug}': async (w) => ({ path: `/public/status-pages/${w.slug}`, as: w.anonymous() }),
  'POST /public/status-pages/{slug}/subscribers': async (w) => ({
    path: `/public/status-pages/${w.slug}/subscribers`,
    as: w.anonymous(),
    body: { webhookUrl: `${w.hooksUrl}/subscriber` },
  }),

  'DELETE /orgs/{org}/maintenances/{id}': async (w) => ({ path: `${org(w)}/maintenances/${made(w, 'maintenance')}` }),
  'DELETE /orgs/{org}/incidents/{id}': async (w) => ({ path: `${org(w)}/incidents/${made(w, 'incident')}` }),
  'DELETE /orgs/{org}/status-pages/{id}': async (w) => ({ path: `${org(w)}/status-pages/${made(w, 'page')}` }),
  'DELETE /orgs/{org}/notification-channels/{id}': async (w) => ({ path: `${org(w)}/notification-channels/${made(w, 'channel')}` }),
  'DELETE /orgs/{org}/monitors/{id}': async (w) => ({ path: `${org(w)}/monitors/${made(w, 'monitor')}` }),
  'DELETE /orgs/{org}/api-keys/{id}': async (w) => ({ path: `${org(w)}/api-keys/${made(w, 'key')}` }),
  'DELETE /orgs/{org}/invitations/{id}': async (w) => ({ path: `${org(w)}/invitations/${w.invitation.id}` }),
  'DELETE /orgs/{org}/members/{userId}': async (w) => ({ path: `${org(w)}/members/${w.memberId}` }),
  'DELETE /orgs/{org}': async (w) => ({ path: `/orgs/${made(w, 'org')}` }),
  'POST /auth/logout': async () => ({ path: '/auth/logout' }),
};
