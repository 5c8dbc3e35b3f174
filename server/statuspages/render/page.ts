/** The status page, the incident detail page and the password form, as complete HTML. */
import { uptimeLevel, type UptimeLevel } from '../../../contracts/uptime.js';
import type { DayBar, DerivedPage } from '../derive.js';
import type { PublicComponent, PublicIncident, PublicMaintenance } from '../../../contracts/status-page.js';
import { COMPONENT_LABEL, IMPACT_LABEL, INCIDENT_LABEL, OVERALL_LABEL, type Impact } from '../../../contracts/vocab.js';
import { statusTitle } from '../../../contracts/messages.js';
import { html, Safe } from './escape.js';
import { day, dayTime, duration, percent } from '../../../contracts/format.js';
import { BASE_CSS_PATH, documentHtml, footerHtml, ICON_PATH, type Frame } from './layout.js';
import { markdownHtml } from './markdown-html.js';
import { subscribeSection } from './subscribe.js';

export function statusPageHtml(f: Frame, d: DerivedPage, noindex: boolean): string {
  const p = d.page;
  // Current means open; a resolved one keeps only a short note here (and is in the history already).
  const open = p.incidents.filter((i) => i.status !== 'resolved');
  const notes = p.incidents.filter((i) => i.status === 'resolved');
  const body = html`<main id="main" class="wrap">
<section id="overall" class="overall s-${p.overall}" aria-live="polite"><span id="overall-text">${OVERALL_LABEL[p.overall]}</span><span id="live" class="live" hidden="">Live</span></section>
<section id="resolved" aria-label="Recently resolved"${notes.length ? '' : html` hidden=""`}>
<div id="resolved-list">${notes.map((i) => resolvedNote(f, i))}</div>
</section>
<section id="incidents" aria-labelledby="h-incidents"${open.length ? '' : html` hidden=""`}>
<h2 id="h-incidents">Current incidents</h2>
<div id="incident-list">${open.map((i) => incidentCard(f, i))}</div>
</section>
<section id="maintenances" aria-labelledby="h-maintenances"${p.maintenances.length ? '' : html` hidden=""`}>
<h2 id="h-maintenances">Scheduled maintenance</h2>
<div id="maintenance-list">${p.maintenances.map(maintenanceCard)}</div>
</section>
<section aria-labelledby="h-components">
<h2 id="h-components">Components</h2>
${groups(p.components).map(([group, list]) =>
  group === null
    ? componentList(list, d)
    : html`<div class="group"><h3>${group}</h3>${componentList(list, d)}</div>`,
)}
</section>
${historyHtml(f, d.past)}
${subscribeSection(f, p.components)}
</main>
${footerHtml(f, p.updatedAt)}`;
  return documentHtml(f, { title: statusTitle(p.title), body, script: true, noindex, subscribeLink: true });
}

export function incidentPageHtml(f: Frame, d: DerivedPage, incident: PublicIncident, noindex: boolean): string {
  const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : null;
  const body = html`<main id="main" class="wrap">
<a class="back" href="${f.base || '/'}">← ${statusTitle(f.record.title)}</a>
<article class="card impact-${incident.impact}">
<h2>${incident.title}</h2>
<p class="meta"><span class="pill i-${incident.status}">${INCIDENT_LABEL[incident.status]}</span>
<span>Impact: ${IMPACT_LABEL[incident.impact]}</span>
<span>Started <time datetime="${incident.startedAt}">${dayTime(incident.startedAt)}</time></span>
${end ? html`<span>Resolved after ${duration(end - Date.parse(incident.startedAt))}</span>` : ''}</p>
${affected(incident)}
${timeline(incident)}
</article>
</main>
${footerHtml(f, d.page.updatedAt)}`;
  return documentHtml(f, { title: `${incident.title} · ${statusTitle(f.record.title)}`, body, script: true, noindex });
}

