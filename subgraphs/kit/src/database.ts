import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';
import { requestTally } from './context.js';
import type { Logger } from './logger.js';

export { PrismaClient };
export { Prisma } from './generated/prisma/client.js';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  logger?: Logger;
}

/** Counts SQL statements sent by a client; tests assert batching with it. */
export class QueryCounter {
  count = 0;
  readonly statements: string[] = [];
  reset(): void {
    this.count = 0;
    this.statements.length = 0;
  }
}

export interface Database {
  /** Connection URL (the event relay and bus open their own connections to it). */
  url: string;
  prisma: PrismaClient;
  queries: QueryCounter;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One long-lived Prisma client per service, on the pg driver adapter (no native engine). */
export function createDatabase({ url, poolSize = 10, logger }: DatabaseOptions): Database {
  const adapter = new PrismaPg({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 });
  const prisma = new PrismaClient({
    adapter,
    log: [
      { emit: 'event', level: 'query' },
      { emit: 'event', level: 'warn' },
      { emit: 'event', level: 'error' },
    ],
  });
  const queries = new QueryCounter();
  prisma.$on('query', (e) => {
    queries.count += 1;
    const tally = requestTally.getStore();
    if (tally) tally.sqlQueries += 1;
    if (queries.statements.length < 500) queries.statements.push(e.query);
  });
  prisma.$on('warn', (e) => logger?.warn({ prisma: e.message }, 'prisma warning'));
  prisma.$on('error', (e) => logger?.error({ prisma: e.message }, 'prisma error'));
  return {
    url,
    prisma,
    queries,
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    async close() {
      await prisma.$disconnect();
    },
  };
}
