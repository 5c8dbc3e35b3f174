/**
 * Re-renders the live parts of a server-rendered status page from pushed data. Every value is
 * set with textContent or validated attributes; no HTML string is ever parsed, so nothing a page
 * owner or incident author wrote can become markup.
 */
import { day, dayTime, duration } from '../../../contracts/format';
import { parseMarkdown, safeHref, type Block, type Inline } from '../../../contracts/markdown';
import type { PublicIncident, PublicMaintenance } from '../../../contracts/status-page';
import {
  COMPONENT_LABEL,
  IMPACT_LABEL,
  INCIDENT_LABEL,
  OVERALL_LABEL,
  type ComponentStatus,
  type Impact,
  type IncidentStatus,
} from '../../../contracts/vocab';

const known = <T extends string>(labels: Record<T, string>, value: string): value is T => Object.prototype.hasOwnProperty.call(labels, value);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  node.append(...children);
  return node;
}

function inlineNodes(nodes: Inline[]): Node[] {
  return nodes.map((n): Node => {
    switch (n.t) {
      case 'text':
        return document.createTextNode(n.v);
      case 'code':
        return el('code', { text: n.v });
      case 'strong':
        return el('strong', {}, ...inlineNodes(n.c));
      case 'em':
        return el('em', {}, ...inlineNodes(n.c));
      case 'br':
        return el('br');
      case 'link': {
        const href = safeHref(n.href);
        if (!href) return el('span', {}, ...inlineNodes(n.c));
        const a = el('a', {}, ...inlineNodes(n.c));
        a.href = href;
        a.rel = 'nofollow noopener noreferrer';
        return a;
      }
    }
  });
}

function blockNode(b: Block): Node {
  switch (b.t) {
    case 'p':
      return el('p', {}, ...inlineNodes(b.c));
    case 'ul':
      return el('ul', {}, ...b.items.map((i) => el('li', {}, ...inlineNodes(i))));
    case 'ol': {
      const ol = el('ol', {}, ...b.items.map((i) => el('li', {}, ...inlineNodes(i))));
      if (b.start !== 1) ol.start = b.start;
      return ol;
    }
    case 'pre':
      return el('pre', {}, el('code', { text: b.v }));
  }
}

export function markdown(source: string): HTMLDivElement {
  return el('div', { className: 'md' }, ...parseMarkdown(source).map(blockNode));
}

const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An instant in the visitor's own language and time zone, with the UTC time (as the server wrote it) on hover. */
export function setTime(t: HTMLTimeElement, iso: string): void {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return;
  t.dateTime = iso;
  t.textContent = local.format(d);
  t.title = dayTime(iso);
}

/** Every instant the server rendered (in UTC, for visitors without script), in the visitor's time zone instead. */
export function localTimes(root: ParentNode = document): void {
  for (const t of root.querySelectorAll<HTMLTimeElement>('time[datetime*="T"]')) setTime(t, t.dateTime);
}

function time(iso: string): HTMLTimeElement {
  const t = el('time', {});
  setTime(t, iso);
  return t;
}

function pill(className: string, text: string): HTMLSpanElement {
  return el('span', { className: `pill ${className}`, text });
}

export function incidentCard(i: PublicIncident, base: string): HTMLElement {
  const impact: Impact = known(IMPACT_LABEL, i.impact) ? i.impact : 'none';
  const status: IncidentStatus = known(INCIDENT_LABEL, i.status) ? i.status : 'investigating';
  const link = el('a', { text: i.title });
  link.href = `${base}/incidents/${encodeURIComponent(i.id)}`;
  const article = el(
    'article',
    { className: `card impact-${impact}` },
    el('h3', {}, link),
    el('p', { className: 'meta' }, pill(`i-${status}`, INCIDENT_LABEL[status]), el('span', { text: `Impact: ${IMPACT_LABEL[impact]}` })),
  );
  article.id = `i-${i.id}`;
  if (i.components.length) {
    const names = i.components.map((c) => `${c.name} (${(known(COMPONENT_LABEL, c.status) ? COMPONENT_LABEL[c.status] : c.status).toLowerCase()})`);
    article.append(el('p', { className: 'meta', text: `Affected: ${names.join(', ')}` }));
  }
  article.append(
    el(
      'ol',
      { className: 'timeline' },
      ...i.updates.map((u) =>
        el(
          'li',
          {},
          el('p', { className: 'upd-head' }, el('strong', { text: known(INCIDENT_LABEL, u.status) ? INCIDENT_LABEL[u.status] : u.status }), document.createTextNode(' · '), time(u.at)),
          markdown(u.message),
        ),
      ),
    ),
  );
  return article;
}

/** A resolved incident's short note at the top of the page (as render/page.ts draws it). */
export function resolvedNote(i: PublicIncident, base: string): HTMLElement {
  const at = i.resolvedAt ?? i.updatedAt;
  const link = el('a', { text: i.title });
  link.href = `${base}/incidents/${encodeURIComponent(i.id)}`;
  const note = el(
    'p',
    { className: 'note resolved' },
    pill('i-resolved', INCIDENT_LABEL.resolved),
    document.createTextNode(' '),
    link,
    document.createTextNode(' '),
    el('span', { className: 'empty' }, document.createTextNode('resolved '), time(at), document.createTextNode(`, after ${duration(Date.parse(at) - Date.parse(i.startedAt))}`)),
  );
  note.id = `r-${i.id}`;
  return note;
}