export function passwordPageHtml(f: Frame, error: string | null): string {
  const body = html`<main id="main" class="wrap">
<form class="unlock card" method="post" action="${f.base}/unlock">
<h2>This status page is protected</h2>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<label for="password">Password</label>
<input id="password" name="password" type="password" required="" autocomplete="current-password" maxlength="200"/>
<button type="submit">View status</button>
</form>
</main>`;
  // The form shows nothing of the page but its title: that much the owner chose to make public.
  const frame = { ...f, record: { ...f.record, description: null, logoUrl: null, footerLinks: [] } };
  return documentHtml(frame, { title: statusTitle(f.record.title), body, script: false, noindex: true, alternates: false });
}

/** A plain page for unknown slugs and incidents (no page data to show). */
export function notFoundHtml(): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><meta name="robots" content="noindex"/><title>Not found</title><link rel="icon" href="${ICON_PATH}"/><link rel="stylesheet" href="${BASE_CSS_PATH}"/></head>
<body><main class="wrap"><h1>Not found</h1><p>There is no status page here.</p></main></body></html>
`;
}

function groups(list: PublicComponent[]): Array<[string | null, PublicComponent[]]> {
  const out: Array<[string | null, PublicComponent[]]> = [];
  for (const c of list) {
    const last = out[out.length - 1];
    if (last && last[0] === c.group) last[1].push(c);
    else out.push([c.group, [c]]);
  }
  return out;
}

function componentList(list: PublicComponent[], d: DerivedPage): Safe {
  return html`<ul class="comps">${list.map((c) => componentItem(c, d.bars.get(c.id)))}</ul>`;
}

function componentItem(c: PublicComponent, bars: DayBar[] | undefined): Safe {
  return html`<li class="comp" id="c-${c.id}" data-component="${c.id}">
<div class="comp-head"><span class="comp-name">${c.name}${c.description ? html`<span class="comp-desc">${c.description}</span>` : ''}</span><span class="pill s-${c.status}" data-status="${c.status}">${COMPONENT_LABEL[c.status]}</span></div>
${bars ? uptimeBars(c, bars) : c.latencyMs !== null ? html`<div class="legend"><span>${c.latencyMs} ms average response (24 h)</span></div>` : ''}
</li>`;
}

const LEVEL_CLASS = ['ok', 'mi', 'ma', 'cr'] as const;
const IMPACT_LEVEL: Record<Impact, number> = { none: 0, minor: 1, major: 2, critical: 3 };
const UPTIME_LEVEL: Record<UptimeLevel, number> = { good: 0, fair: 1, poor: 2, bad: 3 };

function barLevel(b: DayBar): number {
  const fromUptime = b.uptime === null ? 0 : UPTIME_LEVEL[uptimeLevel(b.uptime)];
  return Math.max(fromUptime, b.impact ? IMPACT_LEVEL[b.impact] : 0);
}

function barTitle(b: DayBar): string {
  const uptime = b.uptime === null ? 'no data' : `${percent(b.uptime)} uptime`;
  const incidents = b.incidents === 0 ? 'no incidents' : b.incidents === 1 ? '1 incident' : `${b.incidents} incidents`;
  return `${day(b.date)}: ${uptime}, ${incidents}`;
}

function uptimeBars(c: PublicComponent, bars: DayBar[]): Safe {
  const summary = c.uptime90d === null ? 'no data yet' : `${percent(c.uptime90d)} uptime`;
  // One string per bar, built without the template to keep 4,500 bars cheap; every part is escaped or constant.
  let items = '';
  for (const b of bars) {
    const cls = b.uptime === null && !b.impact ? 'nd' : LEVEL_CLASS[barLevel(b)];
    items += html`<li class="${cls}" title="${barTitle(b)}"></li>`.value;
  }
  return html`<ol class="bars" role="img" aria-label="${c.name}, last 90 days: ${summary}">${new Safe(items)}</ol>
