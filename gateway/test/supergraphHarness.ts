import {
  closeSubgraphDeps,
  createDatabase,
  createEventBus,
  createLogger,
  createRedis,
  createServiceMetrics,
  createSubgraphDeps,
  SUBGRAPH_NAMES,
  type Database,
  type EventBus,
  type Redis,
  type SubgraphDeps,
  type SubgraphName,
  type SubgraphServer,
} from '@shopgraph/kit';
import { createTestDatabase, postGraphQL, type TestDatabase } from '@shopgraph/kit/testing';
import { createCartSubgraph } from '../../subgraphs/cart/src/server.js';
import { createInventorySubgraph } from '../../subgraphs/inventory/src/server.js';
import { createOrderSubgraph } from '../../subgraphs/order/src/server.js';
import { createProductSubgraph } from '../../subgraphs/product/src/server.js';
import { createRecommendationSubgraph } from '../../subgraphs/recommendation/src/server.js';
import { createGatewayServer, type GatewayServer } from '../src/server.js';
import { readCheckedInSupergraph } from '../src/supergraph/composeSupergraph.js';

export const SUBGRAPH_FACTORIES: Record<SubgraphName, (deps: SubgraphDeps) => SubgraphServer> = {
  product: createProductSubgraph,
  inventory: createInventorySubgraph,
  cart: createCartSubgraph,
  order: createOrderSubgraph,
  recommendation: createRecommendationSubgraph,
};

export interface SupergraphOptions {
  /** The machine's real Redis for every cache (subgraphs' L2, the gateway's response cache). */
  redis?: boolean;
  /** The gateway's response cache (on by default, as in production). */
  responseCache?: boolean;
}

/**
 * The whole supergraph over real HTTP: five real subgraphs on free ports over one copy of
 * the seeded database, and the real Apollo Gateway planning over the checked-in supergraph.
 * Counts every request each subgraph receives, to assert the gateway's fetch plan.
 */
export interface RunningSupergraph {
  gatewayUrl: string;
  gateway: GatewayServer;
  databases: Record<SubgraphName, Database>;
  deps: Record<SubgraphName, SubgraphDeps>;
  subgraphRequests: Record<string, number>;
  testDatabase: TestDatabase;
  /** The gateway's event bus (the subgraphs each have their own in `deps`). */
  events: EventBus;
   
  gql: (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<{ data?: any; errors?: any[] }>;
  sql: <T>(query: string, ...values: unknown[]) => Promise<T[]>;
  resetCounters(): void;
  stop(): Promise<void>;
}

export async function startSupergraph(options: SupergraphOptions = {}): Promise<RunningSupergraph> {
  const testDatabase = await createTestDatabase();
  const logger = createLogger('e2e', process.env.TEST_LOG_LEVEL ?? 'silent');
  const redisClients: Redis[] = [];
  const redis = async () => {
    const client = createRedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', logger);
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    redisClients.push(client);
    return client;
  };
  const urls = {} as Record<SubgraphName, string>;
  const databases = {} as Record<SubgraphName, Database>;
  const deps = {} as Record<SubgraphName, SubgraphDeps>;
  const servers: SubgraphServer[] = [];
  const subgraphRequests: Record<string, number> = {};
  for (const name of SUBGRAPH_NAMES) {
    databases[name] = createDatabase({ url: testDatabase.url, poolSize: 3, logger });
    deps[name] = createSubgraphDeps(name, {
      database: databases[name],
      logger,
      cacheNamespace: testDatabase.name,
      ...(options.redis && { redis: await redis() }),
    });
    const server = SUBGRAPH_FACTORIES[name](deps[name]);
    server.http.server.on('request', (req) => {
      if (req.url?.startsWith('/graphql')) subgraphRequests[name] = (subgraphRequests[name] ?? 0) + 1;
    });
    urls[name] = `${(await server.listen(0, '127.0.0.1')).url}/graphql`;
    deps[name].relay.start();
    servers.push(server);
  }
  const gatewayRedis = options.redis ? await redis() : undefined;
  const metrics = createServiceMetrics('gateway');
  const events = createEventBus({ databaseUrl: testDatabase.url, redis: gatewayRedis, logger, registry: metrics.registry, namespace: testDatabase.name });
  const gateway = createGatewayServer({
    supergraphSdl: readCheckedInSupergraph(),
    subgraphUrls: urls,
    logger,
    cacheNamespace: testDatabase.name,
    cacheEnabled: options.responseCache ?? true,
    ...(gatewayRedis && { redis: gatewayRedis }),
    events,
    metrics,
  });
  const gatewayUrl = `${(await gateway.listen(0, '127.0.0.1')).url}/graphql`;
  await gateway.eventsReady;
  return {
    gatewayUrl,
    gateway,
    databases,
    deps,
    subgraphRequests,
    testDatabase,
    events,
    gql: (query, variables, headers) => postGraphQL(gatewayUrl, query, variables, headers),
    sql: <T>(query: string, ...values: unknown[]) => databases.product.prisma.$queryRawUnsafe<T[]>(query, ...values),
    resetCounters() {
      for (const key of Object.keys(subgraphRequests)) delete subgraphRequests[key];
      for (const db of Object.values(databases)) db.queries.reset();
    },
    async stop() {
      await gateway.stop();
      await events.close();
      for (const server of servers) await server.stop();
      for (const d of Object.values(deps)) await closeSubgraphDeps(d);
      for (const client of redisClients) client.disconnect();
      await testDatabase.drop();
    },
  };
}
