import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { getArgumentValues, getOperationAST, getVariableValues, GraphQLError, Kind, OperationTypeNode, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { Counter, Gauge, type Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import { ANONYMOUS, type Identity, type Logger } from '@shopgraph/kit';
import { InvalidTokenError, KeysUnavailableError, type JwtVerifier } from '../auth/jwtVerifier.js';
import type { RevokedSessions } from '../auth/revokedSessions.js';
import { SESSION_ENDED_MESSAGE } from '../auth/sessionCheckingVerifier.js';
import { identityKey, type PreparedSubscription } from './eventCompletion.js';
import type { LiveHub } from './liveHub.js';
import { LIVE_FIELD_BY_NAME } from './liveFields.js';
import { LiveSubscriber } from './liveSubscriber.js';
import type { AdmitAtSubgraph } from './subgraphAdmission.js';

export interface LiveSettings {
  /** Subscriptions one connection may hold at once (LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION). */
  maxSubscriptionsPerConnection: number;
  /** Open WebSocket connections this gateway accepts (LIVE_MAX_CONNECTIONS). */
  maxConnections: number;
  /** Ping interval; a peer that misses a pong is dropped (LIVE_KEEPALIVE_MS, 0 = off). */
  keepAliveMs: number;
  /** Results one subscription may have waiting for its socket before it counts as a slow consumer (LIVE_MAX_QUEUED_EVENTS). */
  maxQueuedEvents: number;
  /** Unsent bytes a socket may hold before it counts as a slow consumer (LIVE_MAX_BUFFERED_BYTES). */
  maxBufferedBytes: number;
  /** Largest message a client may send. */
  maxMessageBytes: number;
}

export const DEFAULT_LIVE_SETTINGS: LiveSettings = {
  maxSubscriptionsPerConnection: 20,
  maxConnections: 20_000,
  keepAliveMs: 12_000,
  maxQueuedEvents: 100,
  maxBufferedBytes: 1_048_576,
  maxMessageBytes: 100_000,
};

/** Close code for a client that cannot keep up (4000-4499: the application's own). */
export const SLOW_CONSUMER_CLOSE_CODE = 4008;
export const TOO_MANY_SUBSCRIPTIONS = 'TOO_MANY_SUBSCRIPTIONS';

interface Connection {
  identity: Identity;
  subscriptions: number;
}

interface LiveContext {
  prepared: PreparedSubscription;
  keys: string[];
  socket: WebSocket;
  connection: Connection;
}

export interface LiveSocketServerOptions {
  server: Server;
  path: string;
  /** The supergraph's API schema once the gateway loaded it. */
  schema: () => GraphQLSchema | undefined;
  verifier: JwtVerifier;
  /** Sockets of a session revoked while they are open are closed (4401). */
  revokedSessions?: RevokedSessions;
  hub: LiveHub;
  admit: AdmitAtSubgraph;
  settings: LiveSettings;
  logger: Logger;
  registry: Registry;
}

export interface LiveSocketServer {
  readonly connections: number;
  /** Completes every subscription (clients get `complete`), then closes every socket (1001). */
  close(): Promise<void>;
}

function refusal(message: string, code: string, extra: Record<string, unknown> = {}): GraphQLError[] {
  return [new GraphQLError(message, { extensions: { code, ...extra } })];
}

/**
 * graphql-ws on the gateway's own HTTP server, at the GraphQL path. The connection's token
 * (connection_init payload `{ authorization: "Bearer ..." }`, or the upgrade request's
 * Authorization header) is checked as HTTP checks it; each subscription is validated against
 * the supergraph, admitted (by the owning subgraph for owner-only fields), then fed by the hub.
 */
export function createLiveSocketServer(options: LiveSocketServerOptions): LiveSocketServer {
  const { settings, hub, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxMessageBytes });
  const connections = new WeakMap<WebSocket, Connection>();
  const dropped = new Counter({
    name: 'gateway_live_dropped_connections_total',
    help: 'WebSocket connections the gateway closed, by reason (slow_consumer, over_capacity)',
    labelNames: ['reason'],
    registers: [options.registry],
  });
  new Gauge({
    name: 'gateway_live_connections',
    help: 'Open WebSocket (graphql-ws) connections on this gateway',
    registers: [options.registry],
    collect() {
      this.set(wss.clients.size);
    },
  });
  let closing = false;
  let stopped: Promise<void> | undefined;
  // Open sockets by their token's session (sid), to close them when it is revoked.
  const socketsBySession = new Map<string, Set<WebSocket>>();
  const stopClosingRevoked = options.revokedSessions?.onRevoked((sessionIds) => {
    for (const sessionId of sessionIds) {
      for (const socket of socketsBySession.get(sessionId) ?? []) socket.close(CloseCode.Unauthorized, SESSION_ENDED_MESSAGE);
    }
  });
  const trackSession = (socket: WebSocket, sessionId: string) => {
    const open = socketsBySession.get(sessionId) ?? new Set<WebSocket>();
    socketsBySession.set(sessionId, open.add(socket));
    socket.once('close', () => {
      open.delete(socket);
      if (open.size === 0 && socketsBySession.get(sessionId) === open) socketsBySession.delete(sessionId);
    });
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== options.path) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    if (closing || wss.clients.size >= settings.maxConnections) {
      dropped.inc({ reason: 'over_capacity' });
      socket.end('HTTP/1.1 503 Service Unavailable\r\nretry-after: 5\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  options.server.on('upgrade', onUpgrade);

  const dropSlow = (socket: WebSocket, queued: number) => {
    if (socket.readyState !== socket.OPEN) return;
    dropped.inc({ reason: 'slow_consumer' });
    logger.warn({ queued, buffered: socket.bufferedAmount }, 'dropping a slow subscriber connection');
    socket.close(SLOW_CONSUMER_CLOSE_CODE, 'Slow consumer: too many undelivered events');
    // Do not wait for a peer that reads nothing to finish the closing handshake.
    setTimeout(() => socket.terminate(), 1_000).unref();
  };

  const serverCleanup = useServer<Record<string, unknown> | undefined>(
    {
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const fromParams = typeof params.authorization === 'string' ? params.authorization : typeof params.Authorization === 'string' ? params.Authorization : undefined;
        const authorization = fromParams ?? ctx.extra.request.headers.authorization;
        try {
          const { identity, sessionId } = await options.verifier.verify(authorization);
          connections.set(ctx.extra.socket, { identity, subscriptions: 0 });
          if (sessionId !== undefined) trackSession(ctx.extra.socket, sessionId);
          return true;
        } catch (err) {
          if (err instanceof InvalidTokenError) ctx.extra.socket.close(CloseCode.Unauthorized, `Invalid token: ${err.message}`.slice(0, 120));
          else if (err instanceof KeysUnavailableError) ctx.extra.socket.close(1013, 'Cannot check tokens right now');
          else throw err;
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const socket = ctx.extra.socket;
        const connection = connections.get(socket) ?? { identity: ANONYMOUS, subscriptions: 0 };
        const schema = options.schema();
        if (!schema || closing) return refusal('The gateway is not serving subscriptions right now', 'SERVICE_UNAVAILABLE');
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: 5_000 });
        } catch (err) {
          return [err as GraphQLError];
        }
        const invalid = validate(schema, document);
        if (invalid.length > 0) return invalid;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return refusal('Name the operation to run (operationName)', 'BAD_REQUEST');
        if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
          return refusal('This socket serves subscriptions; send queries and mutations over HTTP (POST /graphql)', 'BAD_REQUEST');
        }
        const root = operation.selectionSet.selections[0];
        if (operation.selectionSet.selections.length !== 1 || root?.kind !== Kind.FIELD) {
          return refusal('Select one subscription field directly (not through a fragment)', 'BAD_REQUEST');
        }
        const field = LIVE_FIELD_BY_NAME.get(root.name.value);
        const definition = schema.getSubscriptionType()?.getFields()[root.name.value];
        if (!field || !definition) return refusal(`Subscription field ${root.name.value} is not served`, 'BAD_REQUEST');
        if (connection.subscriptions >= settings.maxSubscriptionsPerConnection) {
          return refusal(`At most ${settings.maxSubscriptionsPerConnection} subscriptions per connection`, TOO_MANY_SUBSCRIPTIONS, { limit: settings.maxSubscriptionsPerConnection });
        }
        const variables = payload.variables ?? {};
        const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
        if (coerced.errors) return coerced.errors;
        const args = getArgumentValues(definition, root, coerced.coerced);
        let admitted: Record<string, unknown> | undefined;
        if (field.admission) {
          const answer = await options.admit(field, args, connection.identity);
          if (Array.isArray(answer)) return answer as GraphQLError[];
          admitted = answer as Record<string, unknown>;
        }
        let keys: string[];
        try {
          keys = field.keysOf(args, admitted);
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        if (socket.readyState !== socket.OPEN) return refusal('Connection closed', 'BAD_REQUEST');
        connection.subscriptions += 1;
        const prepared: PreparedSubscription = {
          field,
          schema,
          document,
          operationName: payload.operationName ?? undefined,
          variables,
          args,
          identity: connection.identity,
          groupKey: `${payload.query}\n${payload.operationName ?? ''}\n${JSON.stringify(variables)}\n${identityKey(connection.identity)}`,
        };
        const context: LiveContext = { prepared, keys, socket, connection };
        // Nothing runs these arguments but `subscribe` below, which hands the context to the hub.
        return { schema, document, operationName: payload.operationName ?? null, variableValues: variables, contextValue: context };
      },
      subscribe: (args) => {
        const { prepared, keys, socket, connection } = args.contextValue as LiveContext;
        const subscriber: LiveSubscriber = new LiveSubscriber(prepared, keys, {
          maxQueued: settings.maxQueuedEvents,
          backedUp: () => socket.bufferedAmount > settings.maxBufferedBytes,
          onSlow: (queued) => dropSlow(socket, queued),
          onEnd: () => {
            connection.subscriptions -= 1;
            hub.remove(subscriber);
          },
        });
        hub.add(subscriber);
        return subscriber;
      },
    },
    wss,
    settings.keepAliveMs,
  );

  return {
    get connections() {
      return wss.clients.size;
    },
    close() {
      return (stopped ??= stop());
    },
  };

  async function stop(): Promise<void> {
    closing = true;
    stopClosingRevoked?.();
    options.server.off('upgrade', onUpgrade);
    hub.finishAll();
    // graphql-ws sends each `complete` as its loop sees the stream end; let the loops run.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await serverCleanup.dispose();
  }
}

