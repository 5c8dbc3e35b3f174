/**
 * A binary min-heap of keyed entries ordered by `due`, with O(log n) removal and update by key:
 * the one timer structure behind the scheduler.
 */
export interface HeapEntry {
  key: string;
  /** Epoch milliseconds the entry is due at. */
  due: number;
}

export class KeyedMinHeap<T extends HeapEntry> {
  #items: T[] = [];
  #index = new Map<string, number>();

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  get(key: string): T | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : this.#items[i];
  }

  /** Inserts, or replaces the entry with the same key. */
  push(item: T): void {
    const at = this.#index.get(item.key);
    if (at !== undefined) {
      this.#items[at] = item;
      this.#fix(at);
      return;
    }
    this.#items.push(item);
    this.#index.set(item.key, this.#items.length - 1);
    this.#up(this.#items.length - 1);
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.#removeAt(0);
    return top;
  }

  remove(key: string): T | undefined {
    const i = this.#index.get(key);
    if (i === undefined) return undefined;
    const item = this.#items[i]!;
    this.#removeAt(i);
    return item;
  }

  #removeAt(i: number): void {
    const last = this.#items.pop()!;
    this.#index.delete(this.#items.length === i ? last.key : this.#items[i]!.key);
    if (i < this.#items.length) {
      this.#items[i] = last;
      this.#index.set(last.key, i);
      this.#fix(i);
    }
  }

  #fix(i: number): void {
    if (!this.#up(i)) this.#down(i);
  }

  #swap(a: number, b: number): void {
    const items = this.#items;
    [items[a], items[b]] = [items[b]!, items[a]!];
    this.#index.set(items[a]!.key, a);
    this.#index.set(items[b]!.key, b);
  }

  #up(i: number): boolean {
    const start = i;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#items[parent]!.due <= this.#items[i]!.due) break;
      this.#swap(i, parent);
      i = parent;
    }
    return i !== start;
  }

  #down(i: number): void {
    const n = this.#items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < n && this.#items[l]!.due < this.#items[least]!.due) least = l;
      if (r < n && this.#items[r]!.due < this.#items[least]!.due) least = r;
      if (least === i) return;
      this.#swap(i, least);
      i = least;
    }
  }
}
