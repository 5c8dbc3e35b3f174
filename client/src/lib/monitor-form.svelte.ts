/**
 * The create/edit monitor form's state: the probe, the fields every monitor has, the probe's
 * own config (rendered from its JSON Schema), client-side checks and the server's verdict.
 */
import { api, ApiError } from './api';
import { clean, defaultValue, validate, type Errors, type JsonSchema } from './schema-form/schema';
import type { LatencyAssertion, MonitorJson, Probe } from './types';

export const INTERVALS = [10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 21600, 86400];

export class MonitorForm {
  readonly orgId: string;
  /** Set when editing. */
  readonly existing: MonitorJson | null;
  probes = $state.raw<Probe[]>([]);

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
  /** Set by the first submit: from then on, mistakes show (and clear) as the user types. */
  attempted = $state(false);
  /** The server's verdict, each with the value it judged: an error goes away once its field changes. */
  #serverErrors = $state<Record<string, { message: string; value: string }>>({});
  errors: Errors = $derived.by(() => {
    if (!this.attempted) return {};
    const out: Errors = this.check();
    for (const [path, e] of Object.entries(this.#serverErrors)) {
      if (JSON.stringify(this.#valueAt(path)) === e.value) out[path] ??= e.message;
    }
    return out;
  });
  /** A message not tied to a field (network, permissions). */
  problem = $state('');
  busy = $state(false);

  probe = $derived(this.probes.find((p) => p.id === this.probeId));
  schema = $derived((this.probe?.configSchema ?? { type: 'object', properties: {} }) as JsonSchema);
  /** What the name defaults to when left empty: the target's host, or the probe's title. */
  suggestedName = $derived(suggestName(this.config, this.probe?.title ?? 'Monitor'));
  defaultTimeout = $derived(Math.max(1, Math.min(10, this.intervalSeconds - 1)));

  constructor(orgId: string, probes: Probe[], existing: MonitorJson | null) {
    this.orgId = orgId;
    this.probes = probes;
    this.existing = existing;
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
    return {
      name: this.name.trim() || this.suggestedName,
      ...(this.existing ? {} : { probe: this.probeId }),
      config,
      intervalSeconds: this.intervalSeconds,
      ...(this.timeoutSeconds !== undefined ? { timeoutSeconds: this.timeoutSeconds } : {}),
      retries: this.retries,
      tags: this.tags,
      assertions,
    };
  }

  /** Errors a browser can find before asking the server. */
  check(): Errors {
    const errors: Errors = validate(this.schema, $state.snapshot(this.config), this.schema, 'config', true);
    const name = this.name.trim() || this.suggestedName;
    if (name.length > 200) errors.name = 'At most 200 characters';
    if (this.timeoutSeconds !== undefined && (this.timeoutSeconds < 1 || this.timeoutSeconds > 60)) errors.timeoutSeconds = 'Between 1 and 60 seconds';
    else if (this.timeoutSeconds !== undefined && this.timeoutSeconds >= this.intervalSeconds) errors.timeoutSeconds = 'Must be shorter than the interval';
    if (!Number.isInteger(this.retries) || this.retries < 0 || this.retries > 10) errors.retries = 'A whole number from 0 to 10';
    if (this.slowEnabled && (!this.slowMs || this.slowMs < 1 || this.slowMs > 600_000)) errors['assertions.0.maxMs'] = 'Between 1 and 600000 ms';
    if (this.tags.length > 20) errors.tags = 'At most 20 tags';
    return errors;
  }

  /** The value at a dotted path of what would be sent (`config.auth.token`, `tags.0`). */
  #valueAt(path: string): unknown {
    let node: unknown = {
      name: this.name,
      intervalSeconds: this.intervalSeconds,
      timeoutSeconds: this.timeoutSeconds,
      retries: this.retries,
      tags: this.tags,
      assertions: this.slowEnabled ? [{ type: 'latency', maxMs: this.slowMs, severity: this.slowSeverity }] : [],
      config: this.config,
    };
    for (const part of path.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    return node === undefined ? null : $state.snapshot(node);
  }

  /** Saves; answers the saved monitor, or null when something needs fixing (errors are set). */
  async submit(): Promise<MonitorJson | null> {
    this.problem = '';
    this.attempted = true;
    this.#serverErrors = {};
    if (Object.keys(this.check()).length) return null;
    this.busy = true;
    try {
      const body = this.#body();
      return this.existing
        ? await api<MonitorJson>('PATCH', `/orgs/${this.orgId}/monitors/${this.existing.id}`, body)
        : await api<MonitorJson>('POST', `/orgs/${this.orgId}/monitors`, body);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') {
        const fields = err.fieldErrors();
        this.#serverErrors = Object.fromEntries(Object.entries(fields).map(([path, message]) => [path, { message, value: JSON.stringify(this.#valueAt(path)) }]));
        if (!Object.keys(fields).length) this.problem = err.message;
      } else this.problem = err instanceof Error ? err.message : String(err);
      return null;
    } finally {
      this.busy = false;
    }
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
