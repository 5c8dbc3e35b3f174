/**
 * A browser-like HTTP client for tests: keeps the session cookie, sends our Origin on writes,
 * or an API key instead.
 */
export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class TestClient {
  cookie = '';
  constructor(
    readonly base: string,
    readonly opts: { origin?: string | null; apiKey?: string } = {},
  ) {}

  async req<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] ??= 'application/json';
    if (this.cookie) h.cookie = this.cookie;
    if (this.opts.apiKey) h.authorization = `Bearer ${this.opts.apiKey}`;
    const origin = this.opts.origin === undefined ? this.base : this.opts.origin;
    if (origin && method !== 'GET' && !('origin' in h)) h.origin = origin;
    const res = await fetch(this.base + '/api/v1' + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, value] = pair!.split('=');
      if (name === 'pp_session' || name === 'pp_session.sig') {
        const rest = this.cookie.split('; ').filter((p) => p && !p.startsWith(name + '='));
        this.cookie = (value ? [...rest, `${name}=${value}`] : rest).join('; ');
      }
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.req<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.req<T>('POST', path, body, headers);
  }
  patch<T = any>(path: string, body?: unknown) {
    return this.req<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.req<T>('DELETE', path);
  }

  /** A client holding a copy of this one's cookie (another tab, or a stolen cookie). */
  clone(): TestClient {
    const c = new TestClient(this.base, this.opts);
    c.cookie = this.cookie;
    return c;
  }
}

/** Signs up and answers the client and the user's first org id (the one joined by invitation, else its own). */
export async function signUp(
  base: string,
  email: string,
  opts: { name?: string; password?: string; orgName?: string; invitationToken?: string; setupCode?: string; headers?: Record<string, string> } = {},
) {
  const client = new TestClient(base);
  const res = await client.post(
    '/auth/signup',
    {
      email,
      password: opts.password ?? 'correct horse battery',
      name: opts.name ?? email.split('@')[0],
      ...(opts.orgName ? { orgName: opts.orgName } : {}),
      ...(opts.invitationToken ? { invitationToken: opts.invitationToken } : {}),
      ...(opts.setupCode ? { setupCode: opts.setupCode } : {}),
    },
    opts.headers,
  );
  if (res.status !== 201) throw new Error(`signup ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return { client, user: res.body.user as { id: string; email: string }, orgId: (res.body.joined?.id ?? res.body.org?.id) as string };
}

/** The secret of an invitation link (`…/invite/<token>`). */
export const tokenOf = (link: string) => link.slice(link.lastIndexOf('/invite/') + '/invite/'.length);

/** Invites `email` into `orgId` as `role` through the API (no SMTP: the link is answered) and answers the link's token. */
export async function invite(inviter: TestClient, orgId: string, email: string, role = 'member'): Promise<string> {
  const res = await inviter.post(`/orgs/${orgId}/members`, { email, role });
  if (res.status !== 201 || typeof res.body.link !== 'string') throw new Error(`invite ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return tokenOf(res.body.link);
}

/** Puts an existing account into `orgId` the real way: invited by `inviter`, accepted by `member` through the link. */
export async function addMember(inviter: TestClient, orgId: string, member: TestClient, role = 'member'): Promise<void> {
  const email = (await member.get('/auth/me')).body.user.email as string;
  const token = await invite(inviter, orgId, email, role);
  const res = await member.post(`/invitations/${token}/accept`);
  if (res.status !== 200) throw new Error(`accept ${email}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A new account that joins `orgId` through its invitation link at signup (the way in under PINGPAGE_SIGNUP=invite). */
export async function signUpInvited(inviter: TestClient, orgId: string, email: string, role = 'member', opts: { name?: string; password?: string } = {}) {
  return signUp(inviter.base, email, { ...opts, invitationToken: await invite(inviter, orgId, email, role) });
}
