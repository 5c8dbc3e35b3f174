/** Who is signed in, their organizations, and what they may do in the one being looked at. */
import { api, ApiError } from './api';
import type { Me, Org, OrgRef, User } from './types';

const LAST_ORG = 'pingpage.lastOrg';

class Session {
  /** Undefined until /auth/me answered; null when nobody is signed in. */
  user = $state<User | null | undefined>(undefined);
  orgs = $state<OrgRef[]>([]);
  /** The organization in the URL. */
  orgId = $state<string | null>(null);
  /** The org's settings (membersCanWrite); loaded when orgId changes. */
  orgDetails = $state<Org | null>(null);

  org = $derived(this.orgs.find((o) => o.id === this.orgId) ?? null);
  role = $derived(this.org?.role ?? null);
  /** Owners and admins: members, API keys, audit log, every monitor action. */
  canManage = $derived(this.role === 'owner' || this.role === 'admin');
  /** Create, edit, run, pause and delete monitors. */
  canWriteMonitors = $derived(this.canManage || (this.role === 'member' && !!this.orgDetails?.membersCanWrite));

  async load(): Promise<void> {
    try {
      const me = await api<Me>('GET', '/auth/me');
      this.user = me.user;
      this.orgs = me.orgs;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.clear();
      else throw err;
    }
  }

  clear() {
    this.user = null;
    this.orgs = [];
    this.orgId = null;
    this.orgDetails = null;
  }

  async refreshOrgs() {
    const me = await api<Me>('GET', '/auth/me');
    this.user = me.user;
    this.orgs = me.orgs;
  }

  /** The org to open when the URL names none: the last one used, else the first. */
  defaultOrgId(): string | null {
    const last = localStorage.getItem(LAST_ORG);
    return this.orgs.find((o) => o.id === last)?.id ?? this.orgs[0]?.id ?? null;
  }

  async selectOrg(id: string | null) {
    if (this.orgId === id) return;
    this.orgId = id;
    this.orgDetails = null;
    if (!id) return;
    localStorage.setItem(LAST_ORG, id);
    try {
      const details = await api<Org>('GET', `/orgs/${id}`);
      if (this.orgId === id) this.orgDetails = details;
    } catch {
      // Not fatal: without the policy, members simply see read-only monitor views.
    }
  }

  async signOut() {
    try {
      await api('POST', '/auth/logout');
    } finally {
      this.clear();
    }
  }
}

export const session = new Session();
