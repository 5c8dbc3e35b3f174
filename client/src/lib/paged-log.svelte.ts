import { untrack } from 'svelte';
import { api, messageOf, withQuery } from './api';
import type { AuditEntry } from './types';

/**
 * A log read a page at a time, newest first: an org's audit log, a person's security activity.
 * One request per page: `start()` asks for the first page once per log, however often the effect
 * calling it runs again, and `more()` asks for the next one only when none is on its way and
 * there is more to read. Neither makes its caller depend on the log's own state, so an effect
 * that calls them is never re-run by the answer it asked for.
 */
export class PagedLog {
  entries = $state<AuditEntry[]>([]);
  loading = $state(false);
  /** The last page came back short: there is nothing older. */
  done = $state(false);
  /** Why the last page did not load; empty once one does. */
  error = $state('');
  readonly #path: string;
  readonly #size: number;
  #started = false;

  constructor(path: string, size = 50) {
    this.#path = path;
    this.#size = size;
  }

  /** Loads the first page, the first time only. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.more();
  }

  /** Loads the page before the oldest entry shown (the first page at first), unless one is loading or there is no more. */
  more(): Promise<void> {
    return untrack(() => {
      this.#started = true;
      if (this.loading || this.done) return Promise.resolve();
      return this.#load(this.entries.at(-1)?.id);
    });
  }

  async #load(before: string | undefined): Promise<void> {
    this.loading = true;
    this.error = '';
    try {
      const page = await api<AuditEntry[]>('GET', withQuery(this.#path, { limit: this.#size, before }));
      this.entries = [...this.entries, ...page];
      this.done = page.length < this.#size;
    } catch (err) {
      this.error = messageOf(err);
    } finally {
      this.loading = false;
    }
  }
}
