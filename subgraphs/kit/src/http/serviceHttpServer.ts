import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge } from 'prom-client';
import { REQUEST_ID_HEADER, requestIdOf } from '../context.js';
import type { Logger } from '../logger.js';
import type { ServiceMetrics } from '../metrics.js';
import { checkReadiness, type ReadinessCheck } from '../readiness.js';

const SHUTDOWN_GRACE_MS = 2_000;

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export interface ServiceHttpServerOptions {
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  readiness: readonly ReadinessCheck[];
  /**
   * Path -> handler; `/graphql` at least. /health, /ready and /metrics are added here. A
   * path ending in `/*` (e.g. "/media/*") takes every path under it.
   */
  routes: Record<string, RouteHandler>;
}

export interface ServiceHttpServer {
  server: Server;
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

/** The HTTP face every Shopgraph service shares: its routes plus health, readiness and metrics. */
export function createServiceHttpServer(options: ServiceHttpServerOptions): ServiceHttpServer {
  const { logger, metrics, readiness, service } = options;
  const routes: Record<string, RouteHandler> = {
    '/health': (_req, res) => json(res, 200, { status: 'ok', service }),
    '/ready': async (_req, res) => {
      const report = await checkReadiness(readiness);
      json(res, report.ready ? 200 : 503, { service, ...report });
    },
    '/metrics': async (_req, res) => {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
    },
    ...options.routes,
  };

  const prefixRoutes = Object.entries(routes)
    .filter(([key]) => key.endsWith('/*'))
    .map(([key, handler]) => [key.slice(0, -1), handler] as const);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Every answer names its request, so a caller can find it in the logs of every hop.
    res.setHeader(REQUEST_ID_HEADER, requestIdOf(req));
    const route = routes[url.pathname] ?? prefixRoutes.find(([prefix]) => url.pathname.startsWith(prefix))?.[1];
    if (!route) {
      json(res, 404, { error: `No route ${url.pathname}` });
      return;
    }
    Promise.resolve(route(req, res, url)).catch((err: unknown) => {
      logger.error({ err, path: url.pathname, requestId: requestIdOf(req) }, 'request failed');
      if (!res.headersSent) json(res, 500, { error: 'Internal server error' });
      else res.end();
    });
  });
  // Keep-alive sockets from the gateway outlive single requests; close them on shutdown.
  server.keepAliveTimeout = 65_000;
  new Gauge({
    name: 'http_open_connections',
    help: 'Open TCP connections to this service (HTTP keep-alive and upgraded WebSockets)',
    registers: [metrics.registry],
    async collect() {
      this.set(await new Promise<number>((resolve) => server.getConnections((err, count) => resolve(err ? 0 : count))));
    },
  });

  return {
    server,
    listen(port, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const actual = (server.address() as AddressInfo).port;
          resolve({ port: actual, url: `http://localhost:${actual}` });
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // In-flight requests get a short grace; then keep-alive peers cannot hold shutdown open.
        setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
      });
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
