import { Gauge, type Counter, type Registry } from 'prom-client';

export interface HitRatioOptions<L extends string> {
  name: string;
  help: string;
  /** The lookup counter the ratio is read from at each scrape. */
  lookups: Counter<L>;
  /** The counter's label that says what happened (e.g. `result`). */
  resultLabel: L;
  /** The counter's other labels: the ratio is given per combination of them. */
  labelNames: readonly L[];
  /** Results that count as hits, and those that count as lookups at all (hits included). */
  hits: readonly string[];
  counted: readonly string[];
}

/**
 * hits / lookups since the process started, per remaining label set (layer and type, say),
 * computed from the counter at scrape time. Prometheus can compute the same from the
 * counters with rate(); this is for a glance at /metrics and dashboards without PromQL.
 */
export function hitRatioGauge<L extends string>(registry: Registry, options: HitRatioOptions<L>): Gauge {
  const { lookups, resultLabel } = options;
  const hits = new Set(options.hits);
  const counted = new Set(options.counted);
  return new Gauge<string>({
    name: options.name,
    help: options.help,
    labelNames: [...options.labelNames],
    registers: [registry],
    async collect() {
      this.reset();
      const totals = new Map<string, { labels: Record<string, string | number>; hits: number; all: number }>();
      for (const { labels, value } of (await lookups.get()).values) {
        const result = String(labels[resultLabel] ?? '');
        if (!counted.has(result)) continue;
        const rest = Object.fromEntries(options.labelNames.map((k) => [k, labels[k] ?? ''])) as Record<string, string | number>;
        const key = JSON.stringify(rest);
        const total = totals.get(key) ?? { labels: rest, hits: 0, all: 0 };
        total.all += value;
        if (hits.has(result)) total.hits += value;
        totals.set(key, total);
      }
      for (const { labels, hits: h, all } of totals.values()) if (all > 0) this.set(labels, h / all);
    },
  });
}
