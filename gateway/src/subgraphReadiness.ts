import type { ReadinessCheck, SubgraphName } from '@shopgraph/kit';

/** The gateway is ready when every subgraph says it is alive. */
export function subgraphReadiness(subgraphUrls: Record<SubgraphName, string>): ReadinessCheck[] {
  return Object.entries(subgraphUrls).map(([name, url]) => ({
    name,
    async check() {
      const res = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(1_500) });
      if (!res.ok) throw new Error(`${name} /health answered ${res.status}`);
    },
  }));
}
