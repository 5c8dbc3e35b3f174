/**
 * The first-run tour on the overview: three steps read from the org's data (GET first-steps),
 * for those who can take them all (owners and admins). Once every step is done, or someone hides
 * the tour, this browser remembers it for the org and never asks again.
 */
import type { FirstSteps } from '../../../contracts/first-steps';
import { api } from './api';

export type { FirstSteps };

const key = (orgId: string) => `pingpage.firstSteps.${orgId}`;

/** Requests under way, by org: an overview mounted twice in a row (right after signing in) asks once. */
const asking = new Map<string, Promise<FirstSteps | null>>();

function ask(orgId: string, fresh: boolean): Promise<FirstSteps | null> {
  let answer = fresh ? undefined : asking.get(orgId);
  if (!answer) {
    // The overview works without its tour: a failure just leaves it out.
    answer = api<FirstSteps>('GET', `/orgs/${orgId}/first-steps`)
      .catch(() => null)
      .finally(() => asking.get(orgId) === answer && asking.delete(orgId));
    asking.set(orgId, answer);
  }
  return answer;
}

export class FirstStepsTour {
  /** Undefined while unknown (the overview waits, so the tour never flashes); null: not shown. */
  steps = $state<FirstSteps | null | undefined>(undefined);
  #asked = 0;

  constructor(
    readonly orgId: string,
    canTake: boolean,
  ) {
    if (!canTake || localStorage.getItem(key(orgId))) this.steps = null;
  }

  /** Reads the steps (on opening the overview), or again after a change (`fresh`: not an answer already under way). */
  async load(fresh = false): Promise<void> {
    if (this.steps === null) return;
    const asked = ++this.#asked;
    let steps = await ask(this.orgId, fresh);
    if (asked !== this.#asked || this.steps === null) return;
    if (steps && steps.monitor && steps.channel && steps.statusPage) {
      localStorage.setItem(key(this.orgId), 'done');
      steps = null;
    }
    this.steps = steps;
  }

  dismiss(): void {
    localStorage.setItem(key(this.orgId), 'hidden');
    this.steps = null;
  }
}
