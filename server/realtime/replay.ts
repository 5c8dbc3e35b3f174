/**
 * What dashboards were sent lately, numbered, so a client holding a snapshot can catch up on
 * what it missed before its socket joined the org's room, without a second snapshot.
 *
 * The dashboard fetches its snapshot over HTTP while its scripts still load, and opens the socket
 * after: between the two, checks end and statuses change. The snapshot carries a mark (this
 * process's boot id and the number of the last event sent before it was built); the socket's
 * subscribe hands it back, and gets the org's events after that mark. Only the last
 * `maxAgeMs` are kept: an older mark, or another process's, gets a full snapshot instead.
 */
import { randomBytes } from 'node:crypto';
import type { OrgEvent } from '../../contracts/events.js';

interface Entry {
  seq: number;
  at: number;
  orgId: string;
  event: OrgEvent;
}

export class Replay {
  readonly #boot = randomBytes(6).toString('base64url');
  #seq = 0;
  /** Oldest first; trimmed from the front as entries age out. */
  #entries: Entry[] = [];
  #head = 0;

  constructor(
    readonly maxAgeMs = 60_000,
    readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  record(orgId: string, event: OrgEvent): void {
    const at = this.now();
    this.#entries.push({ seq: ++this.#seq, at, orgId, event });
    this.#trim(at);
  }

  /** The point a snapshot built now starts from. */
  mark(): string {
    return `${this.#boot}.${this.#seq}`;
  }

  /**
   * The org's events after `mark`, oldest first; undefined when they are not all still held
   * (too old, or the mark is another process's or malformed).
   */
  since(mark: string, orgId: string): OrgEvent[] | undefined {
    const dot = mark.lastIndexOf('.');
    if (dot < 0 || mark.slice(0, dot) !== this.#boot) return undefined;
    const seq = Number(mark.slice(dot + 1));
    if (!Number.isSafeInteger(seq) || seq < 0 || seq > this.#seq) return undefined;
    this.#trim(this.now());
    const first = this.#entries[this.#head]?.seq ?? this.#seq + 1;
    // Events seq+1 … now must all be held: the first one held may be at most seq+1.
    if (first > seq + 1) return undefined;
    const out: OrgEvent[] = [];
    for (let i = this.#head + (seq + 1 - first); i < this.#entries.length; i++) {
      const e = this.#entries[i]!;
      if (e.orgId === orgId) out.push(e.event);
    }
    return out;
  }

  get size(): number {
    return this.#entries.length - this.#head;
  }

  #trim(now: number): void {
    const entries = this.#entries;
    while (this.#head < entries.length && (now - entries[this.#head]!.at > this.maxAgeMs || entries.length - this.#head > this.maxEntries)) this.#head++;
    // Drop the consumed front in one go once it is the larger part.
    if (this.#head > 1024 && this.#head * 2 > entries.length) {
      this.#entries = entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
