/**
 * The admin API's answer for a status page: the stored page (service.ts) with the absolute
 * addresses of its public documents on PUBLIC_URL, and the DNS records its custom domain needs.
 * A password-protected page answers its JSON, feeds and badges only to browsers that unlocked it.
 */
import { dnsAdvice, type DnsAdvice } from './dns-advice.js';
import type { PageJson } from './service.js';

/** A badge in its two kinds (public.ts draws them). */
export interface BadgeLinks {
  /** The current status ("operational", "major outage", …). */
  status: string;
  /** The 90-day uptime in percent. */
  uptime: string;
}

export interface PageLinks {
  page: string;
  /** GET /api/v1/public/status-pages/:slug */
  json: string;
  atom: string;
  rss: string;
  /** The whole page's badge. */
  badge: BadgeLinks;
  /** One badge per component, in the page's order. */
  components: Array<{ id: string; name: string; badge: BadgeLinks }>;
}

export type PageAnswer = PageJson & {
  links: PageLinks;
  /** The records to add at the custom domain's DNS provider; null without a custom domain. */
  dns: DnsAdvice | null;
};

const badges = (svg: string): BadgeLinks => ({ status: svg, uptime: `${svg}?type=uptime` });

export function pageLinks(publicUrl: string, page: Pick<PageJson, 'slug' | 'components'>): PageLinks {
  const origin = publicUrl.replace(/\/+$/, '');
  const slug = encodeURIComponent(page.slug);
  const base = `${origin}/status/${slug}`;
  return {
    page: base,
    json: `${origin}/api/v1/public/status-pages/${slug}`,
    atom: `${base}/feed.atom`,
    rss: `${base}/feed.rss`,
    badge: badges(`${base}/badge.svg`),
    components: page.components.map((c) => ({ id: c.id, name: c.name, badge: badges(`${base}/components/${c.id}/badge.svg`) })),
  };
}

export function pageAnswer(publicUrl: string, page: PageJson): PageAnswer {
  const proof = page.domainVerification;
  return {
    ...page,
    links: pageLinks(publicUrl, page),
    dns: page.customDomain && proof ? dnsAdvice(publicUrl, page.customDomain, proof.token) : null,
  };
}
