/**
 * The status page's only script: the page is complete without it; with it, times read in the
 * visitor's own time zone (UTC on hover), and the main page subscribes
 * to `/status` and applies each `page:update` (component pills, overall line, incidents,
 * maintenance) as it arrives, and shows a "Live" badge while connected. Built by Vite from this
 * file into /assets/status.js.
 */
import { io, type Socket } from 'socket.io-client';
import type { PageUpdate, StatusClientEvents, StatusServerEvents } from '../../../contracts/events';
import type { PublicIncident, PublicMaintenance, PublicPage } from '../../../contracts/status-page';
import { RESOLVED_NOTE_MS } from '../../../contracts/vocab';
import { incidentCard, localTimes, maintenanceCard, resolvedNote, setComponent, setList, setOverall, setUpdated, syncHistory } from './dom';

localTimes();

const slug = document.body.dataset.slug;
const base = document.body.dataset.base ?? '';
const isProtected = document.body.dataset.protected !== undefined;
const live = document.getElementById('live');

function showLive(state: 'live' | 'reconnecting') {
  if (!live) return;
  live.hidden = false;
  live.classList.toggle('on', state === 'live');
  live.textContent = state === 'live' ? 'Live' : 'Reconnecting…';
  live.title = state === 'live' ? 'This page updates by itself' : 'Lost the live connection; retrying';
}

let notesTimer: ReturnType<typeof setTimeout> | undefined;

/** The resolved notes at the top: each for an hour after its incident was resolved, then gone. */
function showNotes(resolved: PublicIncident[]) {
  clearTimeout(notesTimer);
  const ends = (i: PublicIncident) => Date.parse(i.resolvedAt ?? i.updatedAt) + RESOLVED_NOTE_MS;
  const showing = resolved.filter((i) => ends(i) > Date.now());
  setList('resolved', 'resolved-list', showing, (i) => resolvedNote(i, base));
  if (showing.length) notesTimer = setTimeout(() => showNotes(showing), Math.min(...showing.map(ends)) - Date.now() + 1000);
}

function apply(u: Partial<PageUpdate>) {
  for (const c of u.components ?? []) setComponent(c.id, c.status);
  if (u.overall) setOverall(u.overall);
  if (u.incidents) {
    const incidents = u.incidents as PublicIncident[];
    // Current means open; a resolved one moves to the history at once, with a short note on top.
    setList('incidents', 'incident-list', incidents.filter((i) => i.status !== 'resolved'), (i) => incidentCard(i, base));
    showNotes(incidents.filter((i) => i.status === 'resolved'));
    syncHistory(incidents, base);
  }
  if (u.maintenances) setList('maintenances', 'maintenance-list', u.maintenances as PublicMaintenance[], maintenanceCard);
  if (u.at) setUpdated(u.at);
}

/**
 * A password-protected page's unlock cookie stays on the page's own path, so the socket (at
 * /socket.io/) subscribes with a short-lived token the page's path hands out instead.
 */
async function liveToken(): Promise<string | undefined> {
  if (!isProtected) return undefined;
  const res = await fetch(`${base}/live-token`, { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw new Error(`live token: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** The whole snapshot (after a (re)connect): everything may have changed while we were away. */
function applyPage(p: PublicPage) {
  apply({ components: p.components, overall: p.overall, incidents: p.incidents, maintenances: p.maintenances, at: p.updatedAt });
}

if (slug && live) {
  const socket: Socket<StatusServerEvents, StatusClientEvents> = io('/status');
  socket.on('connect', () => {
    liveToken().then(
      (token) =>
        socket.emit('subscribe', token ? { slug, token } : { slug }, (answer) => {
          if (!answer.ok) return;
          applyPage(answer.data as PublicPage);
          showLive('live');
        }),
      () => showLive('reconnecting'), // locked again (password changed) or offline: the page stays as loaded
    );
  });
  socket.on('disconnect', () => showLive('reconnecting'));
  socket.on('page:update', (u) => {
    if (u.slug === slug) apply(u);
  });
}
