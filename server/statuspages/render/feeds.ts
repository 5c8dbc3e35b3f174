/** Atom 1.0 and RSS 2.0 feeds of a page's incidents (90 days) and maintenance windows. */
import type { DerivedPage } from '../derive.js';
import type { PageRecord } from '../load.js';
import { INCIDENT_LABEL } from '../../../contracts/vocab.js';
import { statusTitle } from '../../../contracts/messages.js';
import { esc } from './escape.js';
import { dayTime } from '../../../contracts/format.js';
import { markdownHtml } from './markdown-html.js';

interface Entry {
  id: string;
  title: string;
  link: string;
  /** ISO 8601 UTC. */
  published: string;
  /** ISO 8601 UTC. */
  updated: string;
  /** HTML (escaped once more when placed in the feed). */
  content: string;
}

function entries(record: PageRecord, d: DerivedPage, pageUrl: string): Entry[] {
  const incidents: Entry[] = d.history.map((i) => ({
    id: `urn:uuid:${i.id}`,
    title: `${i.status === 'resolved' ? '[Resolved] ' : ''}${i.title}`,
    link: `${pageUrl}/incidents/${i.id}`,
    published: i.startedAt,
    updated: i.updatedAt,
    content: i.updates
      .map((u) => `<p><strong>${esc(INCIDENT_LABEL[u.status])}</strong> · ${esc(dayTime(u.at))}</p>${markdownHtml(u.message).value}`)
      .join(''),
  }));
  const maintenances: Entry[] = record.maintenances.map((m) => ({
    id: `urn:uuid:${m.id}`,
    title: `[Maintenance] ${m.title}`,
    link: pageUrl,
    published: m.startsAt,
    updated: m.startsAt,
    content: `<p>${esc(dayTime(m.startsAt))} – ${esc(dayTime(m.endsAt))}</p>${markdownHtml(m.description).value}`,
  }));
  return [...incidents, ...maintenances].sort((a, b) => b.updated.localeCompare(a.updated));
}

/** `pageUrl`: the page's absolute URL without a trailing slash (…/status/<slug>, or the custom domain's origin). */
export function atomFeed(record: PageRecord, d: DerivedPage, pageUrl: string): string {
  const list = entries(record, d, pageUrl);
  const updated = list[0]?.updated ?? d.page.updatedAt;
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>urn:uuid:${esc(record.id)}</id>
<title>${esc(statusTitle(record.title))}</title>
<updated>${esc(updated)}</updated>
<author><name>${esc(record.title)}</name></author>
<link rel="self" type="application/atom+xml" href="${esc(pageUrl)}/feed.atom"/>
<link rel="alternate" type="text/html" href="${esc(pageUrl)}"/>
${list
  .map(
    (e) => `<entry>
<id>${esc(e.id)}</id>
<title>${esc(e.title)}</title>
<link rel="alternate" type="text/html" href="${esc(e.link)}"/>
<published>${esc(e.published)}</published>
<updated>${esc(e.updated)}</updated>
<content type="html">${esc(e.content)}</content>
</entry>`,
  )
  .join('\n')}
</feed>
`;
}

export function rssFeed(record: PageRecord, d: DerivedPage, pageUrl: string): string {
  const list = entries(record, d, pageUrl);
  const rfc822 = (isoTime: string) => new Date(isoTime).toUTCString();
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${esc(statusTitle(record.title))}</title>
<link>${esc(pageUrl)}</link>
<description>${esc(record.description ?? `Incidents and maintenance of ${record.title}`)}</description>
<atom:link href="${esc(pageUrl)}/feed.rss" rel="self" type="application/rss+xml"/>
<lastBuildDate>${rfc822(list[0]?.updated ?? d.page.updatedAt)}</lastBuildDate>
${list
  .map(
    (e) => `<item>
<title>${esc(e.title)}</title>
<link>${esc(e.link)}</link>
<guid isPermaLink="false">${esc(e.id)}</guid>
<pubDate>${rfc822(e.published)}</pubDate>
<description>${esc(e.content)}</description>
</item>`,
  )
  .join('\n')}
</channel>
</rss>
`;
}
