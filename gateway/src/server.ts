import { randomUUID } from 'node:crypto';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSchema, printSchema, type GraphQLSchema } from 'graphql';
import { Counter } from 'prom-client';
import {
  admitGraphQLHttpCall,
  apolloLifecycle,
  createRequestContext,
  createServiceHttpServer,
  createInternalClient,
  createServiceMetrics,
  httpGraphQLRequestOf,
  metricsPlugin,
  requestIdOf,
  redisReadinessCheck,
  requestLogPlugin,
  ResponseTags,
  type EventBus,
  type InternalSigner,
  type Logger,
  type MediaSettings,
  type Redis,
  type RouteHandler,
  type ServiceHttpServer,
  type ServiceMetrics,
  type SubgraphName,
} from '@shopgraph/kit';
import { RedisPersistedQueryCache } from './apq/redisPersistedQueryCache.js';
import type { JwtVerifier } from './auth/jwtVerifier.js';
import { RevokedSessions } from './auth/revokedSessions.js';
import { sessionCheckingVerifier } from './auth/sessionCheckingVerifier.js';
import { startSessionRevocationFeed } from './auth/sessionRevocationFeed.js';
import { SignedSubgraphDataSource } from './auth/signedSubgraphDataSource.js';
import { gatewayAdmission } from './gatewayAdmission.js';
import { createMediaRoutes } from './media/mediaRoutes.js';
import { createCallerRateLimiter } from './limits/callerRateLimiter.js';
import { clientAddress } from './limits/clientAddress.js';
import { DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from './limits/gatewayLimits.js';
import { operationLimitsPlugin } from './limits/operationLimitsPlugin.js';
import type { Safelist } from './limits/safelist.js';
import { evictResponsesOnEvents } from './responseCache/evictOnEvents.js';
import { ResponseCache } from './responseCache/ResponseCache.js';
import { collectCacheTags, responseCachePlugin, type GatewayContext } from './responseCache/responseCachePlugin.js';
import { responseCacheRoute } from './responseCache/responseCacheRoute.js';
import type { RunQuery } from './live/eventCompletion.js';
import { LIVE_TOPICS } from './live/liveFields.js';
import { LiveHub, liveHubMetrics } from './live/liveHub.js';
import { createLiveSocketServer, DEFAULT_LIVE_SETTINGS, type LiveSettings, type LiveSocketServer } from './live/liveSocketServer.js';
import { subgraphAdmission } from './live/subgraphAdmission.js';
import { createSubgraphFetcher } from './subgraphFetcher.js';
import { subgraphFetchHistogram, timedSubgraphFetcher } from './subgraphFetchMetrics.js';
import { subgraphReadiness } from './subgraphReadiness.js';
import { supergraphForApolloGateway } from './supergraph/securityFeatures.js';

/** How long an automatically persisted query is remembered. */
const APQ_TTL_SECONDS = 24 * 3600;

export interface GatewayAuth {
  /** Checks callers' JWTs. */
  verifier: JwtVerifier;
  /** Signs the caller's identity for the subgraphs; absent only in insecure development mode. */
  signer: InternalSigner | undefined;
}

export interface GatewayServerOptions {
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  logger: Logger;
  auth: GatewayAuth;
  /** Any left out take DEFAULT_GATEWAY_LIMITS. */
  limits?: Partial<Omit<GatewayLimits, 'rateLimit'>> & { rateLimit?: Partial<GatewayLimits['rateLimit']> };
  /** Safelist mode: only these operations run (automatic persisted queries are off). */
  safelist?: Safelist | undefined;
  /** Extra routes, e.g. the playground at "/". */
  routes?: Record<string, RouteHandler>;
  /**
   * Shared between gateway instances: the response cache, rate-limit counters and
   * persisted queries. Without it each instance keeps its own, in memory.
   */
  redis?: Redis | undefined;
  /** Separates deployments sharing one Redis (the database name, as in the subgraphs). */
  cacheNamespace?: string;
  /** false: no response cache (SHOPGRAPH_CACHE=off, the bench's baseline). */
  cacheEnabled?: boolean;
  /** Longest a CDN or browser may reuse a response without revalidating (seconds). */
  sharedMaxAgeSeconds?: number;
  /** Write events: cached responses that showed what changed are evicted (owned by the caller). */
  events?: EventBus;
  /** The service's registry, when the caller registered metrics of its own there (the event bus's). */
  metrics?: ServiceMetrics;
  /** Product images: PUT /media/uploads/<token> and GET /media/images/<hash>.<ext> (storage shared with the product subgraph). */
  media?: MediaSettings;
  /** Subscriptions over graphql-ws at /graphql; any left out take DEFAULT_LIVE_SETTINGS. Fed by `events`. */
  live?: Partial<LiveSettings>;
}

export interface GatewayServer {
  http: ServiceHttpServer;
  metrics: ServiceMetrics;
  limits: GatewayLimits;
  /** Undefined when caching is off. Write events evict from it by tag. */
  responseCache: ResponseCache | undefined;
  /** Resolves once the gateway hears write events (at once when it has no event bus). */
  eventsReady: Promise<void>;
  /** This instance's subscribers, fed by the bus. */
  live: { hub: LiveHub; sockets: LiveSocketServer; settings: LiveSettings };
  /** Ended sign-in sessions whose access tokens this instance refuses; `loaded` resolves once the backfill is in. */
  revokedSessions: RevokedSessions;
  revokedSessionsLoaded: Promise<void>;
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

/**
 * The supergraph's one endpoint. Before Apollo: body size, batching, the caller's token,
 * rate limits, the safelist; then the response cache (callers without identity); before
 * planning: depth, alias and cost limits. It plans over the checked-in supergraph.graphql
 * (no runtime introspection) and forwards each request's id and signed caller identity to
 * every subgraph it calls.
 */
export function createGatewayServer(options: GatewayServerOptions): GatewayServer {
  const { logger, subgraphUrls, redis, safelist } = options;
  const limits: GatewayLimits = {
    ...DEFAULT_GATEWAY_LIMITS,
    ...options.limits,
    rateLimit: { ...DEFAULT_GATEWAY_LIMITS.rateLimit, ...options.limits?.rateLimit },
  };
  const metrics = options.metrics ?? createServiceMetrics('gateway');
  const refusals = new Counter({
    name: 'gateway_refused_requests_total',
    help: 'Requests refused before GraphQL ran, by extensions.code (PAYLOAD_TOO_LARGE, UNAUTHENTICATED, RATE_LIMITED, ...)',
    labelNames: ['code'],
    registers: [metrics.registry],
  });
  const subgraphFetcher = createSubgraphFetcher();
  const fetchDuration = subgraphFetchHistogram(metrics.registry);
  const liveSettings: LiveSettings = { ...DEFAULT_LIVE_SETTINGS, ...options.live };
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphForApolloGateway(options.supergraphSdl),
    logger,
    buildService: ({ name, url }) =>
      new SignedSubgraphDataSource(subgraphUrls[name as SubgraphName] ?? url, options.auth.signer, {
        fetcher: timedSubgraphFetcher(subgraphFetcher.fetcher, name, fetchDuration),
        didReceiveResponse({ response, context }) {
          collectCacheTags({ response, context });
          return Promise.resolve(response);
        },
      }),
  });
  const responseCache =
    options.cacheEnabled === false
      ? undefined
      : new ResponseCache({ redis, namespace: options.cacheNamespace ?? 'gateway', logger, registry: metrics.registry });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    // The service's own signal handling stops it in order; Apollo's would race it.
    stopOnTerminationSignals: false,
    // Safelist mode resolves ids from its manifest; APQ would let clients register new operations.
    persistedQueries: safelist
      ? false
      : { ttl: APQ_TTL_SECONDS, ...(redis && { cache: new RedisPersistedQueryCache(redis, logger) }) },
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // The policy is still computed from the subgraphs' headers; the route writes Cache-Control.
      ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
      metricsPlugin<GatewayContext>(metrics),
      requestLogPlugin<GatewayContext>(),
      operationLimitsPlugin<GatewayContext>(limits),
      responseCachePlugin(),
    ],
    logger,
  });
  // Ended sessions: their access tokens (claim sid) are refused here, from memory (see RevokedSessions).
  const revokedSessions = new RevokedSessions();
  const revocationFeed = startSessionRevocationFeed({
    revoked: revokedSessions,
    events: options.events,
    internal: createInternalClient({ service: 'gateway', signer: options.auth.signer, urls: subgraphUrls, logger }),
    logger: logger.child({ component: 'sessions' }),
  });
  const verifier = sessionCheckingVerifier(options.auth.verifier, revokedSessions);
  const admit = gatewayAdmission({
    verifier,
    // Gateways of one deployment share their budgets in Redis; other deployments (databases) on the same Redis do not.
    rateLimiter: createCallerRateLimiter(
      { ...limits.rateLimit, keyPrefix: options.cacheNamespace ? `${limits.rateLimit.keyPrefix}:${options.cacheNamespace}` : limits.rateLimit.keyPrefix },
      redis,
      logger,
    ),
    safelist,
    trustProxyHops: limits.trustProxyHops,
  });
  const http = createServiceHttpServer({
    service: 'gateway',
    logger,
    metrics,
    readiness: [
      ...subgraphReadiness(subgraphUrls),
      ...(redis ? [redisReadinessCheck(redis)] : []),
      ...(options.events ? [options.events.readiness] : []),
      revocationFeed.readiness,
    ],
    routes: {
      '/graphql': responseCacheRoute({
        apollo,
        cache: responseCache,
        admit: async (req, res, url) => {
          const admitted = await admitGraphQLHttpCall(req, res, url, {
            maxBodyBytes: limits.maxBodyBytes,
            admit,
            onRefusal: (refusal) => {
              refusals.inc({ code: refusal.code });
              logger.debug({ requestId: requestIdOf(req), code: refusal.code, status: refusal.status }, 'request refused');
            },
          });
          if (!admitted) return undefined;
          // The caller's address goes to the subgraphs in the signature (per-IP limits there, e.g. sign-in throttling).
          const context = createRequestContext(req, logger, admitted.admission, clientAddress(req, limits.trustProxyHops));
          return { request: httpGraphQLRequestOf(admitted.call), context };
        },
        sharedMaxAgeSeconds: options.sharedMaxAgeSeconds ?? 30,
      }),
      ...(options.media &&
        createMediaRoutes({ media: options.media, productSubgraphUrl: subgraphUrls.product, signer: options.auth.signer, logger, registry: metrics.registry })),
      ...options.routes,
    },
  });
  const lifecycle = apolloLifecycle(apollo, http, logger, 'gateway ready');

  // Live updates: each event's payload is completed through the same planning as HTTP queries.
  let apiSchema: GraphQLSchema | undefined;
  // A copy of its own: Apollo Server wraps the resolvers of the schema it executes (plugins'
  // willResolveField), and those wrappers would bypass the completion's field resolver.
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema }) => (apiSchema = buildSchema(printSchema(schema))));
  const runQuery: RunQuery = async (query, variables, identity, eventRequestId) => {
    // The write's request id when the event has one: its live updates' reads log under it too.
    const requestId = eventRequestId ?? randomUUID();
    const response = await apollo.executeOperation(
      { query, variables },
      // A fresh context per event: no loader or response cache outlives it.
      { contextValue: { requestId, logger: logger.child({ requestId, cause: 'live-update' }), identity, responseTags: new ResponseTags() } },
    );
    if (response.body.kind !== 'single') throw new Error('an entity query answered incrementally');
    return response.body.singleResult;
  };
  const hub = new LiveHub(runQuery, liveHubMetrics(metrics.registry), logger.child({ component: 'live' }));
  const sockets = createLiveSocketServer({
    server: http.server,
    path: '/graphql',
    schema: () => apiSchema,
    verifier,
    revokedSessions,
    hub,
    admit: subgraphAdmission(subgraphUrls, options.auth.signer),
    settings: liveSettings,
    logger: logger.child({ component: 'live' }),
    registry: metrics.registry,
  });
  // Every instance hears every event (broadcast) and serves its own subscribers. Awaiting each
  // dispatch keeps every subscriber's events in the bus's order (per product: commit order).
  const liveEvents = options.events?.subscribe({ topics: LIVE_TOPICS, handler: (event) => hub.dispatch(event) });
  if (!options.events) logger.warn('no event bus: subscriptions are accepted but hear nothing');
  const evictions = responseCache && options.events ? evictResponsesOnEvents(options.events, responseCache) : undefined;
  return {
    http,
    metrics,
    limits,
    responseCache,
    eventsReady: Promise.all([evictions?.ready, liveEvents?.ready]).then(() => undefined),
    live: { hub, sockets, settings: liveSettings },
    revokedSessions,
    revokedSessionsLoaded: revocationFeed.loaded,
    listen: (port, host) => lifecycle.listen(port, host),
    async stop() {
      await sockets.close();
      await revocationFeed.close();
      await liveEvents?.close();
      await lifecycle.stop();
      await evictions?.close();
      await subgraphFetcher.close();
    },
  };
}
