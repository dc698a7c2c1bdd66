import { createLogger, createRedis, databaseNameOf, stopOnSignals } from '@shopgraph/kit';
import { loadGatewayConfig } from './gatewayConfig.js';
import { createPlaygroundRoutes } from './playground/playgroundRoutes.js';
import { createGatewayServer } from './server.js';
import { readCheckedInSupergraph } from './supergraph/composeSupergraph.js';

const config = loadGatewayConfig();
const logger = createLogger('gateway', config.logLevel);
const redis = config.redisUrl ? createRedis(config.redisUrl, logger) : undefined;
const server = createGatewayServer({
  supergraphSdl: readCheckedInSupergraph(),
  subgraphUrls: config.subgraphUrls,
  logger,
  routes: await createPlaygroundRoutes({ graphqlPath: '/graphql' }),
  ...(redis && { redis }),
  cacheNamespace: databaseNameOf(config.databaseUrl),
  cacheEnabled: config.responseCacheEnabled,
});
await server.listen(config.port, config.host);
stopOnSignals(
  {
    async stop() {
      await server.stop();
      redis?.disconnect();
    },
  },
  logger,
);
