/** The tab's icon: the green pulse normally, red (with the count of down monitors) when something is down. */

function icon(color: string, badge?: string): string {
  const pulse = '<path d="M6 17h5l3-7 4 13 3-6h5" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/>';
  const text = badge
    ? `<circle cx="24" cy="8" r="8" fill="#fff"/><text x="24" y="12" text-anchor="middle" font-family="system-ui,sans-serif" font-size="${badge.length > 1 ? 9 : 11}" font-weight="700" fill="${color}">${badge}</text>`
    : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="${color}"/>${pulse}${text}</svg>`;
  return 'data:image/svg+xml,' + encodeURIComponent(svg);
}

const NORMAL = '/favicon.svg';
let current = NORMAL;

/** `down` monitors are down now; 0 restores the normal icon. */
export function setFavicon(down: number) {
  const href = down > 0 ? icon('#dc2626', down > 9 ? '9+' : String(down)) : NORMAL;
  if (href === current) return;
  current = href;
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.append(link);
  }
  link.type = 'image/svg+xml';
  link.href = href;
}
