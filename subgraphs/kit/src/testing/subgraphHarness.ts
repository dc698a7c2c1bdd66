import { afterAll, beforeAll } from 'vitest';
import { createDatabase, type Database } from '../database.js';
import { createLogger } from '../logger.js';
import { createSubgraphDeps, type SubgraphDeps } from '../serviceMain.js';
import type { SubgraphServer } from '../subgraphServer.js';
import { postGraphQL, type GraphQLResponse } from './graphqlClient.js';
import { createTestDatabase, type TestDatabase } from './testDatabase.js';

export interface RunningSubgraph {
  server: SubgraphServer;
  deps: SubgraphDeps;
  url: string;
  database: Database;
  testDatabase: TestDatabase;
  stop(): Promise<void>;
}

/** Starts a real subgraph on a free port over its own copy of the seeded database. */
export async function startTestSubgraph(
  factory: (deps: SubgraphDeps) => SubgraphServer,
  testDatabase?: TestDatabase,
): Promise<RunningSubgraph> {
  const db = testDatabase ?? (await createTestDatabase());
  const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const database = createDatabase({ url: db.url, poolSize: 4, logger });
  const deps = createSubgraphDeps('test', { database, logger, cacheNamespace: db.name });
  const server = factory(deps);
  const { url } = await server.listen(0, '127.0.0.1');
  return {
    server,
    url: `${url}/graphql`,
    database,
    deps,
    testDatabase: db,
    async stop() {
      await server.stop();
      await deps.caches.close();
      await database.close();
      if (!testDatabase) await db.drop();
    },
  };
}

/** A started subgraph as a test file uses it: GraphQL over HTTP and SQL on its database. */
export interface SubgraphUnderTest {
  readonly running: RunningSubgraph;
  readonly database: Database;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read responses loosely
  gql: (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<Record<string, any>>>;
  sql: <T>(query: string, ...values: unknown[]) => Promise<T[]>;
  /** The first row of a query that must return one. */
  one: <T>(query: string, ...values: unknown[]) => Promise<T>;
}

/** Starts the subgraph before the file's tests and stops it (dropping its database) after. */
export function useTestSubgraph(factory: (deps: SubgraphDeps) => SubgraphServer): SubgraphUnderTest {
  let running: RunningSubgraph | undefined;
  beforeAll(async () => {
    running = await startTestSubgraph(factory);
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
    gql: (query, variables) => postGraphQL(started().url, query, variables),
    sql: <T>(query: string, ...values: unknown[]) => started().database.prisma.$queryRawUnsafe<T[]>(query, ...values),
    one: async <T>(query: string, ...values: unknown[]) => (await handle.sql<T>(query, ...values))[0]!,
  };
  return handle;
}
