import type { ReadinessCheck } from '../readiness.js';
import type { DomainEvent } from './domainEvent.js';
import type { EventSource, TopicName } from './topics.js';

export interface SubscribeOptions<T extends TopicName = TopicName> {
  topics: readonly T[];
  /**
   * Durable consumer group: every event is processed by one consumer of the group, and a
   * group resumes where it left off after its consumers stop (a new group starts at the
   * oldest event the bus still holds). Without a group: a broadcast subscription that sees
   * every event published after it is ready, in every instance.
   */
  group?: string;
  /** At-least-once: may see an event again after a crash or a Redis restart (then dedupe on `id`). */
  handler: (event: DomainEvent<T>) => Promise<void> | void;
  /** Delivery limit: handler attempts (and, on Redis, deliveries to consumers that died) before the event is dead-lettered. Default 5. */
  maxAttempts?: number;
  /** Delay before the first retry, doubled after each failure up to 5 s. Default 100 ms. */
  retryDelayMs?: number;
  /** A handler still running after this counts as a failed attempt. Default 30 s. */
  handlerTimeoutMs?: number;
  /** How many handled event ids the subscription remembers to skip redeliveries. Default 10,000. */
  dedupe?: number;
  /** Events read per round trip. Default 100. */
  batchSize?: number;
  /** Redis groups: a message left unacknowledged this long by a consumer (that died) is claimed by another. Default 30 s. */
  claimIdleMs?: number;
  /**
   * Batch writers: called after the handler has taken every event of one read (up to
   * `batchSize`) and before any of them is acknowledged, so a handler that only gathers
   * events can write them here in one transaction. If it throws, no event of the read counts
   * as handled: they are read again (Redis groups: claimed again after `claimIdleMs`).
   */
  flush?: () => Promise<void>;
}

export interface Subscription {
  /** Resolves once positioned: a broadcast subscription then sees every event published after. */
  readonly ready: Promise<void>;
  /** Finishes the event in hand (its retries are cut short and it stays unacknowledged), then stops. */
  close(): Promise<void>;
}

/** An event a subscription gave up on, kept for an operator. */
export interface DeadLetter {
  subscription: string;
  eventId: string | null;
  topic: string | null;
  /** The event, or the raw message when it could not be read. */
  event: unknown;
  error: string;
  attempts: number;
  deadAt: string;
}

/**
 * Carries domain events from the outbox relays to their consumers: Redis Streams when
 * REDIS_URL is set, the PostgreSQL event log otherwise (createEventBus).
 */
export interface EventBus {
  readonly kind: 'redis' | 'postgres';
  /** Appends a source's events in the given order. Throws EventBusResetError when the bus lost its data since the last restore. */
  publish(source: EventSource, events: readonly DomainEvent[]): Promise<void>;
  /** True when the bus lost what it held (a Redis without persistence restarted) and needs `restore`. */
  needsRestore(source: EventSource): Promise<boolean>;
  /** Republishes a source's recent events, oldest first, after a loss; returns how many. */
  restore(source: EventSource, recent: AsyncIterable<readonly DomainEvent[]>): Promise<number>;
  subscribe<T extends TopicName>(options: SubscribeOptions<T>): Subscription;
  /** Newest first: the events a subscription (group name, or "broadcast") dead-lettered. */
  deadLetters(subscription: string, limit?: number): Promise<DeadLetter[]>;
  readonly readiness: ReadinessCheck;
  /** Closes every subscription, then the bus's own connections. */
  close(): Promise<void>;
}

/** The bus no longer holds what was published to it (Redis restarted empty): the relay restores, then publishes again. */
export class EventBusResetError extends Error {
  constructor(source: EventSource) {
    super(`event bus lost the events of ${source} (restarted without persistence); restoring from the outbox`);
    this.name = 'EventBusResetError';
  }
}

/** Name used for a subscription in metrics and dead letters. */
export function subscriptionName(options: Pick<SubscribeOptions, 'group'>): string {
  return options.group ?? 'broadcast';
}

/** The buses hand a handler only events of its own topics, so its options can be held untyped. */
export function untypedOptions<T extends TopicName>(options: SubscribeOptions<T>): SubscribeOptions {
  return options as unknown as SubscribeOptions;
}
