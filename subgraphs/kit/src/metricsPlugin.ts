import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { requestTally } from './context.js';
import type { ServiceMetrics } from './metrics.js';

/** Records latency and error codes per operation name. */
export function metricsPlugin<TContext extends BaseContext>(metrics: ServiceMetrics): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors }) {
          const operation = operationName ?? 'anonymous';
          metrics.operationDuration.observe({ operation, outcome: errors?.length ? 'error' : 'ok' }, (performance.now() - started) / 1000);
          const tally = requestTally.getStore();
          if (tally) metrics.sqlQueriesPerOperation.observe({ operation }, tally.sqlQueries);
          for (const error of errors ?? []) {
            const code = typeof error.extensions.code === 'string' ? error.extensions.code : 'UNKNOWN';
            metrics.operationErrors.inc({ operation, code });
          }
        },
      };
    },
  };
}
