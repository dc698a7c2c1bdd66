import type { IncomingMessage } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  apolloHandler,
  apolloLifecycle,
  createRequestContext,
  createServiceHttpServer,
  createServiceMetrics,
  metricsPlugin,
  type Logger,
  type RequestContext,
  type RouteHandler,
  type ServiceHttpServer,
  type ServiceMetrics,
  type SubgraphName,
} from '@shopgraph/kit';
import { subgraphReadiness } from './subgraphReadiness.js';

export interface GatewayServerOptions {
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  logger: Logger;
  /** Extra routes, e.g. the playground at "/". */
  routes?: Record<string, RouteHandler>;
}

export interface GatewayServer {
  http: ServiceHttpServer;
  metrics: ServiceMetrics;
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

/**
 * The supergraph's one endpoint. It plans over the checked-in supergraph.graphql (no
 * runtime introspection) and forwards each request's id to every subgraph it calls.
 */
export function createGatewayServer(options: GatewayServerOptions): GatewayServer {
  const { logger, subgraphUrls } = options;
  const metrics = createServiceMetrics('gateway');
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<RequestContext>({
        url: subgraphUrls[name as SubgraphName] ?? url,
        willSendRequest({ request, context }) {
          const requestId: unknown = (context as Partial<RequestContext>).requestId;
          if (typeof requestId === 'string') request.http?.headers.set('x-request-id', requestId);
        },
      }),
  });
  const apollo = new ApolloServer<RequestContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    // The service's own signal handling stops it in order; Apollo's would race it.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), metricsPlugin<RequestContext>(metrics)],
    logger,
  });
  const http = createServiceHttpServer({
    service: 'gateway',
    logger,
    metrics,
    readiness: subgraphReadiness(subgraphUrls),
    routes: {
      '/graphql': apolloHandler(apollo, async (req: IncomingMessage) => createRequestContext(req, logger)),
      ...options.routes,
    },
  });
  const lifecycle = apolloLifecycle(apollo, http, logger, 'gateway ready');
  return { http, metrics, listen: (port, host) => lifecycle.listen(port, host), stop: () => lifecycle.stop() };
}
