/**
 * The first-run tour on the overview: three steps read from the org's data (GET first-steps),
 * for those who can take them all (owners and admins). Once every step is done, or someone hides
 * the tour, this browser remembers it for the org and never asks again.
 */
import type { FirstSteps } from '../../../server/orgs/first-steps';
import { api } from './api';

export type { FirstSteps };

const key = (orgId: string) => `pingpage.firstSteps.${orgId}`;

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

  /** Reads the steps again (on opening the overview, and when its monitors change). */
  async load(): Promise<void> {
    if (this.steps === null) return;
    const asked = ++this.#asked;
    let steps: FirstSteps | null;
    try {
      steps = await api<FirstSteps>('GET', `/orgs/${this.orgId}/first-steps`);
    } catch {
      steps = null; // the overview works without its tour
    }
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
