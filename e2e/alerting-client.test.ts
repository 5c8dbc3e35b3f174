/**
 * The alerting screens' helpers (client/src/lib/alerting.ts) against the real server pieces:
 * the notifiers' schemas as GET /notifiers serves them, configs masked as the API masks them,
 * and the template fields the server accepts.
 */
import { describe, expect, it } from 'vitest';
import { targetSummary, TEMPLATE_FIELDS as CLIENT_FIELDS, unknownTemplateFields, type Notifier } from '../client/src/lib/alerting.js';
import { builtinNotifiers } from '../server/alerting/notifiers/index.js';
import { NotifierRegistry } from '../server/alerting/registry.js';
import { TEMPLATE_FIELDS, unknownFields } from '../server/alerting/templates.js';

const registry = new NotifierRegistry(Object.values(builtinNotifiers));
const notifier = (id: string) => registry.list().find((n) => n.id === id) as Notifier;
/** What a member or an admin sees of a stored config, and the summary made of it. */
const summary = (id: string, config: Record<string, unknown>) => targetSummary({ config: registry.secrets.mask(id, config) }, notifier(id));

describe('target summaries', () => {
  it.each([
    ['webhook', { url: 'https://hooks.example.com/in/T0K3N?sig=abc', headers: { Authorization: 'Bearer s3cret' } }, 'https://hooks.example.com/…'],
    ['webhook', { url: 'http://10.0.0.5:8080', headers: {} }, 'http://10.0.0.5:8080'],
    ['slack', { url: 'https://hooks.slack.com/services/T000/B000/XXXX' }, 'Webhook URL stored (secret)'],
    ['discord', { url: 'https://discord.com/api/webhooks/1/abc', username: 'PingPage' }, 'Webhook URL stored (secret)'],
    ['teams', { url: 'https://prod.westeurope.logic.azure.com/workflows/x?sig=y' }, 'Webhook URL stored (secret)'],
    ['email', { host: 'smtp.example.com', port: 587, security: 'starttls', username: 'ops', password: 'pw', from: 'a@example.com', fromName: 'PingPage', to: ['ops@example.com', 'cto@example.com'] }, 'to ops@example.com +1 via smtp.example.com:587'],
    ['ntfy', { server: 'https://ntfy.sh', topic: 'acme-alerts-7f3', priority: 'auto', token: 'tk_secret' }, 'https://ntfy.sh'],
  ])('%s: %j reads %j', (id, config, want) => {
    expect(summary(id, config)).toBe(want);
  });

  it('never shows a secret, a query or a path, whatever the notifier', () => {
    const secrets = ['s3cret', 'T0K3N', 'sig=abc', 'XXXX', 'pw', 'tk_secret', 'acme-alerts-7f3'];
    const configs: Array<[string, Record<string, unknown>]> = [
      ['webhook', { url: 'https://user:pw@hooks.example.com/in/T0K3N?sig=abc', headers: { 'X-Key': 's3cret' } }],
      ['slack', { url: 'https://hooks.slack.com/services/XXXX' }],
      ['email', { host: 'smtp.example.com', port: 465, security: 'tls', password: 'pw', from: 'a@example.com', fromName: 'x', to: ['ops@example.com'] }],
      ['ntfy', { server: 'https://ntfy.example.com', topic: 'acme-alerts-7f3', priority: 'high', token: 'tk_secret' }],
    ];
    for (const [id, config] of configs) {
      const text = summary(id, config);
      for (const s of secrets) expect(text, `${id}: ${text}`).not.toContain(s);
    }
  });
});

describe('template fields', () => {
  it('are the ones the server substitutes, with the same descriptions', () => {
    expect(CLIENT_FIELDS).toEqual(TEMPLATE_FIELDS);
  });

  it.each(['{{nope}}', '{{ monitor.name }} {{monitor.nme}}', 'Down: {{status}}', '{{{monitor.name}}}', '{{ reason.code}} {{x.y}} {{x.y}}', 'no placeholders', '{{}}'])(
    'flags unknown fields in %j as the server does',
    (text) => {
      expect(unknownTemplateFields(text)).toEqual([...new Set(unknownFields(text))]);
    },
  );
});
