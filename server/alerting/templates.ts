/**
 * Message templates: `{{field}}` placeholders from a fixed list, replaced in one pass by plain
 * text. Nothing else is interpreted: no expressions, no includes, no helpers, so a template can
 * reach only these values. Each notifier escapes the result for its medium (HTML, Markdown…).
 */
import type { AlertEvent, AlertFacts } from './sdk.js';
import { PLACEHOLDER, TEMPLATE_FIELDS, unknownFields, type TemplateField } from '../../contracts/template-fields.js';
import { duration } from '../../contracts/messages.js';

export { TEMPLATE_FIELDS, unknownFields, type TemplateField };

/** "2 d 3 h", "1 h 5 min", "45 s": durations are said one way everywhere (messages.ts). */
export { duration };

/** The values of every field for these facts ('' where a field does not apply). */
export function fieldValues(facts: AlertFacts, link: string | undefined): Record<TemplateField, string> {
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return {
    event: facts.event,
    at: facts.at,
    link: s(link),
    status: s(facts.status),
    previous: s(facts.previous),
    'monitor.name': s(facts.monitor?.name),
    'monitor.id': s(facts.monitor?.id),
    'reason.code': s(facts.reason?.code),
    'reason.message': s(facts.reason?.message),
    reminder: s(facts.reminder),
    downSince: s(facts.downSince),
    downFor: facts.downSince ? duration(Date.parse(facts.at) - Date.parse(facts.downSince)) : '',
    'certificate.daysLeft': s(facts.certificateDaysLeft),
    'page.title': s(facts.page?.title),
    'page.url': s(facts.page?.url),
    'incident.title': s(facts.incident?.title),
    'incident.status': s(facts.incident?.status),
    'incident.impact': s(facts.incident?.impact),
    'incident.message': s(facts.incident?.message),
    'incident.components': s(facts.incident?.components.join(', ')),
    'maintenance.title': s(facts.maintenance?.title),
    'maintenance.description': s(facts.maintenance?.description),
    'maintenance.startsAt': s(facts.maintenance?.startsAt),
    'maintenance.endsAt': s(facts.maintenance?.endsAt),
    'maintenance.components': s(facts.maintenance?.components.join(', ')),
  };
}

/** One pass: a value that itself contains `{{…}}` stays as it is. Control characters are dropped. */
export function render(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => (Object.hasOwn(values, name) ? values[name]! : '').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ''));
}

/** Built-in texts per event; `body` lines that render empty are dropped. */
export const DEFAULT_TEMPLATES: Record<AlertEvent, { subject: string; body: string }> = {
  'monitor.down': {
    subject: '🔴 {{monitor.name}} is down',
    body: '{{reason.code}}: {{reason.message}}\nDown since {{downSince}}',
  },
  'monitor.up': {
    subject: '🟢 {{monitor.name}} is up again',
    body: 'Recovered after {{downFor}} (down since {{downSince}}).',
  },
  'monitor.degraded': {
    subject: '🟠 {{monitor.name}} is degraded',
    body: '{{reason.code}}: {{reason.message}}',
  },
  'monitor.flapping': {
    subject: '🟣 {{monitor.name}} is flapping',
    body: 'The status changed too often; alerts for this monitor are held until it is stable.\nNow: {{status}}',
  },
  'incident.created': {
    subject: '[{{page.title}}] {{incident.title}}',
    body: '{{incident.status}}: {{incident.message}}\nAffected: {{incident.components}}',
  },
  'incident.updated': {
    subject: '[{{page.title}}] {{incident.title}}: {{incident.status}}',
    body: '{{incident.message}}\nAffected: {{incident.components}}',
  },
  'incident.resolved': {
    subject: '[{{page.title}}] Resolved: {{incident.title}}',
    body: '{{incident.message}}',
  },
  'maintenance.scheduled': {
    subject: '[{{page.title}}] Scheduled maintenance: {{maintenance.title}}',
    body: 'From {{maintenance.startsAt}} to {{maintenance.endsAt}}\n{{maintenance.description}}\nAffected: {{maintenance.components}}',
  },
  'maintenance.started': {
    subject: '[{{page.title}}] Maintenance started: {{maintenance.title}}',
    body: 'Until {{maintenance.endsAt}}\n{{maintenance.description}}\nAffected: {{maintenance.components}}',
  },
  'maintenance.completed': {
    subject: '[{{page.title}}] Maintenance completed: {{maintenance.title}}',
    body: 'The maintenance window has ended.',
  },
  'subscription.confirm': {
    subject: 'Confirm your subscription to {{page.title}}',
    body: 'Someone (hopefully you) asked to get updates from the {{page.title}} status page.\nIf it was not you, ignore this message: nothing will be sent without confirmation.',
  },
  invitation: {
    subject: 'You are invited to PingPage',
    body: 'Open the link to accept the invitation.',
  },
  test: {
    subject: 'PingPage test message',
    body: 'If you can read this, the channel works.',
  },
};

/** Lines whose placeholders all came out empty are dropped, so defaults read well for every event. */
export function renderBody(template: string, values: Record<string, string>): string {
  return template
    .split('\n')
    .filter((line) => {
      const names = [...line.matchAll(PLACEHOLDER)].map((m) => m[1]!);
      return names.length === 0 || names.some((n) => Object.hasOwn(values, n) && values[n] !== '');
    })
    .map((line) => render(line, values))
    .join('\n')
    .trim();
}
