/** The small pages subscription links open. Everything from outside is escaped. */
import { escapeHtml } from '../notifiers/email/layout.js';

/** No script at all; one inline style block; forms post back here only. */
export const SUBSCRIPTION_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const STYLE =
  'body{font-family:system-ui,sans-serif;color:#1d2939;background:#f9fafb;display:flex;justify-content:center;padding:48px 16px}' +
  'main{background:#fff;border:1px solid #eaecf0;border-radius:8px;padding:24px 32px;max-width:480px}' +
  'h1{font-size:20px;margin:0 0 12px}button{font:inherit;padding:8px 16px;border-radius:6px;border:1px solid #1d2939;background:#1d2939;color:#fff;cursor:pointer}' +
  'a{color:#175cd3}' +
  // As the status page does: dark when the visitor's system is.
  ':root{color-scheme:light dark}@media (prefers-color-scheme:dark){body{color:#e8eaee;background:#0f1115}main{background:#171a21;border-color:#2a2f3a}' +
  'button{background:#e8eaee;border-color:#e8eaee;color:#0f1115}a{color:#93b4ff}}';

export interface SubscriptionPage {
  title: string;
  message: string;
  /** A button that POSTs to `action` (confirmations are a click, not a link fetch). */
  form?: { action: string; label: string };
  /** Back to the status page. */
  pageUrl?: string;
}

export function subscriptionHtml(p: SubscriptionPage): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(p.title)}</title><style>${STYLE}</style></head><body><main>`,
    `<h1>${escapeHtml(p.title)}</h1><p>${escapeHtml(p.message)}</p>`,
    p.form ? `<form method="post" action="${escapeHtml(p.form.action)}"><button type="submit">${escapeHtml(p.form.label)}</button></form>` : '',
    p.pageUrl ? `<p><a href="${escapeHtml(p.pageUrl)}">Back to the status page</a></p>` : '',
    '</main></body></html>',
  ].join('');
}
