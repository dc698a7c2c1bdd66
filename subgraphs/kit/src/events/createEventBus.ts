import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { databaseNameOf } from '../database/admin.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './eventBus.js';
import { eventMetrics } from './eventMetrics.js';
import { PostgresEventBus } from './postgresEventBus.js';
import { RedisEventBus } from './redisEventBus.js';

export interface EventBusFactoryOptions {
  databaseUrl: string;
  /** Set: Redis Streams. Unset: the PostgreSQL event log (the embedded default). */
  redis?: Redis | undefined;
  logger: Logger;
  /** The service's Prometheus registry; the bus's metrics go there. */
  registry: Registry;
  /** Separates deployments that share one Redis; the database name by default. */
  namespace?: string;
  /** PostgreSQL bus: how long the log keeps events. Default 24 h. */
  retentionHours?: number;
}

/** The event bus for this configuration. Subgraphs get one in SubgraphDeps; the gateway makes its own. */
export function createEventBus(options: EventBusFactoryOptions): EventBus {
  const metrics = eventMetrics(options.registry);
  const logger = options.logger.child({ component: 'events' });
  if (options.redis) {
    return new RedisEventBus({ redis: options.redis, namespace: options.namespace ?? databaseNameOf(options.databaseUrl), logger, metrics });
  }
  return new PostgresEventBus({ databaseUrl: options.databaseUrl, logger, metrics, ...(options.retentionHours !== undefined && { retentionHours: options.retentionHours }) });
}
