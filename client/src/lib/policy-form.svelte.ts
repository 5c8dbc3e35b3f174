/**
 * The organization's default alert policy (GET/PUT /orgs/:org/alert-defaults): what monitors
 * without settings of their own alert, and how. Owners and admins edit it; members read it.
 */
import { channelIndexOf, POLICY_LIMITS } from './alerting';
import { api, ApiError } from './api';
import type { Errors } from './schema-form/schema';
import type { AlertDefaults, NotificationChannel } from './types';

const wholeIn = (n: number | undefined, { min, max }: { min: number; max: number }) => n !== undefined && Number.isInteger(n) && n >= min && n <= max;

export class PolicyForm {
  readonly orgId: string;
  /** As stored on the server (after the last load or save). */
  saved = $state.raw<AlertDefaults>({ channelIds: [], remindEveryMinutes: null, onDegraded: false, flapping: { changes: 4, windowMinutes: 30 } });

  channelIds = $state<string[]>([]);
  /** Undefined: no reminders. */
  remindEveryMinutes = $state<number | undefined>(undefined);
  onDegraded = $state(false);
  flapChanges = $state<number | undefined>(4);
  flapWindowMinutes = $state<number | undefined>(30);

  attempted = $state(false);
  #serverErrors = $state<Errors>({});
  errors: Errors = $derived.by(() => (this.attempted ? { ...this.#serverErrors, ...this.check() } : {}));
  problem = $state('');
  busy = $state(false);
  dirty = $derived(JSON.stringify(this.#body()) !== JSON.stringify(normal(this.saved)));

  constructor(orgId: string, saved: AlertDefaults) {
    this.orgId = orgId;
    this.reset(saved);
  }

  /** Shows `p` as the stored policy, dropping what was typed. */
  reset(p: AlertDefaults) {
    this.saved = p;
    this.channelIds = [...p.channelIds];
    this.remindEveryMinutes = p.remindEveryMinutes ?? undefined;
    this.onDegraded = p.onDegraded;
    this.flapChanges = p.flapping.changes;
    this.flapWindowMinutes = p.flapping.windowMinutes;
    this.attempted = false;
    this.#serverErrors = {};
    this.problem = '';
  }

  /** A channel was deleted: the server dropped it from the policy, so does the form. */
  dropChannel(id: string) {
    this.saved = { ...this.saved, channelIds: this.saved.channelIds.filter((c) => c !== id) };
    this.channelIds = this.channelIds.filter((c) => c !== id);
  }

  #body(): AlertDefaults {
    return normal({
      channelIds: this.channelIds,
      remindEveryMinutes: this.remindEveryMinutes ?? null,
      onDegraded: this.onDegraded,
      flapping: { changes: this.flapChanges ?? NaN, windowMinutes: this.flapWindowMinutes ?? NaN },
    });
  }

  check(): Errors {
    const errors: Errors = {};
    const { remindEveryMinutes: r, flapChanges: c, flapWindowMinutes: w } = POLICY_LIMITS;
    if (this.remindEveryMinutes !== undefined && !wholeIn(this.remindEveryMinutes, r)) errors.remindEveryMinutes = `A whole number of minutes from ${r.min} to ${r.max} (a week)`;
    if (!wholeIn(this.flapChanges, c)) errors['flapping.changes'] = `A whole number from ${c.min} to ${c.max}`;
    if (!wholeIn(this.flapWindowMinutes, w)) errors['flapping.windowMinutes'] = `A whole number of minutes from ${w.min} to ${w.max} (a day)`;
    return errors;
  }

  /** Saves; answers true when stored, false when something needs fixing (errors are set). */
  async submit(channels: readonly NotificationChannel[]): Promise<boolean> {
    this.problem = '';
    this.attempted = true;
    this.#serverErrors = {};
    if (Object.keys(this.check()).length) return false;
    this.busy = true;
    const body = this.#body();
    try {
      this.reset(await api<AlertDefaults>('PUT', `/orgs/${this.orgId}/alert-defaults`, body));
      return true;
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors() : {};
      const out: Errors = {};
      for (const [path, message] of Object.entries(fields)) {
        const i = channelIndexOf(path);
        if (i === undefined) out[path] ??= message;
        else {
          const name = channels.find((c) => c.id === body.channelIds[i])?.name;
          out.channelIds ??= name ? `${name}: ${message}` : message;
        }
      }
      this.#serverErrors = out;
      if (!Object.keys(out).length) this.problem = err instanceof Error ? err.message : String(err);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

/** The policy as the server keeps it: channels sorted, so equal policies compare equal. */
function normal(p: AlertDefaults): AlertDefaults {
  return { channelIds: [...p.channelIds].sort(), remindEveryMinutes: p.remindEveryMinutes, onDegraded: p.onDegraded, flapping: { changes: p.flapping.changes, windowMinutes: p.flapping.windowMinutes } };
}
