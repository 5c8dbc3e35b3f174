/** Pure checks on a response: status ranges, JSON path. */

export function statusMatches(status: number, specs: Array<number | string>): boolean {
  return specs.some((spec) => {
    if (typeof spec === 'number') return status === spec;
    const [low, high = low] = spec.split('-').map(Number);
    return status >= low && status <= high;
  });
}

/** `data.items[0].status` → ['data', 'items', 0, 'status'] */
export function parsePath(path: string): Array<string | number> {
  const steps: Array<string | number> = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    steps.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  }
  return steps;
}

/** The value at `path`, or `found: false`. Own properties only, so `constructor` finds nothing. */
export function valueAt(root: unknown, path: string): { found: boolean; value?: unknown } {
  let current: unknown = root;
  for (const step of parsePath(path)) {
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return { found: false };
      current = current[step];
    } else {
      if (current === null || typeof current !== 'object' || !Object.hasOwn(current, step)) return { found: false };
      current = (current as Record<string, unknown>)[step];
    }
  }
  return { found: true, value: current };
}

/** Strings as they are, everything else as JSON: `200`, `true`, `null`, `{"a":1}`. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
