/** From an outbox row's facts to the message a notifier sends: severity, link and texts. */
import type { AlertEvent, AlertFacts, AlertMessage, Severity } from './sdk.js';
import { DEFAULT_TEMPLATES, fieldValues, render, renderBody } from './templates.js';
import type { Template } from '../../contracts/alerting-requests.js';

const REMINDER = {
  subject: '🔴 {{monitor.name}} is still down (reminder {{reminder}})',
  body: '{{reason.code}}: {{reason.message}}\nDown for {{downFor}}, since {{downSince}}',
};

function severityOf(facts: AlertFacts): Severity {
  switch (facts.event) {
    case 'monitor.down':
      return 'critical';
    case 'monitor.degraded':
    case 'monitor.flapping':
      return 'warning';
    case 'monitor.up':
    case 'incident.resolved':
    case 'maintenance.completed':
      return 'ok';
    case 'incident.created':
    case 'incident.updated': {
      const impact = facts.incident?.impact;
      return impact === 'critical' || impact === 'major' ? 'critical' : impact === 'minor' ? 'warning' : 'info';
    }
    default:
      return 'info';
  }
}

export interface MessageInput {
  /** The outbox row id: the delivery id receivers dedupe on. */
  id: string;
  orgId: string;
  facts: AlertFacts;
  /** The channel's own texts, if it has any. */
  template?: Template | null;
  /** PUBLIC_URL, without a trailing slash. */
  publicUrl: string;
  unsubscribeUrl?: string;
}

/** The dashboard page of a monitor, or the status page of page events. */
export function linkOf(facts: AlertFacts, orgId: string, publicUrl: string): string | undefined {
  if (facts.page) return facts.page.url;
  if (facts.monitor) return `${publicUrl}/orgs/${orgId}/monitors/${facts.monitor.id}`;
  return undefined;
}

export function buildMessage(i: MessageInput): AlertMessage {
  const link = linkOf(i.facts, i.orgId, i.publicUrl);
  const values = fieldValues(i.facts, link);
  const event: AlertEvent = i.facts.event;
  const builtIn = i.facts.reminder ? REMINDER : DEFAULT_TEMPLATES[event];
  // A confirmation's wording is ours: its link is the point, and a custom text could hide it.
  const own = event === 'subscription.confirm' ? undefined : i.template;
  return {
    id: i.id,
    event,
    title: render(own?.subject ?? builtIn.subject, values).replace(/\s+/g, ' ').trim(),
    text: renderBody(own?.body ?? builtIn.body, values),
    severity: severityOf(i.facts),
    at: i.facts.at,
    ...(link ? { link } : {}),
    ...(i.unsubscribeUrl ? { unsubscribeUrl: i.unsubscribeUrl } : {}),
    facts: i.facts,
  };
}
