import { messageOf } from './api';

/** A page's data load: "Loading…" until the first answer, then why the last attempt failed, if it did. */
export class Loading {
  /** True until the first attempt ends. */
  pending = $state(true);
  /** Why the last attempt failed; empty once one succeeds. */
  error = $state('');

  /** Runs `load`, keeping its failure as a message instead of throwing. */
  async run(load: () => Promise<void>): Promise<void> {
    try {
      await load();
      this.error = '';
    } catch (err) {
      this.error = messageOf(err);
    } finally {
      this.pending = false;
    }
  }
}
