/**
 * A small History API router: the current path and query as state, `go()` to move, and one
 * click listener that turns same-origin <a href> clicks into `go()` (no full reloads).
 */

export type RouteName =
  | 'setup'
  | 'sign-in'
  | 'sign-up'
  | 'invite'
  | 'home'
  | 'overview'
  | 'monitor-new'
  | 'monitor'
  | 'monitor-edit'
  | 'members'
  | 'api-keys'
  | 'audit-log'
  | 'status-pages'
  | 'status-page-new'
  | 'status-page'
  | 'incidents'
  | 'incident-new'
  | 'incident'
  | 'maintenances'
  | 'maintenance-new'
  | 'maintenance'
  | 'notifications'
  | 'channel-new'
  | 'channel'
  | 'account'
  | 'not-found';

export interface Route {
  name: RouteName;
  params: Record<string, string>;
}

// Literal segments match themselves; `:name` captures one segment.
const TABLE: Array<[string, RouteName]> = [
  ['/', 'home'],
  ['/setup', 'setup'],
  ['/sign-in', 'sign-in'],
  ['/sign-up', 'sign-up'],
  ['/invite/:token', 'invite'],
  ['/account', 'account'],
  ['/orgs/:org', 'overview'],
  ['/orgs/:org/monitors/new', 'monitor-new'],
  ['/orgs/:org/monitors/:id', 'monitor'],
  ['/orgs/:org/monitors/:id/edit', 'monitor-edit'],
  ['/orgs/:org/members', 'members'],
  ['/orgs/:org/api-keys', 'api-keys'],
  ['/orgs/:org/audit-log', 'audit-log'],
  ['/orgs/:org/status-pages', 'status-pages'],
  ['/orgs/:org/status-pages/new', 'status-page-new'],
  ['/orgs/:org/status-pages/:id', 'status-page'],
  ['/orgs/:org/incidents', 'incidents'],
  ['/orgs/:org/incidents/new', 'incident-new'],
  ['/orgs/:org/incidents/:id', 'incident'],
  ['/orgs/:org/maintenances', 'maintenances'],
  ['/orgs/:org/maintenances/new', 'maintenance-new'],
  ['/orgs/:org/maintenances/:id', 'maintenance'],
  ['/orgs/:org/notifications', 'notifications'],
  ['/orgs/:org/notifications/new', 'channel-new'],
  ['/orgs/:org/notifications/:id', 'channel'],
];

export function match(path: string): Route {
  const parts = path.split('/').filter(Boolean);
  for (const [pattern, name] of TABLE) {
    const want = pattern.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) {
      const w = want[i]!;
      if (w.startsWith(':')) {
        try {
          params[w.slice(1)] = decodeURIComponent(parts[i]!);
        } catch {
          ok = false;
        }
      } else ok = w === parts[i];
    }
    if (ok) return { name, params };
  }
  return { name: 'not-found', params: {} };
}

class Router {
  path = $state(location.pathname);
  search = $state(location.search);
  route: Route = $derived(match(this.path));
  query = $derived(new URLSearchParams(this.search));

  /** Moves to `url` (same origin). `replace` rewrites the current history entry instead of adding one. */
  go(url: string, opts: { replace?: boolean } = {}) {
    const next = new URL(url, location.href);
    if (next.origin !== location.origin) {
      location.assign(next.href);
      return;
    }
    const target = next.pathname + next.search + next.hash;
    if (target !== location.pathname + location.search + location.hash) {
      history[opts.replace ? 'replaceState' : 'pushState'](null, '', target);
    }
    const moved = this.path !== next.pathname;
    this.path = next.pathname;
    this.search = next.search;
    if (moved && !opts.replace) window.scrollTo(0, 0);
  }

  /** Updates query parameters in place (filters, paging) without a new history entry. */
  setQuery(values: Record<string, string | undefined>) {
    const params = new URLSearchParams(this.search);
    for (const [k, v] of Object.entries(values)) {
      if (v) params.set(k, v);
      else params.delete(k);
    }
    const qs = params.toString();
    this.go(this.path + (qs ? '?' + qs : ''), { replace: true });
  }

  start() {
    addEventListener('popstate', () => {
      this.path = location.pathname;
      this.search = location.search;
    });
    document.addEventListener('click', (event) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const a = (event.target as Element | null)?.closest?.('a');
      if (!a || !a.href || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
      const url = new URL(a.href);
      if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/status/')) return;
      event.preventDefault();
      this.go(url.href);
    });
  }
}

export const router = new Router();
