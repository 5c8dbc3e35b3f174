/**
 * POST <page>/subscriptions: the status page's "Subscribe to updates" form, sent as a plain HTML
 * form (no JavaScript), on /status/:slug and on the page's custom domain alike. Subscribers are
 * alerting's business: it hands in `Subscriptions` (main.ts), so the status pages import nothing
 * of it. Only this POST reaches the database; the page itself stays in memory.
 */
import type Koa from 'koa';
import { AppError } from '../errors.js';
import { readForm, refuseCrossSite } from './forms.js';
import type { Frame } from './render/layout.js';
import { subscribedHtml, subscribeRefusedHtml, subscriptionsClosedHtml, type SubscribeField, type SubscribeProblem, type SubscribeValues } from './render/subscribe.js';
import type { PageView } from './store.js';

/** What the status pages need from whoever keeps subscribers. */
export interface Subscriptions {
  /** Subscriber e-mail can be sent (SMTP is configured); else the form offers webhooks only. */
  email: boolean;
  /**
   * Signs `ip` up to the page `slug` with the body `read` gives (`{email}` or `{webhookUrl}`,
   * `componentIds`): checks the per-IP limit, validates, queues the confirmation. Throws an
   * AppError saying why not (429 RATE_LIMITED, 400 VALIDATION_FAILED with field paths, …).
   */
  signUp(slug: string, ip: string, read: () => Promise<unknown>): Promise<void>;
}

const HTML = 'text/html; charset=utf-8';
/** 100 component ids and two addresses, urlencoded, fit with room to spare. */
const FORM_LIMIT = 16 * 1024;

export async function subscribeForm(ctx: Koa.Context, view: PageView, frame: Frame, subscriptions: Subscriptions): Promise<void> {
  const home = frame.base || '/';
  if (ctx.method === 'GET' || ctx.method === 'HEAD') {
    ctx.status = 303; // a reload of the answer, a bookmark: back to the form
    return ctx.redirect(`${home}#subscribe`);
  }
  if (ctx.method !== 'POST') throw new AppError(405, 'METHOD_NOT_ALLOWED', 'Use POST', undefined, { Allow: 'GET, HEAD, POST' });
  refuseCrossSite(ctx);
  ctx.set('Cache-Control', 'private, no-store');
  ctx.set('X-Robots-Tag', 'noindex, nofollow');
  ctx.type = HTML;
  const offer = frame.subscribe;
  if (!offer) {
    ctx.status = 403;
    ctx.body = subscriptionsClosedHtml(frame);
    return;
  }
  const values = valuesOf(await readForm(ctx, FORM_LIMIT));
  try {
    await subscriptions.signUp(view.record.slug, ctx.ip || 'unknown', async () => bodyOf(values));
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.headers) ctx.set(err.headers);
    ctx.status = err.status;
    ctx.body = subscribeRefusedHtml(frame, view.derived, values, problemOf(err, values, offer.email));
    return;
  }
  ctx.status = 200;
  ctx.body = subscribedHtml(frame, view.derived, values);
}

function valuesOf(form: URLSearchParams): SubscribeValues {
  return {
    email: (form.get('email') ?? '').trim(),
    webhookUrl: (form.get('webhookUrl') ?? '').trim(),
    componentIds: form.getAll('componentIds'),
  };
}

/** The JSON route's body: an empty field is a field not given. */
function bodyOf(v: SubscribeValues): unknown {
  return { ...(v.email ? { email: v.email } : {}), ...(v.webhookUrl ? { webhookUrl: v.webhookUrl } : {}), componentIds: v.componentIds };
}

/** The API's refusal in words for the form, on the field it concerns. */
export function problemOf(err: AppError, values: SubscribeValues, email: boolean): SubscribeProblem {
  const fields: SubscribeProblem['fields'] = {};
  switch (err.code) {
    case 'VALIDATION_FAILED': {
      const details = Array.isArray(err.details) ? (err.details as Array<{ path?: string; code?: string }>) : [];
      for (const d of details) {
        const [name] = (d.path ?? '').split('.');
        if (d.code === 'EMAIL_OR_WEBHOOK') {
          const both = values.email !== '' && values.webhookUrl !== '';
          fields[email ? 'email' : 'webhookUrl'] ??= both ? 'Give an e-mail address or a webhook URL, not both.' : email ? 'Enter your e-mail address.' : 'Enter a webhook URL.';
        } else if (name === 'email') fields.email ??= d.code === 'too_big' ? 'This address is too long.' : 'Enter an e-mail address such as name@example.com.';
        else if (name === 'webhookUrl') fields.webhookUrl ??= d.code === 'too_big' ? 'This URL is too long.' : 'Enter a URL that starts with https:// or http://.';
        else if (name === 'componentIds') fields.componentIds ??= d.code === 'too_big' ? 'Choose at most 100 components, or none to follow the whole page.' : 'Choose among the components on this page.';
      }
      const n = Object.keys(fields).length;
      return { summary: n === 0 ? err.message : n === 1 ? 'Check the marked field.' : 'Check the marked fields.', fields };
    }
    case 'TARGET_FORBIDDEN':
      return field('webhookUrl', 'This server may not send to that address. Use a public URL.');
    case 'EMAIL_UNAVAILABLE':
      return field(email ? 'email' : 'webhookUrl', 'This server cannot send e-mail. Subscribe with a webhook instead.');
    case 'RATE_LIMITED': {
      const minutes = Math.max(1, Math.ceil(Number(err.headers?.['Retry-After'] ?? 60) / 60));
      return { summary: `Too many sign-ups from your network. Try again in ${minutes === 1 ? 'a minute' : `${minutes} minutes`}.`, fields };
    }
    case 'SUBSCRIPTIONS_CLOSED':
      return { summary: 'This status page is private and takes no subscribers.', fields };
    case 'NOT_FOUND':
      return { summary: 'This status page does not exist any more.', fields };
    default:
      return { summary: err.message, fields };
  }
}

function field(name: SubscribeField, message: string): SubscribeProblem {
  return { summary: 'Check the marked field.', fields: { [name]: message } };
}
