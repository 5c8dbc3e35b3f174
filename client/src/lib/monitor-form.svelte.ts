/**
 * The create/edit monitor form's state: the probe, the fields every monitor has, the probe's
 * own config (rendered from its JSON Schema), its alert settings, client-side checks and the
 * server's verdict.
 */
import { SAY } from '../../../contracts/messages';
import { POLICY_LIMITS } from './alerting';
import { api } from './api';
import { formErrors, judge, valueAtPath, withStanding, type Judged } from './form-errors';
import { clean, defaultValue, validate, type Errors, type JsonSchema } from './schema-form/schema';
import { withoutMasked } from './secrets';
import type { AlertDefaults, LatencyAssertion, MonitorAlerts, MonitorWithAlerts, NotificationChannel, Probe } from './types';

export const INTERVALS = [10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 21600, 86400];

/** What the alerts section offers: the organization's channels and its default settings. */
export interface AlertChoices {
  channels: NotificationChannel[];
  defaults: AlertDefaults;
}

/** The `alerts` a monitor's body carries: its settings as a whole (the server replaces them). */
type AlertsBody = Omit<MonitorAlerts, 'inherited'>;

export class MonitorForm {
  readonly orgId: string;
  /** Set when editing. */
  readonly existing: MonitorWithAlerts | null;
  probes = $state.raw<Probe[]>([]);
  /** The organization's notification channels, to pick from. */
  readonly channels: NotificationChannel[];
  /** What monitors without settings of their own follow. */
  readonly alertDefaults: AlertDefaults;
  /** The settings shown are the organization's default: this monitor has none of its own (yet). */
  readonly alertsInherited: boolean;
  /** The settings the form started from, to send `alerts` only when they change. */
  readonly #alertsFrom: AlertsBody;

  probeId = $state('');
  name = $state('');
  intervalSeconds = $state(60);
  /** Undefined: the server's default (10 s, or just under a shorter interval). */
  timeoutSeconds = $state<number | undefined>(undefined);
  retries = $state(1);
  tags = $state<string[]>([]);
  slowEnabled = $state(false);
  slowMs = $state<number | undefined>(2000);
  slowSeverity = $state<LatencyAssertion['severity']>('warning');
  config = $state<Record<string, unknown>>({});
  alertChannelIds = $state<string[]>([]);
  /** Undefined: no reminders. */
  remindEveryMinutes = $state<number | undefined>(undefined);
  alertOnDegraded = $state(false);
  /** Drop this monitor's own alert settings for the organization's default. */
  followDefault = $state(false);
  /** Set by the first submit: from then on, mistakes show (and clear) as the user types. */
  attempted = $state(false);
  /** The server's verdict, each with the value it judged: an error goes away once its field changes. */
  #serverErrors = $state<Judged>({});
  errors: Errors = $derived(this.attempted ? withStanding(this.check(), this.#serverErrors, (path) => this.#valueAt(path)) : {});
  /** A message not tied to a field (network, permissions). */
  problem = $state('');
  busy = $state(false);

  probe = $derived(this.probes.find((p) => p.id === this.probeId));
  schema = $derived((this.probe?.configSchema ?? { type: 'object', properties: {} }) as JsonSchema);
  /** What the name defaults to when left empty: the target's host, or the probe's title. */
  suggestedName = $derived(suggestName(this.config, this.probe?.title ?? 'Monitor'));
  defaultTimeout = $derived(Math.max(1, Math.min(10, this.intervalSeconds - 1)));

  constructor(orgId: string, probes: Probe[], existing: MonitorWithAlerts | null, alerts: AlertChoices) {
    this.orgId = orgId;
    this.probes = probes;
    this.existing = existing;
    this.channels = alerts.channels;
    this.alertDefaults = alerts.defaults;
    const { inherited, ...from } = existing?.alerts ?? { ...alerts.defaults, inherited: true };
    this.alertsInherited = inherited;
    this.#alertsFrom = { ...from, channelIds: [...from.channelIds].sort() };
    this.alertChannelIds = [...from.channelIds];
    this.remindEveryMinutes = from.remindEveryMinutes ?? undefined;
    this.alertOnDegraded = from.onDegraded;
    if (existing) {
      this.probeId = existing.probe;
      this.name = existing.name;
      this.intervalSeconds = existing.intervalSeconds;
      this.timeoutSeconds = existing.timeoutSeconds;
      this.retries = existing.retries;
      this.tags = [...existing.tags];
      this.config = structuredClone(existing.config);
      const slow = (existing.assertions as LatencyAssertion[]).find((a) => a?.type === 'latency');
      if (slow) {
        this.slowEnabled = true;
        this.slowMs = slow.maxMs;
        this.slowSeverity = slow.severity;
      }
    } else if (probes.length) this.choose(probes.find((p) => p.id === 'http')?.id ?? probes[0]!.id);
  }

  /** Picks a probe for a new monitor and fills its config with the schema's defaults. */
  choose(id: string) {
    if (this.existing || id === this.probeId) return;
    this.probeId = id;
    const schema = (this.probes.find((p) => p.id === id)?.configSchema ?? {}) as JsonSchema;
    this.config = (defaultValue(schema, schema, true) as Record<string, unknown>) ?? {};
    this.attempted = false;
    this.#serverErrors = {};
  }

  #body() {
    const config = (clean(this.schema, $state.snapshot(this.config), this.schema, true) ?? {}) as Record<string, unknown>;
    const assertions: LatencyAssertion[] = this.slowEnabled && this.slowMs ? [{ type: 'latency', maxMs: this.slowMs, severity: this.slowSeverity }] : [];
    const alerts = this.#alertsBody();
    return {
      name: this.name.trim() || this.suggestedName,
      ...(this.existing ? {} : { probe: this.probeId }),
      config,
      intervalSeconds: this.intervalSeconds,
      ...(this.timeoutSeconds !== undefined ? { timeoutSeconds: this.timeoutSeconds } : {}),
      retries: this.retries,
      tags: this.tags,
      assertions,
      ...(alerts !== undefined ? { alerts } : {}),
    };
  }

  /** The settings as chosen, in the order the server keeps channels. */
  #chosenAlerts(): AlertsBody {
    return {
      channelIds: [...this.alertChannelIds].sort(),
      remindEveryMinutes: this.remindEveryMinutes ?? null,
      onDegraded: this.alertOnDegraded,
      flapping: this.#alertsFrom.flapping,
    };
  }

