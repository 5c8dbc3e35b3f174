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

/** Signs up (or logs in) and answers the client and the user's first org id. */
export async function signUp(base: string, email: string, opts: { name?: string; password?: string; orgName?: string } = {}) {
  const client = new TestClient(base);
  const res = await client.post('/auth/signup', {
    email,
    password: opts.password ?? 'correct horse battery',
    name: opts.name ?? email.split('@')[0],
    ...(opts.orgName ? { orgName: opts.orgName } : {}),
  });
  if (res.status !== 201) throw new Error(`signup ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return { client, user: res.body.user as { id: string; email: string }, orgId: res.body.org?.id as string };
}
