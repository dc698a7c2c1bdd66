import { createLogger, stopOnSignals } from '@shopgraph/kit';
import { loadGatewayConfig } from './gatewayConfig.js';
import { createPlaygroundRoutes } from './playground/playgroundRoutes.js';
import { createGatewayServer } from './server.js';
import { readCheckedInSupergraph } from './supergraph/composeSupergraph.js';

const config = loadGatewayConfig();
const logger = createLogger('gateway', config.logLevel);
const server = createGatewayServer({
  supergraphSdl: readCheckedInSupergraph(),
  subgraphUrls: config.subgraphUrls,
  logger,
  routes: await createPlaygroundRoutes({ graphqlPath: '/graphql' }),
});
await server.listen(config.port, config.host);
stopOnSignals(server, logger);
