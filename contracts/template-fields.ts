/**
 * What a message template may contain: the `{{field}}` names and the lengths the server takes.
 * Imports nothing, so the dashboard checks templates with these very values (client/src/lib/alerting.ts).
 */

/** Every field a template may name, with what it holds. */
export const TEMPLATE_FIELDS = {
  event: 'The event, e.g. monitor.down',
  at: 'When it happened (ISO 8601 UTC)',
  link: 'Where to look: the monitor in the dashboard or the status page',
  status: 'The monitor status after the change',
  previous: 'The monitor status before the change',
  'monitor.name': 'Monitor name',
  'monitor.id': 'Monitor id',
  'reason.code': 'Failure or warning code, e.g. TIMEOUT',
  'reason.message': 'Failure or warning text',
  reminder: 'Reminder number (1, 2, …) while down',
  downSince: 'When the outage began (ISO 8601 UTC)',
  downFor: 'How long the monitor has been down, e.g. 1 h 5 min',
  'certificate.daysLeft': 'Days until the certificate expires',
  'page.title': 'Status page title',
  'page.url': 'Status page URL',
  'incident.title': 'Incident title',
  'incident.status': 'Incident status',
  'incident.impact': 'Incident impact',
  'incident.message': 'Text of the incident update',
  'incident.components': 'Affected components, comma-separated',
  'maintenance.title': 'Maintenance title',
  'maintenance.description': 'Maintenance description',
  'maintenance.startsAt': 'Start (ISO 8601 UTC)',
  'maintenance.endsAt': 'End (ISO 8601 UTC)',
  'maintenance.components': 'Components in maintenance, comma-separated',
} as const;

export type TemplateField = keyof typeof TEMPLATE_FIELDS;

/** The longest texts a channel's template may have (characters). */
export const TEMPLATE_MAX = { subject: 300, body: 4000 } as const;

export const PLACEHOLDER = /\{\{\s*([A-Za-z.]+)\s*\}\}/g;

/** The names a template uses that are not in TEMPLATE_FIELDS. */
export function unknownFields(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((f) => !Object.hasOwn(TEMPLATE_FIELDS, f));
}
