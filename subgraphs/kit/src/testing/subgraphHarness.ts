import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createMediaSettings, type MediaSettings } from '../media/mediaConfig.js';
import type { Identity } from '../auth/identity.js';
import type { InternalSigner } from '../auth/internalSignature.js';
import { createDatabase, type Database } from '../database.js';
import { createLogger, type Logger } from '../logger.js';
import { createRedis, redisReady, type Redis } from '../redis.js';
import { SUBGRAPH_NAMES, type CommerceSettings, type SubgraphName } from '../config.js';
import { EVENT_SOURCE_OF_SUBGRAPH } from '../events/domainEvent.js';
import type { EventSource } from '../events/topics.js';
import { closeSubgraphDeps, createSubgraphDeps, type SubgraphDeps } from '../serviceMain.js';
import type { SubgraphServer } from '../subgraphServer.js';
import { postGraphQL, type GraphQLResponse } from './graphqlClient.js';
import { createTestInternalAuth, TEST_INTERNAL_SIGNING_SECRET, testIdentities, type TestInternalAuthOptions } from './testAuth.js';
import { createTestDatabase, type TestDatabase } from './testDatabase.js';

export interface RunningSubgraph {
  server: SubgraphServer;
  deps: SubgraphDeps;
  url: string;
  database: Database;
  testDatabase: TestDatabase;
  /** Signs requests the way the gateway does (test secret); a test may also forge or age them. */
  signer: InternalSigner;
  /** One operation, signed as `identity` (anonymous by default), the way the gateway forwards it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read responses loosely
  gql<TData = Record<string, any>>(query: string, variables?: Record<string, unknown>, identity?: Identity): Promise<GraphQLResponse<TData>>;
  stop(): Promise<void>;
}

/** Starts a real subgraph on a free port over its own copy of the seeded database. */
export interface TestSubgraphOptions {
  /** Use the machine's real Redis (TEST_REDIS_URL) as L2 and eviction bus. */
  redis?: boolean;
  testDatabase?: TestDatabase;
  /** How the subgraph checks the gateway signature: a moved clock, the insecure flag. */
  auth?: TestInternalAuthOptions;
  /** Whose outbox the relay publishes; by default read from the factory's name (createProductSubgraph -> catalog). */
  eventSource?: EventSource;
  /** Where the subgraph's internal calls go (another test subgraph's url), by subgraph name. */
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
  /** Settings of the stock and cart subgraphs (defaults: DEFAULT_COMMERCE_SETTINGS). */
  commerce?: Partial<CommerceSettings>;
  /** Media settings; by default a fresh directory under the OS's temp dir (removed on stop) and the test secret. */
  media?: MediaSettings;
}

/** A media directory of its own for a test database, removed with it. */
export function testMediaDir(databaseName: string): string {
  return path.join(tmpdir(), 'shopgraph-test-media', databaseName);
}

/** Media settings over testMediaDir, signing upload tokens with the test secret. */
export function testMediaSettings(databaseName: string, overrides: Partial<MediaSettings> = {}): MediaSettings {
  return { ...createMediaSettings({ dir: testMediaDir(databaseName), secret: TEST_INTERNAL_SIGNING_SECRET }), ...overrides };
}

/** `createInventorySubgraph` builds the inventory subgraph, whose events come from the inventory schema. */
function subgraphOf(factory: { name: string }): SubgraphName | undefined {
  const name = /^create(\w+)Subgraph$/.exec(factory.name)?.[1]?.toLowerCase();
  return name && SUBGRAPH_NAMES.includes(name as SubgraphName) ? (name as SubgraphName) : undefined;
}

function eventSourceOf(factory: { name: string }): EventSource {
  const name = subgraphOf(factory);
  if (!name) throw new Error(`cannot tell which subgraph ${factory.name || 'this factory'} builds: pass eventSource`);
  return EVENT_SOURCE_OF_SUBGRAPH[name];
}

export async function startTestSubgraph(
  factory: (deps: SubgraphDeps) => SubgraphServer,
  options: TestSubgraphOptions = {},
): Promise<RunningSubgraph> {
  const { testDatabase } = options;
  const db = testDatabase ?? (await createTestDatabase());
  const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const database = createDatabase({ url: db.url, poolSize: 4, logger });
  const redis = options.redis ? await connectTestRedis(logger) : undefined;
  const eventSource = options.eventSource ?? eventSourceOf(factory);
  const internalAuth = createTestInternalAuth(options.auth);
  const media = options.media ?? testMediaSettings(db.name);
  const service = subgraphOf(factory);
  const deps = createSubgraphDeps('test', {
    database,
    logger,
    redis,
    cacheNamespace: db.name,
    eventSource,
    internalAuth,
    ...(service && { service }),
    ...(options.subgraphUrls && { subgraphUrls: options.subgraphUrls }),
    ...(options.commerce && { commerce: options.commerce }),
    media,
  });
  const server = factory(deps);
  const { url } = await server.listen(0, '127.0.0.1');
  deps.relay.start();
  const signer = internalAuth.signer!;
  return {
    server,
    url: `${url}/graphql`,
    database,
    deps,
    testDatabase: db,
    signer,
    gql: (query, variables, identity = testIdentities.anonymous) => postGraphQL(`${url}/graphql`, query, variables, {}, { signAs: { signer, identity } }),
    async stop() {
      await server.stop();
      await closeSubgraphDeps(deps);
      if (!options.media) await rm(testMediaDir(db.name), { recursive: true, force: true });
      if (!testDatabase) await db.drop();
    },
  };
}

/** A started subgraph as a test file uses it: GraphQL over HTTP and SQL on its database. */
export interface SubgraphUnderTest {
  readonly running: RunningSubgraph;
  readonly database: Database;
  /** A request signed as an anonymous caller, the way the gateway forwards one. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read responses loosely
  gql: (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<Record<string, any>>>;
  /** The same, as another caller (testIdentities.customer(), testIdentities.admin()). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read responses loosely
  gqlAs: (identity: Identity, query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<Record<string, any>>>;
  sql: <T>(query: string, ...values: unknown[]) => Promise<T[]>;
  /** The first row of a query that must return one. */
  one: <T>(query: string, ...values: unknown[]) => Promise<T>;
}

/** Starts the subgraph before the file's tests and stops it (dropping its database) after. */
export function useTestSubgraph(factory: (deps: SubgraphDeps) => SubgraphServer, options: TestSubgraphOptions = {}): SubgraphUnderTest {
  let running: RunningSubgraph | undefined;
  beforeAll(async () => {
    running = await startTestSubgraph(factory, options);
  });
  afterAll(async () => {
    await running?.stop();
  });
  const started = () => {
    if (!running) throw new Error('subgraph not started: call from inside a test');
    return running;
  };
  const handle: SubgraphUnderTest = {
    get running() {
      return started();
    },
    get database() {
      return started().database;
    },
    gql: (query, variables) => started().gql(query, variables),
    gqlAs: (identity, query, variables) => started().gql(query, variables, identity),
    sql: <T>(query: string, ...values: unknown[]) => started().database.prisma.$queryRawUnsafe<T[]>(query, ...values),
    one: async <T>(query: string, ...values: unknown[]) => (await handle.sql<T>(query, ...values))[0]!,
  };
  return handle;
}

async function connectTestRedis(logger: Logger): Promise<Redis> {
  const redis = createRedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', logger);
  await redisReady(redis);
  return redis;
}
