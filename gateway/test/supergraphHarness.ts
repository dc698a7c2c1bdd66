import { rm } from 'node:fs/promises';
import {
  closeSubgraphDeps,
  createDatabase,
  createEventBus,
  createLogger,
  createRedis,
  createServiceMetrics,
  createSubgraphDeps,
  InternalSigner,
  SUBGRAPH_NAMES,
  type CommerceSettings,
  type Database,
  type EventBus,
  type Logger,
  type Redis,
  type Role,
  type ServiceName,
  type SubgraphDeps,
  type SubgraphName,
  type SubgraphServer,
} from '@shopgraph/kit';
import {
  createTestDatabase,
  createTestInternalAuth,
  postGraphQL,
  TEST_INTERNAL_SIGNING_SECRET,
  TEST_JWT_SECRET,
  testMediaDir,
  testMediaSettings,
  type TestDatabase,
  type TestInternalAuthOptions,
} from '@shopgraph/kit/testing';
import { createCartSubgraph } from '../../subgraphs/cart/src/server.js';
import { createInventorySubgraph } from '../../subgraphs/inventory/src/server.js';
import { createOrderSubgraph } from '../../subgraphs/order/src/server.js';
import { createProductSubgraph } from '../../subgraphs/product/src/server.js';
import { createRecommendationSubgraph } from '../../subgraphs/recommendation/src/server.js';
import { issueToken } from '../src/auth/issueToken.js';
import { createJwtVerifier } from '../src/auth/jwtVerifier.js';
import { createGatewayServer, type GatewayAuth, type GatewayServer, type GatewayServerOptions } from '../src/server.js';
import { readCheckedInSupergraph } from '../src/supergraph/composeSupergraph.js';

export const SUBGRAPH_FACTORIES: Record<SubgraphName, (deps: SubgraphDeps) => SubgraphServer> = {
  product: createProductSubgraph,
  inventory: createInventorySubgraph,
  cart: createCartSubgraph,
  // The order subgraph signs customers' access tokens (signIn) with the key the test gateway verifies.
  order: (deps) => createOrderSubgraph(deps, { account: { settings: { jwtSecret: TEST_JWT_SECRET } } }),
  recommendation: createRecommendationSubgraph,
};

/** The gateway side of the test secrets: HS256 tokens with TEST_JWT_SECRET, signatures with the internal one. */
export function testGatewayAuth(): GatewayAuth {
  return {
    verifier: createJwtVerifier({ secret: TEST_JWT_SECRET, jwksUrl: undefined, issuer: undefined, audience: undefined }),
    signer: new InternalSigner(TEST_INTERNAL_SIGNING_SECRET),
  };
}

/** An HS256 token the test gateway accepts. */
export function testToken(role: Role, options: { subject?: string; scopes?: string[]; ttl?: string | number } = {}): Promise<string> {
  return issueToken(TEST_JWT_SECRET, {
    role,
    subject: options.subject ?? `${role.toLowerCase()}-1`,
    ...(options.scopes && { scopes: options.scopes }),
    ttl: options.ttl ?? '10m',
  });
}

export interface SupergraphOptions {
  /** The machine's real Redis for every cache (subgraphs' L2, the gateway's response cache). */
  redis?: boolean;
  /** Another Redis for all of that and the event bus (a private one a test may restart); implies `redis`. */
  redisUrl?: string;
  /** The gateway's response cache (on by default, as in production). */
  responseCache?: boolean;
  /** How the subgraphs check the gateway's signature (a moved clock, the insecure flag). */
  subgraphAuth?: TestInternalAuthOptions;
  /** Settings of the stock and cart subgraphs (tax rates, hold TTL ...). */
  commerce?: Partial<CommerceSettings>;
  /** Each service's logger (to read its log lines); by default one silent logger (TEST_LOG_LEVEL) for all. */
  logger?: (service: ServiceName) => Logger;
  /** Extra routes on the first gateway (the playground at "/"). */
  gatewayRoutes?: GatewayServerOptions['routes'];
}

/**
 * The whole supergraph over real HTTP: five real subgraphs on free ports over one copy of
 * the seeded database, and the real Apollo Gateway planning over the checked-in supergraph,
 * signing callers with the test secrets. Counts every request each subgraph receives, to
 * assert the gateway's fetch plan.
 */
