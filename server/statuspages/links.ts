/**
 * The admin API's answer for a status page: the stored page (service.ts) with the absolute
 * addresses of its public documents on PUBLIC_URL, and the DNS records its custom domain needs.
 * A password-protected page answers its JSON, feeds and badges only to browsers that unlocked it.
 */
import { dnsAdvice } from './dns-advice.js';
import type { BadgeLinks, PageAnswer, PageJson, PageLinks } from '../../contracts/status-page-admin.js';

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
