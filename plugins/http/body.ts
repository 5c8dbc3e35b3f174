/**
 * What the checks need of a response body, taken as it streams in. A plain keyword is searched
 * chunk by chunk, holding only a keyword's length of the previous chunk, so it is found across
 * chunk boundaries without keeping the body. A regex keyword or a JSON path needs the bytes
 * themselves (up to maxBodyBytes): those are reserved from the server's memory budget first,
 * waiting while other checks hold it, and kept in one buffer of exactly the reserved size.
 */
import type { MemoryBudget, MemoryReservation } from '../sdk.js';
import { StreamSearch } from '../shared/stream-search.js';
import type { HttpConfig } from './config.js';

export class ResponseBody {
  readonly #search?: StreamSearch;
  /** Bytes to keep at most; 0 when no check needs the bytes themselves. */
  readonly #keepUpTo: number;
  #reservation?: MemoryReservation;
  #kept?: Buffer;
  #size = 0;

  constructor(
    config: Pick<HttpConfig, 'keyword' | 'keywordRegex' | 'jsonPath' | 'maxBodyBytes'>,
    private readonly memory: MemoryBudget,
    private readonly signal: AbortSignal,
  ) {
    if (config.keyword !== undefined && !config.keywordRegex) this.#search = new StreamSearch(Buffer.from(config.keyword, 'utf8'));
    const keep = (config.keyword !== undefined && config.keywordRegex) || config.jsonPath !== undefined;
    this.#keepUpTo = keep ? config.maxBodyBytes : 0;
  }

  /** Some check needs the body's bytes kept (a regex keyword or a JSON path): start() must be awaited first. */
  get keeps(): boolean {
    return this.#keepUpTo > 0;
  }

  /** No check looks at the body at all: it is only counted. */
  get ignored(): boolean {
    return this.#keepUpTo === 0 && !this.#search;
  }

  /** Before the first byte (`expected`: the body's length when known, already capped): reserves what will be kept. */
  async start(expected: number | undefined): Promise<void> {
    if (this.#keepUpTo === 0) return;
    this.release(); // a body of an earlier attempt, if any
    this.#reservation = await this.memory.reserve(Math.min(expected ?? this.#keepUpTo, this.#keepUpTo), this.signal);
    this.#kept = Buffer.allocUnsafe(this.#reservation.bytes);
    this.#size = 0;
  }

  write(chunk: Buffer): void {
    this.#search?.push(chunk);
    if (!this.#kept) return;
    this.#size += chunk.copy(this.#kept, this.#size);
  }

  /** The plain keyword was seen. */
  get found(): boolean {
    return this.#search?.found ?? false;
  }

  /** The bytes kept (empty unless a regex keyword or a JSON path asked for them). */
  get bytes(): Buffer {
    return this.#kept ? this.#kept.subarray(0, this.#size) : Buffer.alloc(0);
  }

  release(): void {
    this.#reservation?.release();
    this.#reservation = undefined;
    this.#kept = undefined;
  }
}
