import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/** "These keys changed": every instance drops them from its in-process cache. */
export interface InvalidationMessage {
  /** Instance that made the change; it has already evicted its own copy. */
  origin: string;
  keys: string[];
}

export interface InvalidationBus {
  publish(message: InvalidationMessage): Promise<void>;
  subscribe(handler: (message: InvalidationMessage) => void): void;
  close(): Promise<void>;
}

/** One process, no Redis (embedded default): eviction is a local event. */
export class LocalInvalidationBus implements InvalidationBus {
  private readonly events = new EventEmitter();
  async publish(message: InvalidationMessage): Promise<void> {
    this.events.emit('message', message);
  }
  subscribe(handler: (message: InvalidationMessage) => void): void {
    this.events.on('message', handler);
  }
  async close(): Promise<void> {
    this.events.removeAllListeners();
  }
}

/**
 * Redis pub/sub between instances. A subscriber needs its own connection; it reconnects
 * by itself, and while it is down L1's short TTL bounds how stale a copy can get.
 */
export class RedisInvalidationBus implements InvalidationBus {
  private readonly subscriber: Redis;
  private readonly handlers: Array<(message: InvalidationMessage) => void> = [];

  constructor(
    private readonly publisher: Redis,
    private readonly channel: string,
    private readonly logger?: Logger,
  ) {
    this.subscriber = publisher.duplicate({ enableOfflineQueue: true });
    this.subscriber.on('error', () => undefined); // the publisher's handler already reports Redis outages
    this.subscriber.on('message', (_channel: string, text: string) => {
      try {
        const message = JSON.parse(text) as InvalidationMessage;
        for (const handler of this.handlers) handler(message);
      } catch (err) {
        this.logger?.warn({ err }, 'unreadable cache invalidation message');
      }
    });
    void this.subscriber.subscribe(this.channel).catch((err: unknown) => this.logger?.warn({ err }, 'cache invalidation subscribe failed'));
  }

  async publish(message: InvalidationMessage): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(message));
  }

  subscribe(handler: (message: InvalidationMessage) => void): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
  }
}
