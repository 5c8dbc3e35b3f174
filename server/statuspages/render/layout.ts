/** The document around every public page: head, header, footer. */
import type { PageRecord } from '../load.js';
import { statusTitle } from '../../../contracts/messages.js';
import { html, type Safe } from './escape.js';
import { dayTime } from '../../../contracts/format.js';
import { safeHref } from '../../../contracts/markdown.js';
import { logoSrc } from '../../../contracts/status-page-requests.js';

/** Where the base stylesheet is served (same on custom domains). */
export const BASE_CSS_PATH = '/status/_/status.css';
/** The tab icon of a page without a logo (same on custom domains). */
export const ICON_PATH = '/status/_/icon.svg';
/** A neutral round mark: the page is the team's, not PingPage's. */
export const STATUS_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="none" stroke="#16a34a" stroke-opacity=".4" stroke-width="2"/><circle cx="16" cy="16" r="10" fill="#16a34a"/></svg>';
/** The live script's default URL; main.ts may pass the hashed name Vite gave it. */
export const SCRIPT_PATH = '/assets/status.js';

export interface Frame {
  record: PageRecord;
  /** Path prefix of this page's URLs: `/status/<slug>`, or '' on its custom domain. */
  base: string;
  /** `?v=` of theme.css, so a changed brand colour or custom CSS is fetched again. */
  themeVersion: string;
  /** Query string that busts the base stylesheet's cache when the server changes. */
  cssVersion: string;
  /** URL of the live script (same origin). */
  scriptUrl: string;
  /** The page offers "Subscribe to updates" (subscriptions are wired, the page is public); e-mail or webhooks only. */
  subscribe?: { email: boolean };
}

/** The page's JSON: the same path on /status/:slug and on its custom domain. */
export const jsonPath = (slug: string) => `/api/v1/public/status-pages/${encodeURIComponent(slug)}`;

/**
 * `subscribeLink`: the header links to the page's own "Subscribe to updates" form. `alternates`
 * (default on): the head names the feeds and the JSON; off where they would answer "password required".
 */
export function documentHtml(f: Frame, opts: { title: string; body: Safe; script: boolean; noindex: boolean; subscribeLink?: boolean; alternates?: boolean }): string {
  const r = f.record;
  const logo = logoSrc(r.logoUrl);
  return (
    '<!DOCTYPE html>\n' +
    html`<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>${opts.title}</title>
${r.description ? html`<meta name="description" content="${r.description}"/>` : ''}
${opts.noindex ? html`<meta name="robots" content="noindex, nofollow"/>` : ''}
<link rel="icon" href="${logo ?? ICON_PATH}"/>
<link rel="stylesheet" href="${BASE_CSS_PATH}?v=${f.cssVersion}"/>
<link rel="stylesheet" href="${f.base}/theme.css?v=${f.themeVersion}"/>
${opts.alternates === false ? '' : alternates(f)}
${opts.script ? html`<script type="module" src="${f.scriptUrl}"></script>` : ''}
</head>
<body data-slug="${r.slug}" data-base="${f.base}"${r.passwordHash !== null ? html` data-protected=""` : ''}>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="wrap">
${logo ? html`<img src="${logo}" alt=""/>` : ''}
<div><h1><a href="${f.base || '/'}">${r.title}</a></h1>${r.description ? html`<p>${r.description}</p>` : ''}</div>
${opts.subscribeLink && f.subscribe ? html`<a class="sub-link" href="#subscribe">Subscribe to updates</a>` : ''}
</div></header>
${opts.body}
</body>
</html>
`.value
  );
}

function alternates(f: Frame): Safe {
  const t = statusTitle(f.record.title);
  return html`<link rel="alternate" type="application/atom+xml" title="${t} (Atom)" href="${f.base}/feed.atom"/>
<link rel="alternate" type="application/rss+xml" title="${t} (RSS)" href="${f.base}/feed.rss"/>
<link rel="alternate" type="application/json" title="${t} (JSON)" href="${jsonPath(f.record.slug)}"/>`;
}

export function footerHtml(f: Frame, updatedAt: string): Safe {
  const links = f.record.footerLinks.flatMap((l) => {
    const href = safeHref(l.url);
    return href ? [html`<li><a href="${href}" rel="nofollow noopener">${l.label}</a></li>`] : [];
  });
  return html`<footer><div class="wrap">
${links.length ? html`<ul>${links}</ul>` : ''}
<p>Subscribe: ${f.subscribe ? html`<a href="${f.base || '/'}#subscribe">${f.subscribe.email ? 'E-mail' : 'Webhook'}</a> · ` : ''}<a href="${f.base}/feed.atom">Atom</a> · <a href="${f.base}/feed.rss">RSS</a> · <a href="${jsonPath(f.record.slug)}" type="application/json">JSON</a></p>
<p>Last updated <time id="updated" datetime="${updatedAt}">${dayTime(updatedAt)}</time> · Powered by PingPage</p>
</div></footer>`;
}
