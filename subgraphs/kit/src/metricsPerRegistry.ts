import type { Registry } from 'prom-client';

/**
 * Makes a metric set's factory give one set per registry, however often it is asked: a second
 * runtime on the same registry (tests build one beside the server's) shares the metrics
 * instead of registering their names twice, which prom-client refuses.
 */
export function perRegistry<T>(create: (registry: Registry) => T): (registry: Registry) => T {
  const byRegistry = new WeakMap<Registry, T>();
  return (registry) => {
    let metrics = byRegistry.get(registry);
    if (metrics === undefined) {
      metrics = create(registry);
      byRegistry.set(registry, metrics);
    }
    return metrics;
  };
}
