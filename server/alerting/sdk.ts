/**
 * The notifier plugin contract: the probe plugin's shape (plugins/sdk.ts) turned around. A
 * notifier gets a rendered message and a channel's parsed config and delivers it once; the
 * delivery worker owns retries, timeouts (the AbortSignal) and concurrency.
 */
import type { z } from 'zod';
import type { ResolvedTarget } from '../../plugins/sdk.js';

/** The probe SDK's markers, for notifier configs too: one meaning of "secret" for every plugin. */
export { secret, secretUrlPassword } from '../../plugins/sdk.js';

/** The SDK contract version a notifier is written for. The server refuses versions it does not know. */
export const NOTIFIER_API_VERSION = 1 as const;

export const MONITOR_EVENTS = ['monitor.down', 'monitor.up', 'monitor.degraded', 'monitor.flapping'] as const;
export const PAGE_EVENTS = [
  'incident.created',
  'incident.updated',
  'incident.resolved',
  'maintenance.scheduled',
  'maintenance.started',
  'maintenance.completed',
  'subscription.confirm',
] as const;
/** `invitation`: an invitation into an organization, e-mailed to the invited address only. */
export type AlertEvent = (typeof MONITOR_EVENTS)[number] | (typeof PAGE_EVENTS)[number] | 'test' | 'invitation';

/** What went wrong, for people and for code: SNAKE_CASE and stable (e.g. HTTP_STATUS, TIMEOUT). */
export interface SendProblem {
  code: string;
  message: string;
}

export interface SendResult {
  ok: boolean;
  /** Why ok is false. Failure is data, never a throw. */
  error?: SendProblem;
  /** The receiver's HTTP status (or SMTP reply code), when it answered at all. */
  status?: number;
  /**
   * false when trying again cannot help (a 404 webhook, a refused target, bad config): the
   * delivery is marked failed at once. Absent means a retry may succeed.
   */
  retryable?: boolean;
  /** Milliseconds the receiver asked us to wait before the next attempt (HTTP 429 Retry-After). */
  retryAfterMs?: number;
}

export type Severity = 'critical' | 'warning' | 'ok' | 'info';

/** One alert, rendered: notifiers only lay it out for their medium, escaping as it needs. */
export interface AlertMessage {
  /** The delivery's id, the same on every attempt: receivers dedupe on it. */
  id: string;
  event: AlertEvent;
  /** One line, plain text (the template's subject). */
  title: string;
  /** Plain text, may hold line breaks (the template's body). */
  text: string;
  severity: Severity;
  /** ISO 8601 UTC time of what happened (the state change, the incident update…). */
  at: string;
  /** Where to look: the monitor in the dashboard or the status page; absent when unknown. */
  link?: string;
  /** Where a status-page subscriber unsubscribes (emails show it, with List-Unsubscribe). */
  unsubscribeUrl?: string;
  /** The facts the message was rendered from, for machine receivers (webhook JSON). */
  facts: AlertFacts;
}

/** The structured side of a message: what a webhook receiver gets as JSON. */
export interface AlertFacts {
  event: AlertEvent;
  /** ISO 8601 UTC. */
  at: string;
  monitor?: { id: string; name: string };
  /** The monitor's status after the change (monitor events). */
  status?: string;
  previous?: string;
  /** The failure or warning behind the status; null when none (recoveries). */
  reason?: { code: string; message: string } | null;
  /** 1, 2, … for reminders of an ongoing outage. */
  reminder?: number;
  /** ISO 8601 UTC start of the outage, for recoveries and reminders. */
  downSince?: string;
  /** Whole days until the certificate expires (certificate warnings). */
  certificateDaysLeft?: number;
  /** The flap rule that tripped: more than `changes` status changes within `windowMinutes`. */
  flapping?: { changes: number; windowMinutes: number };
  page?: { slug: string; title: string; url: string };
  incident?: { id: string; title: string; status: string; impact: string; message: string; components: string[] };
  maintenance?: { id: string; title: string; description: string; startsAt: string; endsAt: string; components: string[] };
  /** For subscription.confirm: the link that confirms the subscription (POST it). */
  confirmUrl?: string;
  /**
   * For subscription.confirm to a webhook subscriber: the key its deliveries are signed with
   * (the receiver has no other way to learn it). Added at send time, never stored in the outbox.
   */
  signingSecret?: string;
}

export interface NotifierContext {
  /**
   * Resolves `host` and checks the address against the operator's outbound policy; connect to
   * the returned address, never to the name again. Rejects with code TARGET_FORBIDDEN or DNS_FAILED.
   */
  resolve(host: string, signal: AbortSignal): Promise<ResolvedTarget>;
  userAgent: string;
  /** The channel's signing secret, for notifiers with `signed: true`. */
  secret?: string;
  /** Epoch milliseconds (the server's clock; fake in tests): signature timestamps. */
  now(): number;
}

export interface NotifierPlugin<C extends z.ZodType = z.ZodType> {
  /** Stable key stored with channels, e.g. 'webhook'. Lowercase letters, digits and dashes. */
  id: string;
  /** Semver of the plugin itself. */
  version: string;
  apiVersion: typeof NOTIFIER_API_VERSION;
  title: string;
  description: string;
  /**
   * Validates API input, gives the config type, renders the dashboard form (as JSON Schema).
   * Secrets are marked with `secret()` (or `secretUrlPassword()`): never returned by the API,
   * password inputs in forms, kept on edits only while `targets` stay the same.
   */
  configSchema: C;
  /** The channel gets a signing secret at creation (shown once) that arrives as ctx.secret. */
  signed?: boolean;
  /**
   * URLs or host names the config sends to: checked against the outbound policy when saved; a
   * stored secret is dropped when an edit changes them (it never follows a new host).
   */
  targets?(config: z.infer<C>): string[];
  send(ctx: NotifierContext, config: z.infer<C>, message: AlertMessage, signal: AbortSignal): Promise<SendResult>;
}

/** Identity function that gives a notifier its types. */
export function defineNotifier<C extends z.ZodType>(plugin: NotifierPlugin<C>): NotifierPlugin<C> {
  return plugin;
}
