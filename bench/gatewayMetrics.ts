// After each gateway mode of `npm run bench`: what the gateway's /metrics shows (issue 9 asks
// that the histograms and counters be there after a bench run), saved to bench/results/.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface MetricFamily {
  name: string;
  type: string;
  /** Samples of the family (one per label set; a histogram's count series only). */
  series: number;
  /** Counters: the sum; histograms: observations (the sum of the _count series); gauges: the sum now. */
  total: number;
}

export interface GatewayMetricsCapture {
  mode: string;
  families: MetricFamily[];
}

/** Reads a Prometheus text page into its families with their totals. */
export function summariseMetrics(text: string): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      families.set(type[1]!, { name: type[1]!, type: type[2]!, series: 0, total: 0 });
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (!sample) continue;
    const [, name, value] = sample;
    const family = families.get(name!) ?? families.get(name!.replace(/_count$/, ''));
    if (!family) continue;
    if (family.type === 'histogram' || family.type === 'summary') {
      if (name !== `${family.name}_count`) continue;
    }
    family.series += 1;
    family.total += Number(value);
  }
  return [...families.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export async function captureGatewayMetrics(gatewayGraphqlUrl: string, mode: string): Promise<GatewayMetricsCapture> {
  const text = await (await fetch(new URL('/metrics', gatewayGraphqlUrl))).text();
  const families = summariseMetrics(text).filter((f) => !f.name.startsWith('nodejs_') && !f.name.startsWith('process_'));
  console.log(`[metrics] gateway (${mode}): ${families.map((f) => `${f.name}=${f.total}`).join(' ')}`);
  return { mode, families };
}

export function writeGatewayMetrics(dir: string, captures: GatewayMetricsCapture[]): void {
  const at = new Date().toISOString();
  writeFileSync(path.join(dir, 'gateway-metrics.json'), `${JSON.stringify({ at, captures }, null, 2)}\n`);
  const lines = [`# The gateway's /metrics after each bench mode, ${at}`, '', 'Process and Node.js runtime metrics left out. Total: counters summed, histograms as observations, gauges as they stood.', ''];
  for (const { mode, families } of captures) {
    lines.push(`## ${mode}`, '', '| metric | type | series | total |', '| --- | --- | ---: | ---: |');
    for (const f of families) lines.push(`| \`${f.name}\` | ${f.type} | ${f.series} | ${Number.isInteger(f.total) ? f.total : f.total.toFixed(3)} |`);
    lines.push('');
  }
  writeFileSync(path.join(dir, 'gateway-metrics.md'), lines.join('\n'));
  console.log('wrote bench/results/gateway-metrics.md and .json');
}
