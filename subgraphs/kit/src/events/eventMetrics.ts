import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** A reading taken when /metrics is scraped (outbox backlog, consumer lag). */
type Probe = () => Promise<Array<{ labels: Record<string, string>; value: number }>>;

/** Relay and consumer metrics on the service's registry (one set per registry). */
export interface EventMetrics {
  published: Counter<'source' | 'topic'>;
  publishLag: Histogram<'source'>;
  publishFailures: Counter<'source'>;
  replayed: Counter<'source'>;
  relayLeader: Gauge<'source'>;
  handled: Counter<'subscription' | 'topic'>;
  failed: Counter<'subscription' | 'topic'>;
  deadLettered: Counter<'subscription' | 'topic'>;
  duplicates: Counter<'subscription'>;
  receiveLag: Histogram<'subscription'>;
  /** Registers a reading of `events_outbox_pending`; returns its removal. */
  probeOutbox(probe: Probe): () => void;
  /** Registers a reading of `events_consumer_lag`; returns its removal. */
  probeConsumerLag(probe: Probe): () => void;
}

const LAG_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const byRegistry = new WeakMap<Registry, EventMetrics>();

function probedGauge(registry: Registry, name: string, help: string, labelNames: string[], probes: Set<Probe>): Gauge {
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const probe of probes) {
        try {
          for (const { labels, value } of await probe()) this.set(labels, value);
        } catch {
          // A reading that fails (database down) is left out of this scrape.
        }
      }
    },
  });
}

export function eventMetrics(registry: Registry): EventMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const outboxProbes = new Set<Probe>();
  const lagProbes = new Set<Probe>();
  probedGauge(registry, 'events_outbox_pending', 'Outbox rows committed but not yet published, by source', ['source'], outboxProbes);
  probedGauge(
    registry,
    'events_consumer_lag',
    'Events a subscription has not processed yet (Redis: the group lag; PostgreSQL: log positions behind the head)',
    ['subscription'],
    lagProbes,
  );
  const metrics: EventMetrics = {
    published: new Counter({
      name: 'events_published_total',
      help: 'Events the outbox relay handed to the bus, by source and topic',
      labelNames: ['source', 'topic'],
      registers: [registry],
    }),
    publishLag: new Histogram({
      name: 'events_commit_to_publish_seconds',
      help: 'Time from recording an event (its commit) to the bus accepting it',
      labelNames: ['source'],
      buckets: LAG_BUCKETS,
      registers: [registry],
    }),
    publishFailures: new Counter({
      name: 'events_publish_failures_total',
      help: 'Relay batches the bus refused or that failed; they are retried with backoff',
      labelNames: ['source'],
      registers: [registry],
    }),
    replayed: new Counter({
      name: 'events_replayed_total',
      help: 'Events republished from the outbox because the bus lost its data (Redis restarted empty)',
      labelNames: ['source'],
      registers: [registry],
    }),
    relayLeader: new Gauge({
      name: 'events_relay_leader',
      help: '1 while this instance holds the relay lock of the source and publishes its outbox',
      labelNames: ['source'],
      registers: [registry],
    }),
    handled: new Counter({
      name: 'events_handled_total',
      help: 'Events a subscription handler processed successfully',
      labelNames: ['subscription', 'topic'],
      registers: [registry],
    }),
    failed: new Counter({
      name: 'events_handler_failures_total',
      help: 'Handler attempts that threw or timed out (each is retried up to the delivery limit)',
      labelNames: ['subscription', 'topic'],
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'events_dead_lettered_total',
      help: 'Events given up on after the delivery limit and stored as dead letters',
      labelNames: ['subscription', 'topic'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'events_duplicates_skipped_total',
      help: 'Deliveries of an event id the subscription had already handled',
      labelNames: ['subscription'],
      registers: [registry],
    }),
    receiveLag: new Histogram({
      name: 'events_commit_to_receive_seconds',
      help: 'Time from recording an event to its first delivery to a handler',
      labelNames: ['subscription'],
      buckets: LAG_BUCKETS,
      registers: [registry],
    }),
    probeOutbox(probe) {
      outboxProbes.add(probe);
      return () => outboxProbes.delete(probe);
    },
    probeConsumerLag(probe) {
      lagProbes.add(probe);
      return () => lagProbes.delete(probe);
    },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
