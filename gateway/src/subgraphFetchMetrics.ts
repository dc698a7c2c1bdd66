import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Histogram, type Registry } from 'prom-client';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

/** ok: 2xx; http_error: the subgraph answered another status; network_error: no answer (refused, reset, timed out). */
export type SubgraphFetchOutcome = 'ok' | 'http_error' | 'network_error';

export function subgraphFetchHistogram(registry: Registry): Histogram<'subgraph' | 'outcome'> {
  return new Histogram({
    name: 'gateway_subgraph_fetch_duration_seconds',
    help: 'Gateway -> subgraph fetches, from sending the request to the response headers, by subgraph and outcome',
    labelNames: ['subgraph', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
}

/** `fetcher`, timing each call into `histogram` under the subgraph's name. */
export function timedSubgraphFetcher(fetcher: Fetcher, subgraph: string, histogram: Histogram<'subgraph' | 'outcome'>): Fetcher {
  return (async (...args: Parameters<Fetcher>) => {
    const end = histogram.startTimer({ subgraph });
    try {
      const response = await fetcher(...args);
      end({ outcome: response.ok ? 'ok' : 'http_error' });
      return response;
    } catch (err) {
      end({ outcome: 'network_error' });
      throw err;
    }
  });
}
