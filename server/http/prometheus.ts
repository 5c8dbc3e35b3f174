type Labels = Record<string, string>;
const key = (labels: Labels) => Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',');

/** Prometheus text exposition without a dependency: counters, gauges read on scrape, histograms. */
export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();
  private readonly gauges = new Map<string, { help: string; read: () => Array<[Labels, number]> }>();
  private readonly histograms = new Map<string, { help: string; buckets: number[]; series: Map<string, { counts: number[]; sum: number; n: number }> }>();

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    let c = this.counters.get(name);
    if (!c) this.counters.set(name, (c = { help, values: new Map() }));
    const k = key(labels);
    c.values.set(k, (c.values.get(k) ?? 0) + by);
  }

  gauge(name: string, help: string, read: () => number | Array<[Labels, number]>): void {
    this.gauges.set(name, { help, read: () => { const v = read(); return typeof v === 'number' ? [[{}, v]] : v; } });
  }

  observe(name: string, help: string, value: number, labels: Labels = {}, buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]): void {
    let h = this.histograms.get(name);
    if (!h) this.histograms.set(name, (h = { help, buckets, series: new Map() }));
    const k = key(labels);
    let s = h.series.get(k);
    if (!s) h.series.set(k, (s = { counts: buckets.map(() => 0), sum: 0, n: 0 }));
    for (let i = 0; i < h.buckets.length; i++) if (value <= h.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.n++;
  }

  render(): string {
    const out: string[] = [];
    const series = (name: string, k: string, v: number) => out.push(`${name}${k ? `{${k}}` : ''} ${v}`);
    for (const [name, c] of this.counters) {
      out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
      for (const [k, v] of c.values) series(name, k, v);
    }
    for (const [name, g] of this.gauges) {
      out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`);
      for (const [labels, v] of g.read()) series(name, key(labels), v);
    }
    for (const [name, h] of this.histograms) {
      out.push(`# HELP ${name} ${h.help}`, `# TYPE ${name} histogram`);
      for (const [k, s] of h.series) {
        const pre = k ? k + ',' : '';
        h.buckets.forEach((b, i) => series(`${name}_bucket`, `${pre}le="${b}"`, s.counts[i]!));
        series(`${name}_bucket`, `${pre}le="+Inf"`, s.n);
        series(`${name}_sum`, k, s.sum);
        series(`${name}_count`, k, s.n);
      }
    }
    return out.join('\n') + '\n';
  }
}
