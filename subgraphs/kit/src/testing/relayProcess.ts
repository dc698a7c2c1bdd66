// A relay in a child process for crash tests: it takes the relay lock of a source, reads
// the outbox, and hangs at the point RELAY_HANG names, so the test can SIGKILL it there.
//   before-publish: the events are committed, the bus has not seen them.
//   after-publish:  the bus accepted them, the outbox does not yet say so.
import { Registry } from 'prom-client';
import { createEventBus } from '../events/createEventBus.js';
import type { EventBus } from '../events/eventBus.js';
import { eventMetrics } from '../events/eventMetrics.js';
import { OutboxRelay } from '../events/outboxRelay.js';
import { isEventSource } from '../events/topics.js';
import { createLogger } from '../logger.js';
import { createRedis } from '../redis.js';

const { DATABASE_URL, REDIS_URL, EVENTS_NAMESPACE, RELAY_SOURCE = 'catalog', RELAY_HANG } = process.env;
if (!DATABASE_URL || !isEventSource(RELAY_SOURCE) || (RELAY_HANG !== 'before-publish' && RELAY_HANG !== 'after-publish')) {
  throw new Error('relayProcess needs DATABASE_URL, RELAY_SOURCE and RELAY_HANG=before-publish|after-publish');
}
const logger = createLogger('relay-child', 'silent');
const registry = new Registry();
const bus = createEventBus({
  databaseUrl: DATABASE_URL,
  redis: REDIS_URL ? createRedis(REDIS_URL, logger) : undefined,
  logger,
  registry,
  ...(EVENTS_NAMESPACE && { namespace: EVENTS_NAMESPACE }),
});
const hang = () => new Promise<never>(() => undefined);
const hangingBus: EventBus = Object.create(bus, {
  publish: {
    value: async (...args: Parameters<EventBus['publish']>) => {
      if (RELAY_HANG === 'before-publish') {
        console.log(`holding ${args[1].length}`);
        return hang();
      }
      await bus.publish(...args);
      console.log(`published ${args[1].length}`);
      return hang();
    },
  },
}) as EventBus;
new OutboxRelay({ source: RELAY_SOURCE, databaseUrl: DATABASE_URL, bus: hangingBus, logger, metrics: eventMetrics(registry), pollIntervalMs: 100 }).start();
