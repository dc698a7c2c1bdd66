import type { ExecutionResult } from 'graphql';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DomainEvent, Logger } from '@shopgraph/kit';
import { EventCompletion, type RunQuery } from './eventCompletion.js';
import { LIVE_FIELD_BY_TOPIC } from './liveFields.js';
import type { LiveSubscriber } from './liveSubscriber.js';

/** Completions of one event running at once (each is one planned query at most). */
const COMPLETION_CONCURRENCY = 16;

export interface LiveHubMetrics {
  subscriptions: Gauge;
  events: Counter;
  completions: Counter;
  entityQueries: Counter;
  deliveries: Counter;
  dispatchSeconds: Histogram;
}

export function liveHubMetrics(registry: Registry): LiveHubMetrics {
  return {
    subscriptions: new Gauge({ name: 'gateway_live_subscriptions', help: 'Open subscriptions on this gateway', registers: [registry] }),
    events: new Counter({ name: 'gateway_live_events_total', help: 'Events that reached at least one subscriber', labelNames: ['topic'], registers: [registry] }),
    completions: new Counter({ name: 'gateway_live_completions_total', help: 'Results completed (one per group of subscribers with the same operation and identity, per event)', registers: [registry] }),
    entityQueries: new Counter({ name: 'gateway_live_entity_queries_total', help: 'Entity queries planned through the supergraph for events', registers: [registry] }),
    deliveries: new Counter({ name: 'gateway_live_deliveries_total', help: 'Results handed to subscribers', registers: [registry] }),
    dispatchSeconds: new Histogram({
      name: 'gateway_live_dispatch_seconds',
      help: 'From an event reaching the gateway to its results being queued for every subscriber',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

async function eachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * This gateway's subscribers, indexed by what they listen on. Every gateway instance hears
 * every event (a broadcast subscription on the bus) and hands it to its own subscribers:
 * grouped by operation and identity, each group's result is completed once.
 */
export class LiveHub {
  private readonly listeners = new Map<string, Set<LiveSubscriber>>();
  private readonly all = new Set<LiveSubscriber>();

  constructor(
    private readonly runQuery: RunQuery,
    private readonly metrics: LiveHubMetrics,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.all.size;
  }

  add(subscriber: LiveSubscriber): void {
    this.all.add(subscriber);
    for (const key of subscriber.keys) {
      const listenerKey = `${subscriber.prepared.field.name}\n${key}`;
      let set = this.listeners.get(listenerKey);
      if (!set) this.listeners.set(listenerKey, (set = new Set()));
      set.add(subscriber);
    }
    this.metrics.subscriptions.set(this.all.size);
  }

  remove(subscriber: LiveSubscriber): void {
    if (!this.all.delete(subscriber)) return;
    for (const key of subscriber.keys) {
      const listenerKey = `${subscriber.prepared.field.name}\n${key}`;
      const set = this.listeners.get(listenerKey);
      set?.delete(subscriber);
      if (set?.size === 0) this.listeners.delete(listenerKey);
    }
    this.metrics.subscriptions.set(this.all.size);
  }

  /**
   * Completes an event for everyone listening and queues the results. Resolves when every
   * result is queued, so a caller that awaits each event keeps each subscriber's events in
   * the bus's order (per product: commit order).
   */
  async dispatch(event: DomainEvent): Promise<void> {
    const field = LIVE_FIELD_BY_TOPIC.get(event.topic);
    if (!field) return;
    const groups = new Map<string, LiveSubscriber[]>();
    const seen = new Set<LiveSubscriber>();
    for (const key of field.eventKeys(event)) {
      for (const subscriber of this.listeners.get(`${field.name}\n${key}`) ?? []) {
        if (seen.has(subscriber)) continue;
        seen.add(subscriber);
        const group = groups.get(subscriber.prepared.groupKey);
        if (group) group.push(subscriber);
        else groups.set(subscriber.prepared.groupKey, [subscriber]);
      }
    }
    if (groups.size === 0) return;
    const stopTimer = this.metrics.dispatchSeconds.startTimer();
    this.metrics.events.inc({ topic: event.topic });
    const completion = new EventCompletion(event, this.runQuery);
    await eachLimited([...groups.values()], COMPLETION_CONCURRENCY, async (subscribers) => {
      let result: ExecutionResult;
      try {
        result = await completion.complete(subscribers[0]!.prepared);
      } catch (err) {
        this.logger.error({ err, eventId: event.id, topic: event.topic }, 'could not complete an event for its subscribers');
        return;
      }
      this.metrics.completions.inc();
      for (const subscriber of subscribers) subscriber.push(result);
      this.metrics.deliveries.inc(subscribers.length);
    });
    this.metrics.entityQueries.inc(completion.queries);
    stopTimer();
  }

  /** Ends every subscription after what it already holds (shutdown). */
  finishAll(): void {
    for (const subscriber of [...this.all]) subscriber.finish();
  }
}
