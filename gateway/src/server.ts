import type { IncomingMessage } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  apolloLifecycle,
  createRequestContext,
  createServiceHttpServer,
  createServiceMetrics,
  metricsPlugin,
  type EventBus,
  type Logger,
  type Redis,
  type RequestContext,
  type RouteHandler,
  type ServiceHttpServer,
  type ServiceMetrics,
  type SubgraphName,
} from '@shopgraph/kit';
import { evictResponsesOnEvents } from './responseCache/evictOnEvents.js';
import { ResponseCache } from './responseCache/ResponseCache.js';
import { collectCacheTags, responseCachePlugin, type GatewayContext } from './responseCache/responseCachePlugin.js';
import { responseCacheRoute } from './responseCache/responseCacheRoute.js';
import { subgraphReadiness } from './subgraphReadiness.js';

export interface GatewayServerOptions {
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  logger: Logger;
  /** Extra routes, e.g. the playground at "/". */
  routes?: Record<string, RouteHandler>;
  /** Shared response cache between gateway instances; without it each instance caches alone. */
  redis?: Redis;
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
}

export interface GatewayServer {
  http: ServiceHttpServer;
  metrics: ServiceMetrics;
  /** Undefined when caching is off. Write events evict from it by tag. */
  responseCache: ResponseCache | undefined;
  /** Resolves once the gateway hears write events (at once when it has no event bus). */
  eventsReady: Promise<void>;
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

/**
 * The supergraph's one endpoint. It plans over the checked-in supergraph.graphql (no
 * runtime introspection) and forwards each request's id to every subgraph it calls.
 */
export function createGatewayServer(options: GatewayServerOptions): GatewayServer {
  const { logger, subgraphUrls } = options;
  const metrics = options.metrics ?? createServiceMetrics('gateway');
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url: subgraphUrls[name as SubgraphName] ?? url,
        willSendRequest({ request, context }) {
          const requestId: unknown = (context as Partial<RequestContext>).requestId;
          if (typeof requestId === 'string') request.http?.headers.set('x-request-id', requestId);
        },
        didReceiveResponse({ response, context }) {
          collectCacheTags({ response, context });
          return Promise.resolve(response);
        },
      }),
  });
  const responseCache =
    options.cacheEnabled === false
      ? undefined
      : new ResponseCache({ redis: options.redis, namespace: options.cacheNamespace ?? 'gateway', logger, registry: metrics.registry });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    // The service's own signal handling stops it in order; Apollo's would race it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // The policy is still computed from the subgraphs' headers; the route writes Cache-Control.
      ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
      metricsPlugin<GatewayContext>(metrics),
      responseCachePlugin(),
    ],
    logger,
  });
  const http = createServiceHttpServer({
    service: 'gateway',
    logger,
    metrics,
    readiness: [...subgraphReadiness(subgraphUrls), ...(options.events ? [options.events.readiness] : [])],
    routes: {
      '/graphql': responseCacheRoute({
        apollo,
        cache: responseCache,
        context: (req: IncomingMessage) => createRequestContext(req, logger),
        sharedMaxAgeSeconds: options.sharedMaxAgeSeconds ?? 30,
      }),
      ...options.routes,
    },
  });
  const lifecycle = apolloLifecycle(apollo, http, logger, 'gateway ready');
  const evictions = responseCache && options.events ? evictResponsesOnEvents(options.events, responseCache) : undefined;
  return {
    http,
    metrics,
    responseCache,
    eventsReady: evictions?.ready ?? Promise.resolve(),
    listen: (port, host) => lifecycle.listen(port, host),
    async stop() {
      await lifecycle.stop();
      await evictions?.close();
    },
  };
}
