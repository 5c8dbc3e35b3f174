/**
 * The create/edit notification channel form's state: the notifier, its config (rendered from its
 * JSON Schema), name, enabled and message template, client-side checks and the server's verdict.
 */
import { SAY } from '../../../contracts/messages';
import { TEMPLATE_MAX, unknownTemplateFields, type Channel, type ChannelTemplate, type ChannelWithSecret, type Notifier } from './alerting';
import { api } from './api';
import { formErrors, judge, valueAtPath, withStanding, type Judged } from './form-errors';
import { clean, defaultValue, validate, type Errors, type JsonSchema } from './schema-form/schema';
import { withoutMasked } from './secrets';

const NAME_MAX = 100;

export class ChannelForm {
  readonly orgId: string;
  /** Set when editing. */
  readonly existing: Channel | null;
  notifiers = $state.raw<Notifier[]>([]);

  notifierId = $state('');
  name = $state('');
  enabled = $state(true);
  /** In the default alert policy: every monitor without settings of its own alerts through it. */
  useForAll = $state(false);
  /** What the server holds for useForAll (sent on edit only when changed). */
  #savedUseForAll = false;
  config = $state<Record<string, unknown>>({});
  subject = $state('');
  body = $state('');
  /** Set by the first submit: from then on, mistakes show (and clear) as the user types. */
  attempted = $state(false);
  /** The server's verdict, each with the value it judged: an error goes away once its field changes. */
  #serverErrors = $state<Judged>({});
  errors: Errors = $derived(this.attempted ? withStanding(this.check(), this.#serverErrors, (path) => this.#valueAt(path)) : {});
  /** A message not tied to a field (network, permissions). */
  problem = $state('');
  busy = $state(false);
  /**
   * Bumped when the saved channel replaces what was typed: the config fields start over from it
   * (a secret typed in clear is masked again).
   */
  revision = $state(0);
  /** What the form held when it was opened or last saved, to tell unsaved changes. */
  #saved = $state('');

  notifier = $derived(this.notifiers.find((n) => n.id === this.notifierId));
  schema = $derived((this.notifier?.configSchema ?? { type: 'object', properties: {} }) as JsonSchema);
  /** The config can be edited: the notifier is loaded on this server. */
  configurable = $derived(!!this.notifier);
  dirty = $derived(this.#snapshot() !== this.#saved);

  /** `first`: the organization has no channel yet, so a new one serves every monitor unless unticked. */
  constructor(orgId: string, notifiers: Notifier[], existing: Channel | null, first = false) {
    this.orgId = orgId;
    this.notifiers = notifiers;
    this.existing = existing;
    this.useForAll = first;
    if (existing) this.#fill(existing);
    else if (notifiers.length) this.choose(notifiers.find((n) => n.id === 'webhook')?.id ?? notifiers[0]!.id);
    this.#saved = this.#snapshot();
  }

  #fill(c: Channel) {
    this.notifierId = c.notifier;
    this.name = c.name;
    this.enabled = c.enabled;
    this.useForAll = this.#savedUseForAll = c.usedForAllMonitors;
    this.config = structuredClone(c.config);
    this.subject = c.template?.subject ?? '';
    this.body = c.template?.body ?? '';
  }

  /** Picks the notifier of a new channel and fills its config with the schema's defaults. */
  choose(id: string) {
    if (this.existing || id === this.notifierId) return;
    this.notifierId = id;
    const schema = (this.notifiers.find((n) => n.id === id)?.configSchema ?? {}) as JsonSchema;
    this.config = (defaultValue(schema, schema, true) as Record<string, unknown>) ?? {};
    this.attempted = false;
    this.#serverErrors = {};
  }

  #template(): ChannelTemplate | null {
    const t: ChannelTemplate = {};
    if (this.subject.trim()) t.subject = this.subject;
    if (this.body.trim()) t.body = this.body;
    return Object.keys(t).length ? t : null;
  }

  #config(): Record<string, unknown> {
    return (clean(this.schema, $state.snapshot(this.config), this.schema, true) ?? {}) as Record<string, unknown>;
  }

  #snapshot(): string {
    return JSON.stringify([this.notifierId, this.name.trim(), this.enabled, this.useForAll, this.#config(), this.#template()]);
  }

  #body() {
    const common = { name: this.name.trim(), enabled: this.enabled, template: this.#template() };
    if (!this.existing) return { ...common, notifier: this.notifierId, config: this.#config(), useForAllMonitors: this.useForAll };
    const reach = this.useForAll !== this.#savedUseForAll ? { useForAllMonitors: this.useForAll } : {};
    // A notifier this server lacks: its config cannot be judged here, so it is left as stored.
    return this.configurable ? { ...common, ...reach, config: this.#config() } : { ...common, ...reach };
  }

  /** Errors a browser can find before asking the server. */
  check(): Errors {
    const errors: Errors = this.configurable ? withoutMasked(validate(this.schema, $state.snapshot(this.config), this.schema, 'config', true), (p) => this.#valueAt(p)) : {};
    const name = this.name.trim();
    if (!name) errors.name = 'Give the channel a name, e.g. “On-call Slack”';
    else if (name.length > NAME_MAX) errors.name = SAY.maxChars(NAME_MAX);
    for (const part of ['subject', 'body'] as const) {
      const text = this[part];
      const unknown = unknownTemplateFields(text);
      if (text.length > TEMPLATE_MAX[part]) errors[`template.${part}`] = SAY.maxChars(TEMPLATE_MAX[part]);
      else if (unknown.length) errors[`template.${part}`] = `Unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.map((f) => `{{${f}}}`).join(', ')}`;
    }
    return errors;
  }

  /** The value at a dotted path of what would be sent (`config.url`, `template.body`). */
  #valueAt(path: string): unknown {
    const body = {
      name: this.name,
      notifier: this.notifierId,
      config: this.config,
      template: { subject: this.subject, body: this.body },
      enabled: this.enabled,
    };
    return valueAtPath($state.snapshot(body), path);
  }

  /** Saves; answers the saved channel (with its secret when one was issued), or null when something needs fixing. */
  async submit(): Promise<ChannelWithSecret | null> {
    this.problem = '';
    this.attempted = true;
    this.#serverErrors = {};
    if (Object.keys(this.check()).length) return null;
    this.busy = true;
    try {
      const saved = this.existing
        ? await api<ChannelWithSecret>('PATCH', `/orgs/${this.orgId}/notification-channels/${this.existing.id}`, this.#body())
        : await api<ChannelWithSecret>('POST', `/orgs/${this.orgId}/notification-channels`, this.#body());
      if (this.existing) {
        this.#fill(saved);
        this.attempted = false;
        this.revision++;
      }
      this.#saved = this.#snapshot();
      return saved;
    } catch (err) {
      const f = formErrors(err);
      this.#serverErrors = judge(f.fields, (path) => this.#valueAt(path));
      this.problem = f.problem;
      return null;
    } finally {
      this.busy = false;
    }
  }
}
