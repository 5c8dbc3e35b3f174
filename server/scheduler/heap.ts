/**
 * A binary min-heap of keyed entries ordered by `due`, with O(log n) removal and update by key:
 * the one timer structure behind the scheduler. Entries move by "hole" shifting (no swaps, no
 * allocation) and carry their own position, so a key lookup is one Map read.
 */
export interface HeapEntry {
  key: string;
  /** Epoch milliseconds the entry is due at. */
  due: number;
}

interface Slot<T> {
  item: T;
  /** item.due, kept here so sifting reads one object per level. */
  due: number;
  /** Index in the heap array. */
  pos: number;
}

export class KeyedMinHeap<T extends HeapEntry> {
  #slots: Slot<T>[] = [];
  #byKey = new Map<string, Slot<T>>();

  get size(): number {
    return this.#slots.length;
  }

  peek(): T | undefined {
    return this.#slots[0]?.item;
  }

  get(key: string): T | undefined {
    return this.#byKey.get(key)?.item;
  }

  /** Inserts, or replaces the entry with the same key. */
  push(item: T): void {
    const existing = this.#byKey.get(item.key);
    if (existing) {
      const earlier = item.due < existing.due;
      existing.item = item;
      existing.due = item.due;
      if (earlier) this.#up(existing.pos);
      else this.#down(existing.pos);
      return;
    }
    const slot = { item, due: item.due, pos: this.#slots.length };
    this.#slots.push(slot);
    this.#byKey.set(item.key, slot);
    this.#up(slot.pos);
  }

  pop(): T | undefined {
    const top = this.#slots[0];
    if (top) this.#removeAt(0);
    return top?.item;
  }

  remove(key: string): T | undefined {
    const slot = this.#byKey.get(key);
    if (!slot) return undefined;
    this.#removeAt(slot.pos);
    return slot.item;
  }

  #removeAt(i: number): void {
    const slots = this.#slots;
    this.#byKey.delete(slots[i]!.item.key);
    const last = slots.pop()!;
    if (i === slots.length) return;
    slots[i] = last;
    last.pos = i;
    if (i > 0 && last.due < slots[(i - 1) >> 1]!.due) this.#up(i);
    else this.#down(i);
  }

  #up(i: number): void {
    const slots = this.#slots;
    const moving = slots[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = slots[parent]!;
      if (p.due <= moving.due) break;
      slots[i] = p;
      p.pos = i;
      i = parent;
    }
    slots[i] = moving;
    moving.pos = i;
  }

  #down(i: number): void {
    const slots = this.#slots;
    const n = slots.length;
    const moving = slots[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && slots[child + 1]!.due < slots[child]!.due) child++;
      const c = slots[child]!;
      if (c.due >= moving.due) break;
      slots[i] = c;
      c.pos = i;
      i = child;
    }
    slots[i] = moving;
    moving.pos = i;
  }
}
