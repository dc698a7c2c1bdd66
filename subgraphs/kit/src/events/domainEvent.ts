import type { SubgraphName } from '../config.js';
import type { EventPayload, EventSource, TopicName } from './topics.js';

interface DomainEventOf<T extends TopicName> {
  /** UUID; delivery is at-least-once, so consumers deduplicate on it. */
  id: string;
  topic: T;
  /** Owning Postgres schema, whose outbox the event was recorded in. */
  source: EventSource;
  aggregateType: string;
  aggregateId: string;
  payload: EventPayload<T>;
  /** ISO 8601, microseconds: when the event was recorded, just before its transaction committed. */
  occurredAt: string;
  requestId?: string;
  /** Identity subject of whoever made the change. */
  actor?: string;
  /**
   * Position in its source's outbox. Within one aggregate it grows in commit order; across
   * aggregates a later-committing transaction may carry a smaller one, so do not use it as
   * a high-water mark.
   */
  sequence: number;
}

/** A domain event; for a union of topics, a union discriminated by `topic`. */
export type DomainEvent<T extends TopicName = TopicName> = { [K in T]: DomainEventOf<K> }[T];

/** Whose outbox each subgraph writes: the Postgres schema it owns. */
export const EVENT_SOURCE_OF_SUBGRAPH: Record<SubgraphName, EventSource> = {
  product: 'catalog',
  inventory: 'inventory',
  cart: 'cart',
  order: 'ordering',
  recommendation: 'reco',
};

/** Reads an event sent over a bus; null when it is not one (a poison message). */
export function parseDomainEvent(text: string): DomainEvent | null {
  try {
    const value = JSON.parse(text) as Partial<DomainEvent> | null;
    if (
      value &&
      typeof value.id === 'string' &&
      typeof value.topic === 'string' &&
      typeof value.source === 'string' &&
      typeof value.sequence === 'number' &&
      typeof value.occurredAt === 'string'
    ) {
      return value as DomainEvent;
    }
    return null;
  } catch {
    return null;
  }
}
