/**
 * Notifiers, notification channels and alert policies as the API answers them (contracts/alerting.ts,
 * contracts/plugins.ts), and what the alerting screens say about them. The template fields and
 * certificate thresholds are the server's own (pure modules, no copies);
 * e2e/alerting-client.test.ts runs the rest against the server's pieces.
 */
import type { ChannelJson, ChannelTemplate, ChannelWithSecret, SendOutcome } from '../../../contracts/alerting.js';
import { CERT_THRESHOLDS } from '../../../contracts/certificates.js';
import type { PluginInfo } from '../../../contracts/plugins.js';
import { TEMPLATE_FIELDS, TEMPLATE_MAX, unknownFields } from '../../../contracts/template-fields.js';

import { isMasked } from './secrets.js';

export { CERT_THRESHOLDS, TEMPLATE_FIELDS, TEMPLATE_MAX };

/** GET /notifiers: a notifier plugin, shaped like a probe; secret config fields carry `writeOnly: true`. */
export type Notifier = PluginInfo;

/** GET /orgs/:org/notification-channels/:id. */
export type Channel = ChannelJson;

/** A channel's own texts; a created or rotated channel (the only answers with the signing secret); how a test send went. */
export type { ChannelTemplate, ChannelWithSecret, SendOutcome };

/**
 * Where a channel's alerts come from, in a sentence: every monitor that follows the default
 * policy (how many of them now), or only the monitors that picked it in their own settings.
 */
export function reachText(forAll: boolean, o: { following: number; total: number; picking: number }): string {
  const of = (n: number) => `${n} monitor${n === 1 ? '' : 's'}`;
  if (forAll) {
    const now = o.total === 0 ? 'no monitors yet' : o.following === o.total ? `all ${of(o.total)}` : `${o.following} of ${of(o.total)}`;
    return `In the Default alert policy: every monitor without alert settings of its own, and every new monitor, alerts through it (now ${now}).`;
  }
  return `Only monitors that pick it in their own alert settings alert through it (now ${o.picking === 0 ? 'none' : of(o.picking)}).`;
}

/** How an alert's event reads (the delivery log adds reminder numbers and certificate days). */
export const EVENT_LABEL: Record<string, string> = {
  'monitor.down': 'Down',
  'monitor.up': 'Recovered',
  'monitor.degraded': 'Degraded',
  'monitor.flapping': 'Flapping',
  test: 'Test',
};

/** The server's limits for a policy (contracts/alerting-requests.ts alertPolicySchema). */
export const POLICY_LIMITS = {
  remindEveryMinutes: { min: 1, max: 10_080 },
  flapChanges: { min: 2, max: 100 },
  flapWindowMinutes: { min: 1, max: 1440 },
} as const;

/** Names a template uses that the server would refuse, each once. */
export function unknownTemplateFields(text: string): string[] {
  return [...new Set(unknownFields(text))];
}

/** The little of a config's JSON Schema a summary reads: which top-level fields are URLs or secret. */
interface ConfigSchema {
  properties?: Record<string, { format?: string; writeOnly?: boolean }>;
}

/** "https://hooks.example.com/…": scheme, host and port; a path or query (often a token) only as "…". */
function urlSummary(text: string): string | undefined {
  try {
    const u = new URL(text);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    const rest = (u.pathname !== '/' && u.pathname !== '') || u.search ? '/…' : '';
    return `${u.protocol}//${u.host}${rest}`;
  } catch {
    return undefined;
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Where a channel sends, in a few words and without anything secret: URLs as scheme and host,
 * recipients and mail hosts as they are. Secret fields (masked by the API anyway) only say that
 * they are set. Works from the schema, so notifiers added later read sensibly too.
 */
export function targetSummary(channel: Pick<Channel, 'config'>, notifier: Notifier | undefined): string {
  const props = (notifier?.configSchema as ConfigSchema | undefined)?.properties ?? {};
  const parts: string[] = [];
  let hiddenUrl = false;
  for (const [key, value] of Object.entries(channel.config)) {
    const prop = props[key] ?? {};
    if (prop.writeOnly || isMasked(value)) {
      if (prop.format === 'uri' || /url/i.test(key)) hiddenUrl = true;
      continue;
    }
    if (typeof value === 'string') {
      const url = prop.format === 'uri' || /^https?:\/\//i.test(value) ? urlSummary(value) : undefined;
      if (url) parts.push(url);
      else if (key === 'host' || key === 'hostname') parts.push(typeof channel.config.port === 'number' ? `${value}:${channel.config.port}` : value);
    } else if (Array.isArray(value) && value.length && value.every((v) => typeof v === 'string' && EMAIL.test(v))) {
      parts.unshift(`to ${value[0]}${value.length > 1 ? ` +${value.length - 1}` : ''}`);
    }
  }
  if (!parts.length && hiddenUrl) return 'Webhook URL stored (secret)';
  return parts.join(' via ');
}

/** "the receiver answered 200 in 35 ms" / "TIMEOUT: The receiver did not answer in time". */
export function outcomeText(o: SendOutcome): string {
  if (o.ok) return o.status ? `the receiver answered ${o.status} in ${o.durationMs} ms` : `sent in ${o.durationMs} ms`;
  const e = o.error ?? { code: 'FAILED', message: 'The send failed' };
  return `${e.code}: ${e.message}`;
}

/** `channelIds.3` from the server names a channel by its place in what was sent. */
export function channelIndexOf(path: string): number | undefined {
  const m = /^channelIds\.(\d+)$/.exec(path);
  return m ? Number(m[1]) : undefined;
}
