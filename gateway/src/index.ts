import { createEventBus, createInternalAuth, createLogger, createMediaSettings, createRedis, createServiceMetrics, databaseNameOf, stopOnSignals, warnWhileInsecure } from '@shopgraph/kit';
import { createJwtVerifier } from './auth/jwtVerifier.js';
import { loadGatewayConfig } from './gatewayConfig.js';
import { loadSafelist } from './limits/safelist.js';
import { developmentTokenIssuer } from './playground/developmentToken.js';
import { createPlaygroundRoutes } from './playground/playgroundRoutes.js';
import { createGatewayServer } from './server.js';
import { readCheckedInSupergraph } from './supergraph/composeSupergraph.js';

const config = loadGatewayConfig();
const logger = createLogger('gateway', config.logLevel);
const verifier = createJwtVerifier(config.jwt);
if (!verifier.configured) logger.warn('neither JWT_SECRET nor JWT_JWKS_URL is set: every request with a token is refused');
const { signer } = createInternalAuth({ secret: config.internalSigningSecret, insecure: config.insecureSubgraphs });
const stopWarning = config.insecureSubgraphs ? warnWhileInsecure(logger) : undefined;
const safelist = config.safelistPath ? loadSafelist(config.safelistPath) : undefined;
if (config.development) logger.warn('SHOPGRAPH_DEVELOPMENT is on: the playground offers an admin token to browsers on this machine. For development only.');
if (safelist) logger.info({ operations: safelist.size, manifest: config.safelistPath }, 'safelist mode: only registered operations run');
const redis = config.redisUrl ? createRedis(config.redisUrl, logger) : undefined;
const metrics = createServiceMetrics('gateway');
// Write events (Redis Streams, or the PostgreSQL event log without Redis) evict cached responses.
const events = createEventBus({ databaseUrl: config.databaseUrl, redis, logger, registry: metrics.registry, namespace: databaseNameOf(config.databaseUrl) });
const server = createGatewayServer({
  supergraphSdl: readCheckedInSupergraph(),
  subgraphUrls: config.subgraphUrls,
  logger,
  auth: { verifier, signer },
  limits: config.limits,
  safelist,
  routes: await createPlaygroundRoutes({
    graphqlPath: '/graphql',
    developmentToken: developmentTokenIssuer({ development: config.development, jwtSecret: config.jwt.secret, issuer: config.jwt.issuer, audience: config.jwt.audience }),
  }),
  ...(redis && { redis }),
  cacheNamespace: databaseNameOf(config.databaseUrl),
  cacheEnabled: config.responseCacheEnabled,
  events,
  metrics,
  media: createMediaSettings({ ...config.media, secret: config.internalSigningSecret }),
  live: config.live,
});
await server.listen(config.port, config.host);
stopOnSignals(
  {
    async stop() {
      stopWarning?.();
      await server.stop();
      await events.close();
      redis?.disconnect();
    },
  },
  logger,
);
