import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per service, served on /metrics. */
export interface ServiceMetrics {
  registry: Registry;
  operationDuration: Histogram<'operation' | 'outcome'>;
  operationErrors: Counter<'operation' | 'code'>;
  sqlQueriesPerOperation: Histogram<'operation'>;
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
    sqlQueriesPerOperation: new Histogram({
      name: 'graphql_operation_sql_queries',
      help: 'SQL statements one GraphQL operation sent to PostgreSQL (N+1 shows here)',
      labelNames: ['operation'],
      buckets: [0, 1, 2, 3, 5, 8, 13, 21, 50],
      registers: [registry],
    }),
  };
}
