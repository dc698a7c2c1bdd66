import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per service, served on /metrics. */
export interface ServiceMetrics {
  registry: Registry;
  operationDuration: Histogram<'operation' | 'outcome'>;
  operationErrors: Counter<'operation' | 'code'>;
}

export function createServiceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    operationDuration: new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'GraphQL operation latency by operation name',
      labelNames: ['operation', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    operationErrors: new Counter({
      name: 'graphql_operation_errors_total',
      help: 'GraphQL errors by operation name and extensions.code',
      labelNames: ['operation', 'code'],
      registers: [registry],
    }),
  };
}
