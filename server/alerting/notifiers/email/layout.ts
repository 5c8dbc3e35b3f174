/** The e-mail's two bodies. Everything substituted into HTML is escaped; links are ours (PUBLIC_URL). */
import type { AlertMessage } from '../../sdk.js';
import { SEVERITY_COLORS } from '../shared/schema.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const hex = (n: number) => '#' + n.toString(16).padStart(6, '0');

export function emailText(m: AlertMessage): string {
  const parts = [m.title, '', m.text];
  if (m.facts.confirmUrl) parts.push('', `Confirm: ${m.facts.confirmUrl}`);
  if (m.link) parts.push('', m.link);
  if (m.unsubscribeUrl) parts.push('', `Unsubscribe: ${m.unsubscribeUrl}`);
  return parts.join('\n') + '\n';
}

export function emailHtml(m: AlertMessage): string {
  const link = (url: string, label: string) => `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;
  const paragraphs = m.text
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 12px">${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
  return [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1d2939;line-height:1.5">',
    `<div style="border-left:4px solid ${hex(SEVERITY_COLORS[m.severity])};padding:4px 16px;max-width:640px">`,
    `<h2 style="margin:0 0 12px;font-size:18px">${escapeHtml(m.title)}</h2>`,
    paragraphs,
    m.facts.confirmUrl ? `<p style="margin:16px 0">${link(m.facts.confirmUrl, 'Confirm subscription')}</p>` : '',
    m.link ? `<p style="margin:16px 0">${link(m.link, m.event === 'invitation' ? 'Open the invitation' : 'Open')}</p>` : '',
    '</div>',
    m.unsubscribeUrl ? `<p style="font-size:12px;color:#667085">${link(m.unsubscribeUrl, 'Unsubscribe')}</p>` : '',
    '</body></html>',
  ].join('');
}
