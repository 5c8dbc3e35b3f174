import { api, messageOf, withQuery } from './api';
import type { AuditEntry } from './types';

/** A log read a page at a time, newest first: an org's audit log, a person's security activity. */
export class PagedLog {
  entries = $state<AuditEntry[]>([]);
  loading = $state(false);
  /** The last page came back short: there is nothing older. */
  done = $state(false);
  /** Why the last page did not load; empty once one does. */
  error = $state('');
  readonly #path: string;
  readonly #size: number;

  constructor(path: string, size = 50) {
    this.#path = path;
    this.#size = size;
  }

  /** Loads the page before the oldest entry shown (the first page at first). */
  async more(): Promise<void> {
    this.loading = true;
    this.error = '';
    try {
      const page = await api<AuditEntry[]>('GET', withQuery(this.#path, { limit: this.#size, before: this.entries.at(-1)?.id }));
      this.entries = [...this.entries, ...page];
      this.done = page.length < this.#size;
    } catch (err) {
      this.error = messageOf(err);
    } finally {
      this.loading = false;
    }
  }
}