<div class="legend"><span class="d90">90 days ago</span><span class="d30">30 days ago</span><span>${summary}${c.latencyMs !== null ? ` · ${c.latencyMs} ms avg (24 h)` : ''}</span><span>Today</span></div>`;
}

function affected(i: PublicIncident): Safe | '' {
  if (!i.components.length) return '';
  return html`<p class="meta">Affected: ${i.components.map((c, k) => html`${k ? ', ' : ''}${c.name} (${COMPONENT_LABEL[c.status].toLowerCase()})`)}</p>`;
}

function timeline(i: PublicIncident): Safe {
  return html`<ol class="timeline">${i.updates.map(
    (u) => html`<li><p class="upd-head"><strong>${INCIDENT_LABEL[u.status]}</strong> · <time datetime="${u.at}">${dayTime(u.at)}</time></p><div class="md">${markdownHtml(u.message)}</div></li>`,
  )}</ol>`;
}

function incidentCard(f: Frame, i: PublicIncident): Safe {
  return html`<article class="card impact-${i.impact}" id="i-${i.id}">
<h3><a href="${f.base}/incidents/${i.id}">${i.title}</a></h3>
<p class="meta"><span class="pill i-${i.status}">${INCIDENT_LABEL[i.status]}</span><span>Impact: ${IMPACT_LABEL[i.impact]}</span></p>
${affected(i)}
${timeline(i)}
</article>`;
}

/** A resolved incident's note at the top of the page: green, one line, linking to its story. */
function resolvedNote(f: Frame, i: PublicIncident): Safe {
  const at = i.resolvedAt ?? i.updatedAt;
  return html`<p class="note resolved" id="r-${i.id}"><span class="pill i-resolved">${INCIDENT_LABEL.resolved}</span> <a href="${f.base}/incidents/${i.id}">${i.title}</a> <span class="empty">resolved <time datetime="${at}">${dayTime(at)}</time>, after ${duration(Date.parse(at) - Date.parse(i.startedAt))}</span></p>`;
}

function maintenanceCard(m: PublicMaintenance): Safe {
  return html`<article class="card maintenance" id="m-${m.id}">
<h3>${m.title}</h3>
<p class="meta"><span class="pill m-${m.state}">${m.state === 'in_progress' ? 'In progress' : 'Scheduled'}</span>
<span><time datetime="${m.startsAt}">${dayTime(m.startsAt)}</time> – <time datetime="${m.endsAt}">${dayTime(m.endsAt)}</time></span></p>
${m.components.length ? html`<p class="meta">Affected: ${m.components.map((c, k) => html`${k ? ', ' : ''}${c.name}`)}</p>` : ''}
${m.description ? html`<div class="md">${markdownHtml(m.description)}</div>` : ''}
</article>`;
}

function historyHtml(f: Frame, history: PublicIncident[]): Safe {
  const byDay: Array<[string, PublicIncident[]]> = [];
  for (const i of history) {
    const d = i.startedAt.slice(0, 10);
    const last = byDay[byDay.length - 1];
    if (last && last[0] === d) last[1].push(i);
    else byDay.push([d, [i]]);
  }
  // Ids and data-day let the page's script keep the list current (client/src/status/dom.ts).
  return html`<section class="history" id="history" aria-labelledby="h-history">
<h2 id="h-history">Past incidents (90 days)</h2>
${byDay.map(
    ([d, list]) => html`<h3 data-day="${d}">${day(d)}</h3><ul>${list.map(
      (i) => html`<li id="h-${i.id}"><a href="${f.base}/incidents/${i.id}">${i.title}</a> <span class="pill i-${i.status}">${INCIDENT_LABEL[i.status]}</span>${
        i.resolvedAt ? html` <span class="empty">resolved after ${duration(Date.parse(i.resolvedAt) - Date.parse(i.startedAt))}</span>` : ''
      }</li>`,
    )}</ul>`,
  )}
<p class="empty" id="history-empty"${byDay.length ? html` hidden=""` : ''}>No incidents in the last 90 days.</p>
</section>`;
}
