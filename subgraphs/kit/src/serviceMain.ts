import { createInternalAuth, warnWhileInsecure, type InternalAuth } from './auth/internalAuth.js';
import { DEFAULT_COMMERCE_SETTINGS, loadServiceConfig, type CommerceSettings, type SubgraphName } from './config.js';
import { createDatabase, type Database } from './database.js';
import { createLogger, type Logger } from './logger.js';
import type { ReadinessCheck } from './readiness.js';
import { createRedis, redisReadinessCheck, type Redis } from './redis.js';
import type { SubgraphServer } from './subgraphServer.js';
import { CacheLayers } from './cache/cacheLayers.js';
import { databaseNameOf } from './database/admin.js';
import { createServiceMetrics, type ServiceMetrics } from './metrics.js';
import { createEventBus } from './events/createEventBus.js';
import { EVENT_SOURCE_OF_SUBGRAPH } from './events/domainEvent.js';
import type { EventBus } from './events/eventBus.js';
import { eventMetrics } from './events/eventMetrics.js';
import { OutboxRelay } from './events/outboxRelay.js';
import type { EventSource } from './events/topics.js';
import { createInternalClient, type InternalClient } from './internal/internalClient.js';

import { createMediaSettings, type MediaSettings } from './media/mediaConfig.js';

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
  /** Checks beyond Postgres: the event bus, and Redis when configured. */
  readiness?: ReadinessCheck[];
  /** Verifies the gateway's signed identity header (INTERNAL_SIGNING_SECRET). */
  internalAuth: InternalAuth;
  /** Names what this deployment owns in shared servers (Redis keys, search indices): the database name. */
  namespace: string;
  /** OPENSEARCH_URL when set (the product subgraph then searches there, behind a circuit breaker). */
  openSearchUrl?: string;
  /** Domain events: Redis Streams with REDIS_URL, the PostgreSQL event log without. */
  events: EventBus;
  /**
   * Publishes this subgraph's outbox (`<source>.outbox_event`) to `events`. Started after
   * the server listens and stopped before the database closes (startSubgraphProcess, the
   * test harness); several instances may run, one publishes at a time.
   */
  relay: OutboxRelay;
  /** Recommendation subgraph: seconds between background refreshes; absent or 0: no loop (tests run refreshes themselves). */
  recoRefreshIntervalSeconds?: number;
  /** Calls to other subgraphs' service-only fields, signed as this service (internal/internalClient.ts). */
  internal: InternalClient;
  /** Settings of the stock and cart subgraphs (config.ts), defaults when absent. */
  commerce: CommerceSettings;

  /** Product images: storage, limits and upload tokens (shared with the gateway). */
  media: MediaSettings;
}

export interface SubgraphDepsParts {
  database: Database;
  logger: Logger;
  redis?: Redis | undefined;
  cacheEnabled?: boolean;
  cacheNamespace: string;
  /** Whose outbox the relay publishes; by default the schema of the subgraph `name`. */
  eventSource?: EventSource;
  eventsRetentionHours?: number;
  eventsReplayMinutes?: number;
  openSearchUrl?: string | undefined;
  /** How /graphql requests prove they come from the gateway (createInternalAuth; tests: createTestInternalAuth). */
  internalAuth: InternalAuth;
  recoRefreshIntervalSeconds?: number | undefined;
  /** The subgraph this process serves, as it signs its internal calls; by default `name`. */
  service?: SubgraphName;
  /** Where other subgraphs answer (default: `<NAME>_SUBGRAPH_URL` or localhost:400N); harnesses set their ports. */
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
  internalTimeoutMs?: number;
  commerce?: Partial<CommerceSettings>;

  /** By default: local disk under .data/media, no upload tokens (uploads refused). */
  media?: MediaSettings;
}

export function createSubgraphDeps(
  /** Label of the service's metrics; a subgraph name also picks the event source. */
  name: string,
  parts: SubgraphDepsParts,
): SubgraphDeps {
  const source = parts.eventSource ?? EVENT_SOURCE_OF_SUBGRAPH[name as SubgraphName];
  if (!source) throw new Error(`createSubgraphDeps(${name}): not a subgraph name, so pass eventSource`);
  const metrics = createServiceMetrics(name);
  const caches = new CacheLayers({
    logger: parts.logger,
    registry: metrics.registry,
    namespace: parts.cacheNamespace,
    enabled: parts.cacheEnabled ?? true,
    ...(parts.redis && { redis: parts.redis }),
  });
  const { redis } = parts;
  const events = createEventBus({
    databaseUrl: parts.database.url,
    redis,
    logger: parts.logger,
    registry: metrics.registry,
    namespace: parts.cacheNamespace,
    ...(parts.eventsRetentionHours !== undefined && { retentionHours: parts.eventsRetentionHours }),
  });
  const relay = new OutboxRelay({
    source,
    databaseUrl: parts.database.url,
    bus: events,
    logger: parts.logger.child({ component: 'relay' }),
    metrics: eventMetrics(metrics.registry),
    ...(parts.eventsRetentionHours !== undefined && { retentionHours: parts.eventsRetentionHours }),
    ...(parts.eventsReplayMinutes !== undefined && { replayMinutes: parts.eventsReplayMinutes }),
  });
  const internal = createInternalClient({
    service: parts.service ?? name,
    signer: parts.internalAuth.signer,
    ...(parts.subgraphUrls && { urls: parts.subgraphUrls }),
    ...(parts.internalTimeoutMs !== undefined && { timeoutMs: parts.internalTimeoutMs }),
    logger: parts.logger.child({ component: 'internal-client' }),
  });
  const readiness: ReadinessCheck[] = [...(redis ? [redisReadinessCheck(redis)] : []), events.readiness];
  return {
    database: parts.database,
    logger: parts.logger,
    metrics,
    caches,
    namespace: parts.cacheNamespace,
    ...(parts.openSearchUrl && { openSearchUrl: parts.openSearchUrl }),
    internalAuth: parts.internalAuth,
    internal,
    commerce: { ...DEFAULT_COMMERCE_SETTINGS, ...parts.commerce },

    media: parts.media ?? createMediaSettings({ secret: undefined }),
    events,
    relay,
    readiness,
    ...(parts.recoRefreshIntervalSeconds && { recoRefreshIntervalSeconds: parts.recoRefreshIntervalSeconds }),
    ...(redis && { redis }),
  };
}

/** Stops what createSubgraphDeps made, after the server stopped: relay, bus, caches, pools. */
export async function closeSubgraphDeps(deps: SubgraphDeps): Promise<void> {
  await deps.relay.stop();
  await deps.events.close();
  await deps.caches.close();
  await deps.database.close();
  deps.redis?.disconnect();
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
    eventsRetentionHours: config.eventsRetentionHours,
    eventsReplayMinutes: config.eventsReplayMinutes,
    recoRefreshIntervalSeconds: config.recoRefreshIntervalSeconds,
    subgraphUrls: config.subgraphUrls,
    internalTimeoutMs: config.internalTimeoutMs,
    commerce: config.commerce,

    media: createMediaSettings({ ...config.media, secret: config.internalSigningSecret }),
  });
  const stopWarning = config.insecureSubgraphs ? warnWhileInsecure(logger) : undefined;
  if (!config.cacheEnabled) logger.warn('SHOPGRAPH_CACHE=off: every read goes to PostgreSQL');
  const server = factory(deps);
  await server.listen(config.port, config.host);
  deps.relay.start();
  stopOnSignals(
    {
      async stop() {
        stopWarning?.();
        await server.stop();
        await closeSubgraphDeps(deps);
      },
    },
    logger,
  );
  return server;
}
