/** The snippets that embed a status page's badge in a README or a web page, linking to the page. */
import { statusTitle } from '../../../contracts/messages';
import type { StatusPage } from './status-pages';

export type BadgeKind = 'status' | 'uptime';

export interface BadgeChoice {
  /** A component's id; null: the whole page. */
  componentId: string | null;
  kind: BadgeKind;
}

export interface Badge {
  url: string;
  /** The image's text alternative: "Acme status", "Checkout uptime". */
  alt: string;
}

export function badgeOf(page: StatusPage, choice: BadgeChoice): Badge {
  const component = choice.componentId === null ? null : page.links.components.find((c) => c.id === choice.componentId);
  const links = component ? component.badge : page.links.badge;
  const name = component ? component.name : page.title;
  return { url: links[choice.kind], alt: choice.kind === 'status' ? statusTitle(name) : `${name} uptime` };
}

const htmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const markdownSnippet = (b: Badge, href: string) => `[![${b.alt.replace(/([\\[\]])/g, '\\$1')}](${b.url})](${href})`;

export const htmlSnippet = (b: Badge, href: string) => `<a href="${htmlEscape(href)}"><img src="${htmlEscape(b.url)}" alt="${htmlEscape(b.alt)}"></a>`;
