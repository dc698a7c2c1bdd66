import { createInternalAuth, warnWhileInsecure, type InternalAuth } from './auth/internalAuth.js';
import { loadServiceConfig, type SubgraphName } from './config.js';
import { createDatabase, type Database } from './database.js';
import { createLogger, type Logger } from './logger.js';
import type { ReadinessCheck } from './readiness.js';
import { createRedis, type Redis } from './redis.js';
import type { SubgraphServer } from './subgraphServer.js';
import { CacheLayers } from './cache/cacheLayers.js';
import { databaseNameOf } from './database/admin.js';
import { createServiceMetrics, type ServiceMetrics } from './metrics.js';

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Shared `index.ts` tail: stop cleanly on SIGINT/SIGTERM (finish in-flight requests,
 * close pools), and give up after a grace period rather than hang.
 */
export function stopOnSignals(service: Stoppable, logger: Logger, graceMs = 10_000): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown grace period over, exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Started by the launcher with an IPC channel: when the launcher dies, so do we.
  if (process.send) process.on('disconnect', () => stop('launcher gone'));
}

/** What every subgraph's factory is handed at boot: long-lived clients, made once. */
export interface SubgraphDeps {
  database: Database;
  logger: Logger;
  redis?: Redis;
  metrics: ServiceMetrics;
  /** L1/L2 caches and their invalidation bus (Redis pub/sub, or in-process without Redis). */
  caches: CacheLayers;
  /** Checks of optional dependencies (Redis when configured). */
  readiness?: ReadinessCheck[];
  /** Verifies the gateway's signed identity header (INTERNAL_SIGNING_SECRET). */
  internalAuth: InternalAuth;
  /** Names what this deployment owns in shared servers (Redis keys, search indices): the database name. */
  namespace: string;
  /** OPENSEARCH_URL when set (the product subgraph then searches there, behind a circuit breaker). */
  openSearchUrl?: string;
}

export function createSubgraphDeps(
  /** Label of the service's metrics. */
  name: string,
  parts: {
    database: Database;
    logger: Logger;
    redis?: Redis | undefined;
    cacheEnabled?: boolean;
    cacheNamespace: string;
    openSearchUrl?: string | undefined;
    internalAuth: InternalAuth;
  },
): SubgraphDeps {
  const metrics = createServiceMetrics(name);
  const caches = new CacheLayers({
    logger: parts.logger,
    registry: metrics.registry,
    namespace: parts.cacheNamespace,
    enabled: parts.cacheEnabled ?? true,
    ...(parts.redis && { redis: parts.redis }),
  });
  const { redis } = parts;
  return {
    database: parts.database,
    logger: parts.logger,
    metrics,
    caches,
    namespace: parts.cacheNamespace,
    ...(parts.openSearchUrl && { openSearchUrl: parts.openSearchUrl }),
    internalAuth: parts.internalAuth,
    ...(redis && { redis, readiness: [{ name: 'redis', check: async () => void (await redis.ping()) }] }),
  };
}

/**
 * The whole of a subgraph's `index.ts`: read config, connect Postgres (and Redis when
 * configured), build the server with the factory, listen, and stop cleanly on signals.
 */
export async function startSubgraphProcess(
  name: SubgraphName,
  factory: (deps: SubgraphDeps) => SubgraphServer,
): Promise<SubgraphServer> {
  const config = loadServiceConfig(name);
  const logger = createLogger(name, config.logLevel);
  const database = createDatabase({ url: config.databaseUrl, poolSize: config.databasePoolSize, logger });
  const redis = config.redisUrl ? createRedis(config.redisUrl, logger) : undefined;
  const deps = createSubgraphDeps(name, {
    database,
    logger,
    redis,
    cacheEnabled: config.cacheEnabled,
    cacheNamespace: databaseNameOf(config.databaseUrl),
    openSearchUrl: config.openSearchUrl,
    internalAuth: createInternalAuth({ secret: config.internalSigningSecret, insecure: config.insecureSubgraphs }),
  });
  const stopWarning = config.insecureSubgraphs ? warnWhileInsecure(logger) : undefined;
  if (!config.cacheEnabled) logger.warn('SHOPGRAPH_CACHE=off: every read goes to PostgreSQL');
  const server = factory(deps);
  await server.listen(config.port, config.host);
  stopOnSignals(
    {
      async stop() {
        stopWarning?.();
        await server.stop();
        await deps.caches.close();
        await database.close();
        redis?.disconnect();
      },
    },
    logger,
  );
  return server;
}
