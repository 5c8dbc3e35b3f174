/**
 * A plain (not regex) search through bytes that arrive in chunks: finds the needle across chunk
 * boundaries while holding only the last needle-length-minus-one bytes, never the stream.
 */
export class StreamSearch {
  #tail: Buffer = Buffer.alloc(0);
  #found = false;

  constructor(private readonly needle: Buffer) {}

  get found(): boolean {
    return this.#found;
  }

  /** Answers whether the needle has been seen so far. */
  push(chunk: Buffer): boolean {
    if (this.#found) return true;
    const keep = this.needle.length - 1;
    // A match that starts in the previous chunk ends within the first `keep` bytes of this one.
    const seam = this.#tail.length > 0 ? Buffer.concat([this.#tail, chunk.subarray(0, keep)]) : undefined;
    if ((seam && seam.includes(this.needle)) || chunk.includes(this.needle)) {
      this.#found = true;
      this.#tail = Buffer.alloc(0);
      return true;
    }
    if (keep > 0) {
      const last = chunk.length >= keep ? chunk.subarray(chunk.length - keep) : Buffer.concat([this.#tail, chunk]).subarray(-keep);
      this.#tail = Buffer.from(last); // a copy: the chunk may be a slice of a larger socket buffer
    }
    return false;
  }
}
