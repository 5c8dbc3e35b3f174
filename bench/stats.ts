/** Small helpers the benches share: argument parsing, percentiles, printing. */

/** `--name value` from argv, as a number, or the default. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** Prints one line per figure, target and verdict aligned. */
export function report(title: string, rows: Array<[label: string, value: string, target?: string, pass?: boolean]>): void {
  const width = Math.max(...rows.map(([l]) => l.length));
  console.log(`\n${title}`);
  for (const [label, value, target, pass] of rows) {
    const verdict = target === undefined ? '' : `   target ${target}  ${pass ? 'PASS' : 'FAIL'}`;
    console.log(`  ${label.padEnd(width)}  ${value.padStart(12)}${verdict}`);
  }
}