  /**
   * `alerts` for the body: null to follow the default again; undefined when nothing changed, so
   * a monitor following the default keeps following it (and an unchanged one is not rewritten).
   */
  #alertsBody(): AlertsBody | null | undefined {
    if (this.followDefault) return this.alertsInherited ? undefined : null;
    const [chosen, from] = [this.#chosenAlerts(), this.#alertsFrom];
    const same = chosen.channelIds.join() === from.channelIds.join() && chosen.remindEveryMinutes === from.remindEveryMinutes && chosen.onDegraded === from.onDegraded;
    return same ? undefined : chosen;
  }

  /** Errors a browser can find before asking the server. */
  check(): Errors {
    const errors: Errors = withoutMasked(validate(this.schema, $state.snapshot(this.config), this.schema, 'config', true), (p) => this.#valueAt(p));
    const name = this.name.trim() || this.suggestedName;
    if (name.length > 200) errors.name = SAY.maxChars(200);
    if (this.timeoutSeconds !== undefined && (this.timeoutSeconds < 1 || this.timeoutSeconds > 60)) errors.timeoutSeconds = 'Between 1 and 60 seconds';
    else if (this.timeoutSeconds !== undefined && this.timeoutSeconds >= this.intervalSeconds) errors.timeoutSeconds = 'Must be shorter than the interval';
    if (!Number.isInteger(this.retries) || this.retries < 0 || this.retries > 10) errors.retries = 'A whole number from 0 to 10';
    if (this.slowEnabled && (!this.slowMs || this.slowMs < 1 || this.slowMs > 600_000)) errors['assertions.0.maxMs'] = 'Between 1 and 600000 ms';
    if (this.tags.length > 20) errors.tags = 'At most 20 tags';
    const remind = this.remindEveryMinutes;
    const { min, max } = POLICY_LIMITS.remindEveryMinutes;
    if (!this.followDefault && remind !== undefined && (!Number.isInteger(remind) || remind < min || remind > max)) {
      errors['alerts.remindEveryMinutes'] = `A whole number of minutes from ${min} to ${max} (a week)`;
    }
    return errors;
  }

  /** The value at a dotted path of what would be sent (`config.auth.token`, `tags.0`). */
  #valueAt(path: string): unknown {
    const body = {
      name: this.name,
      intervalSeconds: this.intervalSeconds,
      timeoutSeconds: this.timeoutSeconds,
      retries: this.retries,
      tags: this.tags,
      assertions: this.slowEnabled ? [{ type: 'latency', maxMs: this.slowMs, severity: this.slowSeverity }] : [],
      config: this.config,
      alerts: { channelIds: this.alertChannelIds, remindEveryMinutes: this.remindEveryMinutes, onDegraded: this.alertOnDegraded },
    };
    return valueAtPath($state.snapshot(body), path);
  }

  /** Saves; answers the saved monitor, or null when something needs fixing (errors are set). */
  async submit(): Promise<MonitorWithAlerts | null> {
    this.problem = '';
    this.attempted = true;
    this.#serverErrors = {};
    if (Object.keys(this.check()).length) return null;
    this.busy = true;
    let sent: string[] = [];
    try {
      const body = this.#body();
      sent = body.alerts?.channelIds ?? [];
      return this.existing
        ? await api<MonitorWithAlerts>('PATCH', `/orgs/${this.orgId}/monitors/${this.existing.id}`, body)
        : await api<MonitorWithAlerts>('POST', `/orgs/${this.orgId}/monitors`, body);
    } catch (err) {
      // Field by field when the server names fields (a secret to type again, a refused target…).
      const f = formErrors(err);
      this.#serverErrors = judge(this.#channelErrors(f.fields, sent), (path) => this.#valueAt(path));
      this.problem = f.problem;
      return null;
    } finally {
      this.busy = false;
    }
  }

  /**
   * The server names a refused channel by its place in what was sent (`alerts.channelIds.1`);
   * the form shows it on the list of channels, by name.
   */
  #channelErrors(fields: Record<string, string>, sent: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [path, message] of Object.entries(fields)) {
      const at = /^alerts\.channelIds\.(\d+)$/.exec(path);
      if (!at) out[path] ??= message;
      else {
        const name = this.channels.find((c) => c.id === sent[Number(at[1])])?.name;
        out['alerts.channelIds'] ??= name ? `${name}: ${message}` : message;
      }
    }
    return out;
  }
}

function suggestName(config: Record<string, unknown>, fallback: string): string {
  const url = config.url;
  if (typeof url === 'string') {
    try {
      const u = new URL(url);
      return u.host + (u.pathname !== '/' ? u.pathname : '');
    } catch {
      /* not a URL yet */
    }
  }
  for (const key of ['host', 'hostname', 'name', 'domain', 'address', 'target']) {
    const v = config[key];
    if (typeof v === 'string' && v) return typeof config.port === 'number' ? `${v}:${config.port}` : v;
  }
  return fallback;
}
