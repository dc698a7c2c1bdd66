// The bench's baseline for `npm run bench -- subscriptions`: the same fan-out as the gateway
// (graphql-ws over ws, one broadcast subscription on the same bus, the gateway's bounded
// per-subscriber queues) with a precomputed payload: no validation against the supergraph,
// no admission, no federated completion. Prints "listening <port>" once it hears events.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { Registry } from 'prom-client';
import { WebSocketServer } from 'ws';
import { createEventBus, createLogger, createRedis } from '@shopgraph/kit';
import type { PreparedSubscription } from '../../gateway/src/live/eventCompletion.js';
import { LiveSubscriber } from '../../gateway/src/live/liveSubscriber.js';

const { DATABASE_URL, REDIS_URL, EVENTS_NAMESPACE, PAYLOAD } = process.env;
if (!DATABASE_URL || !PAYLOAD) throw new Error('precomputedFanout needs DATABASE_URL and PAYLOAD (a result to send for every event)');
const payload = JSON.parse(PAYLOAD) as { data: { priceChanged: Record<string, unknown> } };
const logger = createLogger('baseline', 'warn');
const bus = createEventBus({ databaseUrl: DATABASE_URL, redis: REDIS_URL ? createRedis(REDIS_URL, logger) : undefined, logger, registry: new Registry(), ...(EVENTS_NAMESPACE && { namespace: EVENTS_NAMESPACE }) });
const subscribers = new Set<LiveSubscriber>();
const http = createServer((_req, res) => res.end(String(subscribers.size)));
const wss = new WebSocketServer({ server: http, path: '/graphql' });
useServer(
  {
    // Nothing is validated or executed: graphql-ws only needs to see a subscription operation.
    onSubscribe: (_ctx, _id, subscribe) => ({ schema: undefined as never, document: parse(subscribe.query) }),
    subscribe: () => {
      const subscriber: LiveSubscriber = new LiveSubscriber({} as PreparedSubscription, [], {
        maxQueued: 100,
        backedUp: () => false,
        onSlow: () => undefined,
        onEnd: () => subscribers.delete(subscriber),
      });
      subscribers.add(subscriber);
      return subscriber;
    },
  },
  wss,
);
const subscription = bus.subscribe({
  topics: ['product.price_changed'],
  handler: (event) => {
    const p = (event).payload;
    // Precomputed: only the event's own amount goes in (the bench tells events apart by it).
    const result = { data: { priceChanged: { ...payload.data.priceChanged, newPrice: { amount: p.newPrice } } } };
    for (const s of subscribers) s.push(result);
  },
});
await subscription.ready;
http.listen(0, '127.0.0.1', () => console.log(`listening ${(http.address() as AddressInfo).port}`));
process.on('SIGTERM', () => {
  void subscription.close().then(() => bus.close()).finally(() => process.exit(0));
});