export interface RunningSupergraph {
  gatewayUrl: string;
  gateway: GatewayServer;
  subgraphs: Record<SubgraphName, SubgraphServer>;
  subgraphUrls: Record<SubgraphName, string>;
  databases: Record<SubgraphName, Database>;
  deps: Record<SubgraphName, SubgraphDeps>;
  subgraphRequests: Record<string, number>;
  testDatabase: TestDatabase;
  /** The first gateway's event bus (the subgraphs each have their own in `deps`). */
  events: EventBus;
  gql: (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<{ data?: any; errors?: any[] }>;
  sql: <T>(query: string, ...values: unknown[]) => Promise<T[]>;
  resetCounters(): void;
  /** Another gateway over the same subgraphs (a second instance, other limits), stopped with the rest. */
  startGateway(options?: Partial<GatewayServerOptions>): Promise<{ gateway: GatewayServer; url: string }>;
  /** A client of the machine's real Redis, closed with the rest. */
  redis(): Promise<Redis>;
  stop(): Promise<void>;
}

export async function startSupergraph(startOptions: SupergraphOptions = {}): Promise<RunningSupergraph> {
  const options = { ...startOptions, redis: startOptions.redis ?? startOptions.redisUrl !== undefined };
  const testDatabase = await createTestDatabase();
  const logger = createLogger('e2e', process.env.TEST_LOG_LEVEL ?? 'silent');
  const redisClients: Redis[] = [];
  const redis = async () => {
    const client = createRedis(options.redisUrl ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', logger);
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    redisClients.push(client);
    return client;
  };
  const urls = {} as Record<SubgraphName, string>;
  const databases = {} as Record<SubgraphName, Database>;
  const deps = {} as Record<SubgraphName, SubgraphDeps>;
  const subgraphs = {} as Record<SubgraphName, SubgraphServer>;
  const subgraphRequests: Record<string, number> = {};
  const loggerOf = (service: ServiceName) => options.logger?.(service) ?? logger;
  for (const name of SUBGRAPH_NAMES) {
    databases[name] = createDatabase({ url: testDatabase.url, poolSize: 3, logger });
    deps[name] = createSubgraphDeps(name, {
      database: databases[name],
      logger: loggerOf(name),
      cacheNamespace: testDatabase.name,
      internalAuth: createTestInternalAuth(options.subgraphAuth),
      ...(options.commerce && { commerce: options.commerce }),

      media: testMediaSettings(testDatabase.name),
      ...(options.redis && { redis: await redis() }),
    });
    const server = SUBGRAPH_FACTORIES[name](deps[name]);
    server.http.server.on('request', (req) => {
      if (req.url?.startsWith('/graphql')) subgraphRequests[name] = (subgraphRequests[name] ?? 0) + 1;
    });
    urls[name] = `${(await server.listen(0, '127.0.0.1')).url.replace('localhost', '127.0.0.1')}/graphql`;
    deps[name].relay.start();
    subgraphs[name] = server;
  }
  // Service-to-service calls (cart -> inventory, order -> cart and inventory) reach these ports.
  for (const name of SUBGRAPH_NAMES) for (const [callee, url] of Object.entries(urls)) deps[name].internal.setUrl(callee as SubgraphName, url);
  const gateways: GatewayServer[] = [];
  const startGateway = async (extra: Partial<GatewayServerOptions> = {}) => {
    const gateway = createGatewayServer({
      supergraphSdl: readCheckedInSupergraph(),
      subgraphUrls: urls,
      logger: loggerOf('gateway'),
      auth: testGatewayAuth(),
      cacheNamespace: testDatabase.name,
      cacheEnabled: options.responseCache ?? true,
      media: testMediaSettings(testDatabase.name),
      ...(options.redis && { redis: await redis() }),
      ...extra,
    });
    gateways.push(gateway);
    const url = `${(await gateway.listen(0, '127.0.0.1')).url.replace('localhost', '127.0.0.1')}/graphql`;
    // Its one fetch of the ended sessions (order's revokedSessions) is over before a test counts
    // subgraph requests; a gateway pointed at another order subgraph (one that is down) is not waited for.
    if ((extra.subgraphUrls ?? urls).order === urls.order) await gateway.revokedSessionsLoaded;
    return { gateway, url };
  };
  // The first gateway, as in production: write events evict its cached responses.
  const gatewayRedis = options.redis ? await redis() : undefined;
  const metrics = createServiceMetrics('gateway');
  const events = createEventBus({ databaseUrl: testDatabase.url, redis: gatewayRedis, logger: loggerOf('gateway'), registry: metrics.registry, namespace: testDatabase.name });
  const first = await startGateway({ ...(gatewayRedis && { redis: gatewayRedis }), events, metrics, ...(options.gatewayRoutes && { routes: options.gatewayRoutes }) });
  await first.gateway.eventsReady;
  const gatewayUrl = first.url;
  return {
    gatewayUrl,
    gateway: first.gateway,
    subgraphs,
    subgraphUrls: urls,
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
    startGateway,
    redis,
    async stop() {
      for (const gateway of gateways) await gateway.stop();
      await events.close();
      for (const server of Object.values(subgraphs)) await server.stop();
      for (const d of Object.values(deps)) await closeSubgraphDeps(d);
      for (const client of redisClients) client.disconnect();
      await rm(testMediaDir(testDatabase.name), { recursive: true, force: true });
      await testDatabase.drop();
    },
  };
}
