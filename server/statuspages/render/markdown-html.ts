/** The Markdown subset's tree as escaped HTML (for pages and feeds). */
import { esc, Safe } from './escape.js';
import { parseMarkdown, type Block, type Inline } from '../../../contracts/markdown.js';

function inlineHtml(nodes: Inline[]): string {
  let out = '';
  for (const n of nodes) {
    switch (n.t) {
      case 'text':
        out += esc(n.v);
        break;
      case 'code':
        out += `<code>${esc(n.v)}</code>`;
        break;
      case 'strong':
        out += `<strong>${inlineHtml(n.c)}</strong>`;
        break;
      case 'em':
        out += `<em>${inlineHtml(n.c)}</em>`;
        break;
      case 'link':
        out += `<a href="${esc(n.href)}" rel="nofollow noopener noreferrer">${inlineHtml(n.c)}</a>`;
        break;
      case 'br':
        out += '<br/>';
        break;
    }
  }
  return out;
}

function blockHtml(b: Block): string {
  switch (b.t) {
    case 'p':
      return `<p>${inlineHtml(b.c)}</p>`;
    case 'ul':
      return `<ul>${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join('')}</ul>`;
    case 'ol':
      return `<ol${b.start !== 1 ? ` start="${b.start}"` : ''}>${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join('')}</ol>`;
    case 'pre':
      return `<pre><code>${esc(b.v)}</code></pre>`;
  }
}

export function markdownHtml(source: string): Safe {
  return new Safe(parseMarkdown(source).map(blockHtml).join(''));
}
