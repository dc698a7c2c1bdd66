import { createEventBus, createLogger, createRedis, createServiceMetrics, databaseNameOf, stopOnSignals } from '@shopgraph/kit';
import { loadGatewayConfig } from './gatewayConfig.js';
import { createPlaygroundRoutes } from './playground/playgroundRoutes.js';
import { createGatewayServer } from './server.js';
import { readCheckedInSupergraph } from './supergraph/composeSupergraph.js';

const config = loadGatewayConfig();
const logger = createLogger('gateway', config.logLevel);
const redis = config.redisUrl ? createRedis(config.redisUrl, logger) : undefined;
const metrics = createServiceMetrics('gateway');
// Write events (Redis Streams, or the PostgreSQL event log without Redis) evict cached responses.
const events = createEventBus({ databaseUrl: config.databaseUrl, redis, logger, registry: metrics.registry, namespace: databaseNameOf(config.databaseUrl) });
const server = createGatewayServer({
  supergraphSdl: readCheckedInSupergraph(),
  subgraphUrls: config.subgraphUrls,
  logger,
  routes: await createPlaygroundRoutes({ graphqlPath: '/graphql' }),
  ...(redis && { redis }),
  cacheNamespace: databaseNameOf(config.databaseUrl),
  cacheEnabled: config.responseCacheEnabled,
  events,
  metrics,
});
await server.listen(config.port, config.host);
stopOnSignals(
  {
    async stop() {
      await server.stop();
      await events.close();
      redis?.disconnect();
    },
  },
  logger,
);
