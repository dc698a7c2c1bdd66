import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
// Type only: the package (no "exports" map) does not re-export it from its index in 2.14.
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { parse } from 'graphql';
import { Counter } from 'prom-client';
import { enforceAuthDirectives } from './auth/authDirectives.js';
import type { InternalAuth } from './auth/internalAuth.js';
import { IDENTITY_HEADER } from './auth/internalSignature.js';
import type { SubgraphName } from './config.js';
import { createRequestContext, type RequestContext } from './context.js';
import type { Database } from './database.js';
import { ErrorCode, formatGraphQLError } from './errors.js';
import { apolloHandler, GraphQLHttpRefusal } from './http/apolloHandler.js';
import { apolloLifecycle } from './http/apolloLifecycle.js';
import { createServiceHttpServer, type RouteHandler, type ServiceHttpServer } from './http/serviceHttpServer.js';
import type { Logger } from './logger.js';
import { createServiceMetrics, type ServiceMetrics } from './metrics.js';
import { metricsPlugin } from './metricsPlugin.js';
import { requestLogPlugin } from './requestLogPlugin.js';
import { responseTagsPlugin } from './responseTagsPlugin.js';
import { SCHEMA_DIR } from './paths.js';
import type { ReadinessCheck } from './readiness.js';

/** The SDL of a subgraph, read from schema/<name>.graphql (schema first). */
export function loadSubgraphTypeDefs(name: SubgraphName) {
  return parse(readFileSync(path.join(SCHEMA_DIR, `${name}.graphql`), 'utf8'));
}

export interface SubgraphServerOptions<TContext extends RequestContext> {
  name: SubgraphName;
  // Codegen's resolver types are stricter than @apollo/subgraph's map; both describe the same object.
  resolvers: object;
  database: Database;
  logger: Logger;
  /** Verifies the gateway's signature on every /graphql request (SubgraphDeps carries it). */
  internalAuth: InternalAuth;
  /** What a request adds to the base context: fresh loaders, the boot-time services. */
  perRequest: (req: IncomingMessage, base: RequestContext) => Omit<TContext, keyof RequestContext>;
  /** Checks beyond Postgres (which every subgraph needs and gets by default). */
  readiness?: readonly ReadinessCheck[];
  /** The service's registry (cache metrics register there too); made here when absent. */
  metrics?: ServiceMetrics;
  /** Called after the HTTP server closed, to release pools and clients. */
  onStop?: () => Promise<void>;
  /** Routes beside /graphql (internal calls from the gateway check its signature themselves). */
  routes?: Record<string, RouteHandler>;
}

export interface SubgraphServer {
  name: SubgraphName;
  apollo: ApolloServer<RequestContext>;
  http: ServiceHttpServer;
  metrics: ServiceMetrics;
  /** Starts Apollo and listens; port 0 picks a free port (tests). */
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

export function createSubgraphServer<TContext extends RequestContext>(options: SubgraphServerOptions<TContext>): SubgraphServer {
  const { name, logger } = options;
  const metrics = options.metrics ?? createServiceMetrics(name);
  const schema = buildSubgraphSchema([
    { typeDefs: loadSubgraphTypeDefs(name), resolvers: options.resolvers as GraphQLResolverMap<unknown> },
  ]);
  // @authenticated and @requiresScopes in the SDL, checked against the signed identity.
  enforceAuthDirectives(schema);
  const signatureRefusals = new Counter({
    name: 'internal_signature_refusals_total',
    help: 'Requests refused because the gateway signature was missing, forged, expired or replayed',
    labelNames: ['reason'],
    registers: [metrics.registry],
  });
  const apollo = new ApolloServer<TContext>({
    schema,
    formatError: formatGraphQLError,
    includeStacktraceInErrorResponses: false,
    // The service's own signal handling stops it in order; Apollo's would race it.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), metricsPlugin<TContext>(metrics), requestLogPlugin<TContext>(), responseTagsPlugin<TContext>()],
    logger,
  });
  const http = createServiceHttpServer({
    service: name,
    logger,
    metrics,
    readiness: [{ name: 'postgres', check: () => options.database.ping() }, ...(options.readiness ?? [])],
    routes: {
      '/graphql': apolloHandler(apollo, {
        // Nothing runs before the caller is known: a subgraph port reached directly grants nothing.
        admit: (call) => {
          const header = call.headers.get(IDENTITY_HEADER);
          const check = options.internalAuth.authenticate(header, { method: call.method, search: call.url.search, body: call.rawBody });
          if (check.ok) return check;
          signatureRefusals.inc({ reason: check.reason });
          throw new GraphQLHttpRefusal(401, ErrorCode.UNAUTHENTICATED, `Gateway signature ${check.reason}: call the supergraph through the gateway`, {
            reason: check.reason,
          });
        },
        context: async (call, { identity, clientAddress }) => {
          const base = createRequestContext(call.req, logger, identity, clientAddress);
          return { ...base, ...options.perRequest(call.req, base) } as TContext;
        },
      }),
      ...options.routes,
    },
  });
  const lifecycle = apolloLifecycle(apollo, http, logger, `${name} subgraph ready`);
  return {
    name,
    apollo: apollo as unknown as ApolloServer<RequestContext>,
    http,
    metrics,
    listen: (port, host) => lifecycle.listen(port, host),
    async stop() {
      await lifecycle.stop();
      await options.onStop?.();
    },
  };
}