export function maintenanceCard(m: PublicMaintenance): HTMLElement {
  const running = m.state === 'in_progress';
  const article = el(
    'article',
    { className: 'card maintenance' },
    el('h3', { text: m.title }),
    el(
      'p',
      { className: 'meta' },
      pill(running ? 'm-in_progress' : 'm-scheduled', running ? 'In progress' : 'Scheduled'),
      el('span', {}, time(m.startsAt), document.createTextNode(' – '), time(m.endsAt)),
    ),
  );
  article.id = `m-${m.id}`;
  if (m.components.length) article.append(el('p', { className: 'meta', text: `Affected: ${m.components.map((c) => c.name).join(', ')}` }));
  if (m.description) article.append(markdown(m.description));
  return article;
}

/** Sets a component's pill; unknown ids (a component added since the page loaded) are skipped. */
export function setComponent(id: string, status: ComponentStatus): void {
  if (!known(COMPONENT_LABEL, status)) return;
  const pillEl = document.getElementById(`c-${id}`)?.querySelector<HTMLElement>('.pill[data-status]');
  if (!pillEl) return;
  pillEl.className = `pill s-${status}`;
  pillEl.dataset.status = status;
  pillEl.textContent = COMPONENT_LABEL[status];
}

export function setOverall(status: ComponentStatus): void {
  if (!known(OVERALL_LABEL, status)) return;
  const section = document.getElementById('overall');
  const text = document.getElementById('overall-text');
  if (!section || !text) return;
  section.className = `overall s-${status}`;
  text.textContent = OVERALL_LABEL[status];
}

/** Replaces a list section's cards; the section hides when the list is empty. */
export function setList<T>(sectionId: string, listId: string, items: T[], card: (item: T) => HTMLElement): void {
  const section = document.getElementById(sectionId);
  const list = document.getElementById(listId);
  if (!section || !list) return;
  list.replaceChildren(...items.map(card));
  section.hidden = items.length === 0;
}

export function setUpdated(iso: string): void {
  const t = document.getElementById('updated') as HTMLTimeElement | null;
  if (!t) return;
  setTime(t, iso);
}

/**
 * Brings "Past incidents" in line with pushed incidents: a resolved one is listed (on top, under
 * its day) with how long it lasted; an open one (reopened) is taken out, since it is current.
 */
export function syncHistory(incidents: PublicIncident[], base: string): void {
  const section = document.getElementById('history');
  if (!section) return;
  for (const i of [...incidents].sort((a, b) => a.startedAt.localeCompare(b.startedAt))) {
    const status: IncidentStatus = known(INCIDENT_LABEL, i.status) ? i.status : 'investigating';
    let item = document.getElementById(`h-${i.id}`);
    if (status !== 'resolved') {
      if (item) removeFromHistory(item);
      continue;
    }
    if (!item) {
      const link = el('a', { text: i.title });
      link.href = `${base}/incidents/${encodeURIComponent(i.id)}`;
      item = el('li', {}, link, document.createTextNode(' '), pill(`i-${status}`, ''));
      item.id = `h-${i.id}`;
      dayList(section, i.startedAt.slice(0, 10)).prepend(item);
    }
    item.querySelector('a')!.textContent = i.title;
    const p = item.querySelector('.pill')!;
    p.className = `pill i-${status}`;
    p.textContent = INCIDENT_LABEL[status];
    item.querySelector('.empty')?.remove();
    if (i.resolvedAt) item.append(' ', el('span', { className: 'empty', text: `resolved after ${duration(Date.parse(i.resolvedAt) - Date.parse(i.startedAt))}` }));
  }
  const empty = document.getElementById('history-empty');
  if (empty) empty.hidden = section.querySelector('li') !== null;
}

/** Takes an entry out of the history, and its day when nothing else happened that day. */
function removeFromHistory(item: HTMLElement): void {
  const list = item.parentElement;
  item.remove();
  if (list instanceof HTMLUListElement && !list.querySelector('li')) {
    const heading = list.previousElementSibling;
    if (heading instanceof HTMLElement && heading.dataset.day) heading.remove();
    list.remove();
  }
}

/** The list of one day's incidents in the history, made (newest day first) when missing. */
function dayList(section: HTMLElement, date: string): HTMLUListElement {
  const heading = section.querySelector<HTMLElement>(`h3[data-day="${date}"]`);
  if (heading?.nextElementSibling instanceof HTMLUListElement) return heading.nextElementSibling;
  const h3 = el('h3', { text: day(date) });
  h3.dataset.day = date;
  const list = el('ul');
  const older = [...section.querySelectorAll<HTMLElement>('h3[data-day]')].find((h) => (h.dataset.day ?? '') < date);
  if (older) older.before(h3, list);
  else section.querySelector('h2')!.after(h3, list);
  return list;
}
