/**
 * "Subscribe to updates": the form at the foot of a status page, and the pages its POST answers
 * (check your inbox; the form again with what went wrong). Plain HTML that works without
 * JavaScript; the component choice folds away in a <details>.
 */
import type { DerivedPage } from '../derive.js';
import type { PublicComponent } from '../../../contracts/status-page.js';
import { html, type Safe } from './escape.js';
import { documentHtml, type Frame } from './layout.js';

/** What a visitor typed, kept to fill the form again when it is refused. */
export interface SubscribeValues {
  email: string;
  webhookUrl: string;
  /** Ticked components; none: the whole page. */
  componentIds: string[];
}

export type SubscribeField = 'email' | 'webhookUrl' | 'componentIds';

/** Why a sign-up was refused: one line for the top of the form, and messages by field. */
export interface SubscribeProblem {
  summary: string;
  fields: Partial<Record<SubscribeField, string>>;
}

const EMPTY: SubscribeValues = { email: '', webhookUrl: '', componentIds: [] };

/** The form's section, on the status page (empty) or on the page a refused POST answers. */
export function subscribeSection(f: Frame, components: PublicComponent[], values: SubscribeValues = EMPTY, problem?: SubscribeProblem): Safe | '' {
  const offer = f.subscribe;
  if (!offer) return '';
  const errors = problem?.fields ?? {};
  const webhookOpen = values.webhookUrl !== '' || errors.webhookUrl !== undefined;
  const webhook = field('webhookUrl', 'sub-webhook', 'Webhook URL', values.webhookUrl, errors.webhookUrl, {
    type: 'url',
    maxlength: 2048,
    placeholder: 'https://',
    hint: 'We POST signed JSON to it. The first request carries a link to confirm.',
  });
  return html`<section id="subscribe" class="subscribe" aria-labelledby="h-subscribe">
<h2 id="h-subscribe">Subscribe to updates</h2>
<form class="card sub" method="post" action="${f.base}/subscriptions">
<p class="hint">Get a message when an incident is opened, updated or resolved, and when maintenance is planned.</p>
${problem ? html`<div class="sub-problem" role="alert"><p><strong>Not subscribed yet.</strong> ${problem.summary}</p></div>` : ''}
${offer.email
    ? html`${field('email', 'sub-email', 'E-mail address', values.email, errors.email, { type: 'email', maxlength: 254, autocomplete: 'email', placeholder: 'you@example.com' })}
<details class="sub-more"${webhookOpen ? html` open=""` : ''}><summary>Or send updates to a webhook</summary>${webhook}</details>`
    : webhook}
${componentChoice(components, values.componentIds, errors.componentIds)}
<button type="submit">Subscribe</button>
<p class="hint">We ask you to confirm first. Every message has a link to unsubscribe.</p>
</form>
</section>`;
}

function field(
  name: SubscribeField,
  id: string,
  label: string,
  value: string,
  error: string | undefined,
  o: { type: string; maxlength: number; placeholder: string; autocomplete?: string; hint?: string },
): Safe {
  const described = [o.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field">
<label for="${id}">${label}</label>
<input id="${id}" name="${name}" type="${o.type}" value="${value}" maxlength="${o.maxlength}" placeholder="${o.placeholder}" autocomplete="${o.autocomplete ?? 'off'}"${
    described ? html` aria-describedby="${described}"` : ''
  }${error ? html` aria-invalid="true"` : ''}/>
${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
</div>`;
}

function componentChoice(components: PublicComponent[], chosen: string[], error: string | undefined): Safe | '' {
  // One component is the whole page: nothing to choose.
  if (components.length < 2) return '';
  const ticked = new Set(chosen);
  return html`<details class="sub-more"${ticked.size || error ? html` open=""` : ''}><summary>Only some components</summary>
<fieldset${error ? html` aria-describedby="sub-components-error"` : ''}>
<legend class="hint">Tick the components you care about, or none to follow the whole page.</legend>
<ul class="sub-choices">${components.map(
    (c) => html`<li><label><input type="checkbox" name="componentIds" value="${c.id}"${ticked.has(c.id) ? html` checked=""` : ''}/> <span>${c.name}${
      c.group ? html` <span class="hint">${c.group}</span>` : ''
    }</span></label></li>`,
  )}</ul>
${error ? html`<p class="field-error" id="sub-components-error">${error}</p>` : ''}
</fieldset>
</details>`;
}

/** The answer to an accepted sign-up. */
export function subscribedHtml(f: Frame, d: DerivedPage, values: SubscribeValues): string {
  const chosen = d.page.components.filter((c) => values.componentIds.includes(c.id)).map((c) => c.name);
  const home = f.base || '/';
  const body = html`<main id="main" class="wrap">
<section class="card sub-done" aria-labelledby="h-done">
${values.email
    ? html`<h2 id="h-done">Check your inbox</h2>
<p>We sent a link to <strong>${values.email}</strong> to confirm your subscription to ${f.record.title}. Updates start once you open it.</p>
${chosen.length ? html`<p>You chose: ${chosen.join(', ')}.</p>` : html`<p>You chose the whole page.</p>`}
<p class="hint">The link works for 7 days. Nothing arrived? Look in your spam folder. An address that is already subscribed gets no second link.</p>`
    : html`<h2 id="h-done">Confirm from your webhook</h2>
<p>We are sending a <code>subscription.confirm</code> request to <strong class="url">${values.webhookUrl}</strong>. POST to the <code>confirmUrl</code> it carries to start getting updates from ${f.record.title}.</p>
${chosen.length ? html`<p>You chose: ${chosen.join(', ')}.</p>` : html`<p>You chose the whole page.</p>`}
<p class="hint">Updates are signed with the <code>signingSecret</code> that request carries.</p>`}
<p><a href="${home}">← Back to ${f.record.title}</a></p>
</section>
</main>`;
  return documentHtml(f, { title: `Confirm your subscription · ${f.record.title}`, body, script: false, noindex: true });
}

/** The form again, filled in as sent, with what went wrong. */
export function subscribeRefusedHtml(f: Frame, d: DerivedPage, values: SubscribeValues, problem: SubscribeProblem): string {
  const body = html`<main id="main" class="wrap">
<a class="back" href="${f.base || '/'}">← ${f.record.title}</a>
${subscribeSection(f, d.page.components, values, problem)}
</main>`;
  return documentHtml(f, { title: `Subscribe · ${f.record.title}`, body, script: false, noindex: true });
}

/** A page that takes no subscribers (password-protected): nothing of it but its title. */
export function subscriptionsClosedHtml(f: Frame): string {
  const body = html`<main id="main" class="wrap">
<section class="card sub-done"><h2>No subscriptions here</h2><p>This status page is private and takes no subscribers.</p>
<p><a href="${f.base || '/'}">← Back</a></p></section>
</main>`;
  const frame = { ...f, record: { ...f.record, description: null, logoUrl: null, footerLinks: [] } };
  return documentHtml(frame, { title: f.record.title, body, script: false, noindex: true });
}
