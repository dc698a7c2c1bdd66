import { createDatabase, type Database } from '../database.js';
import { createLogger } from '../logger.js';
import type { SubgraphDeps } from '../serviceMain.js';
import type { SubgraphServer } from '../subgraphServer.js';
import { createTestDatabase, type TestDatabase } from './testDatabase.js';

export interface RunningSubgraph {
  server: SubgraphServer;
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
  const server = factory({ database, logger, readiness: [] });
  const { url } = await server.listen(0, '127.0.0.1');
  return {
    server,
    url: `${url}/graphql`,
    database,
    testDatabase: db,
    async stop() {
      await server.stop();
      await database.close();
      if (!testDatabase) await db.drop();
    },
  };
}
