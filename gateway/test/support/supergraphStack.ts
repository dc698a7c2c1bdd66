import {
  createDatabase,
  createLogger,
  createSubgraphDeps,
  InternalSigner,
  SUBGRAPH_NAMES,
  type Database,
  type Role,
  type SubgraphDeps,
  type SubgraphName,
  type SubgraphServer,
} from '@shopgraph/kit';
import {
  createTestDatabase,
  createTestInternalAuth,
  TEST_INTERNAL_SIGNING_SECRET,
  TEST_JWT_SECRET,
  type TestDatabase,
  type TestInternalAuthOptions,
} from '@shopgraph/kit/testing';
import { createCartSubgraph } from '../../../subgraphs/cart/src/server.js';
import { createInventorySubgraph } from '../../../subgraphs/inventory/src/server.js';
import { createOrderSubgraph } from '../../../subgraphs/order/src/server.js';
import { createProductSubgraph } from '../../../subgraphs/product/src/server.js';
import { createRecommendationSubgraph } from '../../../subgraphs/recommendation/src/server.js';
import { issueToken } from '../../src/auth/issueToken.js';
import { createJwtVerifier } from '../../src/auth/jwtVerifier.js';
import { createGatewayServer, type GatewayAuth, type GatewayServer, type GatewayServerOptions } from '../../src/server.js';
import { readCheckedInSupergraph } from '../../src/supergraph/composeSupergraph.js';

export const SUBGRAPH_FACTORIES: Record<SubgraphName, (deps: SubgraphDeps) => SubgraphServer> = {
  product: createProductSubgraph,
  inventory: createInventorySubgraph,
  cart: createCartSubgraph,
  order: createOrderSubgraph,
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

export interface SupergraphStack {
  gateway: GatewayServer;
  gatewayUrl: string;
  /** The gateway's origin, for /health, /metrics and the playground. */
  gatewayBase: string;
  subgraphs: Record<SubgraphName, SubgraphServer>;
  subgraphUrls: Record<SubgraphName, string>;
  databases: Record<SubgraphName, Database>;
  testDatabase: TestDatabase;
  /** Every /graphql request each subgraph received since the last resetCounters(). */
  subgraphRequests: Record<string, number>;
  resetCounters(): void;
  /** Another gateway over the same subgraphs (a second instance, other limits). */
  startGateway(options?: Partial<GatewayServerOptions>): Promise<{ gateway: GatewayServer; url: string }>;
  stop(): Promise<void>;
}

export interface SupergraphStackOptions {
  gateway?: Partial<GatewayServerOptions>;
  /** How the subgraphs check signatures (a moved clock, the insecure flag). */
  subgraphAuth?: TestInternalAuthOptions;
}

/**
 * The whole supergraph over real HTTP: five real subgraphs on free ports, one copy of the
 * seeded database, and the real gateway planning over the checked-in supergraph.
 */
export async function startSupergraphStack(options: SupergraphStackOptions = {}): Promise<SupergraphStack> {
  const testDatabase = await createTestDatabase();
  const logger = createLogger('e2e', process.env.TEST_LOG_LEVEL ?? 'silent');
  const databases = {} as Record<SubgraphName, Database>;
  const subgraphs = {} as Record<SubgraphName, SubgraphServer>;
  const subgraphUrls = {} as Record<SubgraphName, string>;
  const allDeps: SubgraphDeps[] = [];
  const subgraphRequests: Record<string, number> = {};
  const gateways: GatewayServer[] = [];
  for (const name of SUBGRAPH_NAMES) {
    databases[name] = createDatabase({ url: testDatabase.url, poolSize: 3, logger });
    const deps = createSubgraphDeps(name, {
      database: databases[name],
      logger,
      cacheNamespace: testDatabase.name,
      internalAuth: createTestInternalAuth(options.subgraphAuth),
    });
    allDeps.push(deps);
    const server = SUBGRAPH_FACTORIES[name](deps);
    // Count every HTTP request a subgraph receives, to assert the gateway's fetch plan.
    server.http.server.on('request', (req: { url?: string }) => {
      if (req.url?.startsWith('/graphql')) subgraphRequests[name] = (subgraphRequests[name] ?? 0) + 1;
    });
    subgraphUrls[name] = `${(await server.listen(0, '127.0.0.1')).url.replace('localhost', '127.0.0.1')}/graphql`;
    subgraphs[name] = server;
  }
  const startGateway = async (extra: Partial<GatewayServerOptions> = {}) => {
    const gateway = createGatewayServer({
      supergraphSdl: readCheckedInSupergraph(),
      subgraphUrls,
      logger,
      auth: testGatewayAuth(),
      ...options.gateway,
      ...extra,
    });
    gateways.push(gateway);
    const { url } = await gateway.listen(0, '127.0.0.1');
    return { gateway, url: `${url.replace('localhost', '127.0.0.1')}/graphql` };
  };
  const first = await startGateway();
  return {
    gateway: first.gateway,
    gatewayUrl: first.url,
    gatewayBase: first.url.replace(/\/graphql$/, ''),
    subgraphs,
    subgraphUrls,
    databases,
    testDatabase,
    subgraphRequests,
    resetCounters() {
      for (const key of Object.keys(subgraphRequests)) delete subgraphRequests[key];
      for (const db of Object.values(databases)) db.queries.reset();
    },
    startGateway,
    async stop() {
      for (const g of gateways) await g.stop();
      for (const s of Object.values(subgraphs)) await s.stop();
      for (const deps of allDeps) await deps.caches.close();
      for (const db of Object.values(databases)) await db.close();
      await testDatabase.drop();
    },
  };
}
