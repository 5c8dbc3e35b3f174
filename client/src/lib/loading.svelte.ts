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

/**
 * Loads again a moment after each push `subscribe` reports (a burst of them: one load), for pages
 * that show what colleagues, API keys or the server itself change. Answers the cleanup.
 */
export function reloadOn(subscribe: (fn: () => void) => () => void, load: () => unknown, waitMs = 250): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = subscribe(() => {
    clearTimeout(timer);
    timer = setTimeout(() => void load(), waitMs);
  });
  return () => {
    clearTimeout(timer);
    stop();
  };
}
