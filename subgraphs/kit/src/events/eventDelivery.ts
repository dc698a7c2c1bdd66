import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger.js';
import { parseDomainEvent, type DomainEvent } from './domainEvent.js';
import type { SubscribeOptions } from './eventBus.js';
import type { EventMetrics } from './eventMetrics.js';
import type { TopicName } from './topics.js';
import { backoffDelay } from './waiting.js';

export interface DeadLetterRecord {
  eventId: string | null;
  topic: string | null;
  event: unknown;
  error: string;
  attempts: number;
}

export interface EventDeliveryOptions {
  subscription: string;
  options: SubscribeOptions<TopicName>;
  metrics: EventMetrics;
  logger: Logger;
  /** Stores a dead letter; if it throws, the event stays unacknowledged and comes again. */
  deadLetter(record: DeadLetterRecord): Promise<void>;
}

/**
 * handled: acknowledge. skipped: not for this subscription, or already handled (acknowledge).
 * dead_lettered: given up on and stored (acknowledge). interrupted: closing mid-retry (do not acknowledge).
 */
export type DeliveryOutcome = 'handled' | 'skipped' | 'dead_lettered' | 'interrupted';

const MAX_RETRY_DELAY_MS = 5_000;

/**
 * One subscription's way of handing an event to its handler, the same on both buses:
 * topic filter, dedupe by event id, retries with backoff, a timeout, then a dead letter.
 * A failing event holds up only its own subscription, and only up to the delivery limit.
 */
export class EventDelivery {
  readonly subscription: string;
  private readonly topics: ReadonlySet<string>;
  private readonly seen: LRUCache<string, true>;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;
  private interruptWait: (() => void) | undefined;
  private interrupted = false;
  /** Events handled since the last flush: forgotten again if the flush fails, so their redelivery is not skipped. */
  private unflushed: string[] = [];

  constructor(private readonly o: EventDeliveryOptions) {
    this.subscription = o.subscription;
    this.topics = new Set(o.options.topics);
    this.seen = new LRUCache({ max: o.options.dedupe ?? 10_000 });
    this.maxAttempts = o.options.maxAttempts ?? 5;
    this.retryDelayMs = o.options.retryDelayMs ?? 100;
    this.timeoutMs = o.options.handlerTimeoutMs ?? 30_000;
  }

  /** Stops waiting between retries: the event in hand ends 'interrupted'. */
  interrupt(): void {
    this.interrupted = true;
    this.interruptWait?.();
  }

  /**
   * @param message the event, or the raw text read from Redis
   * @param earlierDeliveries deliveries before this one (to consumers that died holding it)
   */
  async deliver(message: DomainEvent | string, earlierDeliveries = 0): Promise<DeliveryOutcome> {
    const { metrics, logger } = this.o;
    const event = typeof message === 'string' ? parseDomainEvent(message) : message;
    if (!event) {
      await this.giveUp(null, message, 'unreadable event message', 0);
      return 'dead_lettered';
    }
    if (!this.topics.has(event.topic)) return 'skipped';
    if (this.seen.has(event.id)) {
      metrics.duplicates.inc({ subscription: this.subscription });
      return 'skipped';
    }
    if (earlierDeliveries >= this.maxAttempts) {
      await this.giveUp(event, event, `delivery limit reached: delivered ${earlierDeliveries} times to consumers that did not acknowledge it`, earlierDeliveries);
      return 'dead_lettered';
    }
    const occurred = Date.parse(event.occurredAt);
    if (Number.isFinite(occurred)) metrics.receiveLag.observe({ subscription: this.subscription }, Math.max(0, Date.now() - occurred) / 1000);
    let lastError = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (this.interrupted) return 'interrupted';
      try {
        await this.runHandler(event);
        this.seen.set(event.id, true);
        if (this.o.options.flush) this.unflushed.push(event.id);
        metrics.handled.inc({ subscription: this.subscription, topic: event.topic });
        // The request that recorded the event, so one id leads from the request to its consumers.
        logger.debug({ subscription: this.subscription, eventId: event.id, topic: event.topic, requestId: event.requestId }, 'event handled');
        return 'handled';
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        metrics.failed.inc({ subscription: this.subscription, topic: event.topic });
        logger.warn({ subscription: this.subscription, eventId: event.id, topic: event.topic, requestId: event.requestId, attempt, err: lastError }, 'event handler failed');
        if (attempt < this.maxAttempts && !(await this.pause(backoffDelay(attempt, this.retryDelayMs, MAX_RETRY_DELAY_MS)))) {
          return 'interrupted';
        }
      }
    }
    await this.giveUp(event, event, lastError, this.maxAttempts);
    return 'dead_lettered';
  }

  /**
   * Runs the subscription's `flush` (if any) over what the handler took since the last one;
   * the bus acknowledges a read only after this resolves. On failure the read's events are
   * forgotten by the dedupe and the error is thrown, so the bus reads them again.
   */
  async flush(): Promise<void> {
    const flush = this.o.options.flush;
    if (!flush || this.unflushed.length === 0) return;
    const ids = this.unflushed;
    this.unflushed = [];
    try {
      await flush();
    } catch (err) {
      for (const id of ids) this.seen.delete(id);
      this.o.metrics.failed.inc({ subscription: this.subscription, topic: 'flush' });
      throw err;
    }
  }

  private async giveUp(event: DomainEvent | null, raw: unknown, error: string, attempts: number): Promise<void> {
    await this.o.deadLetter({ eventId: event?.id ?? null, topic: event?.topic ?? null, event: raw, error, attempts });
    this.o.metrics.deadLettered.inc({ subscription: this.subscription, topic: event?.topic ?? 'unreadable' });
    this.o.logger.error({ subscription: this.subscription, eventId: event?.id, topic: event?.topic, requestId: event?.requestId, attempts, err: error }, 'event dead-lettered');
    if (event) this.seen.set(event.id, true);
  }

  private async runHandler(event: DomainEvent): Promise<void> {
    const result = this.o.options.handler(event);
    // A handler that finished synchronously (a batch writer's gatherer) cannot be timed out:
    // no timer and no race for it, which cost more than the handler itself, once per event.
    if (!isPromiseLike(result)) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`handler timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([result, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves false when interrupted before `ms` passed. */
  private pause(ms: number): Promise<boolean> {
    if (this.interrupted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.interruptWait = undefined;
        resolve(true);
      }, ms);
      this.interruptWait = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
