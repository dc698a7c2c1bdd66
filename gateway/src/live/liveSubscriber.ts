import type { ExecutionResult } from 'graphql';
import type { PreparedSubscription } from './eventCompletion.js';

export interface LiveSubscriberOptions {
  /** Results a subscriber may have waiting for its socket; one more and it is a slow consumer. */
  maxQueued: number;
  /** True when the socket itself holds too much unsent (its write buffer). */
  backedUp: () => boolean;
  /** Called once when the subscriber falls behind: drop its connection. */
  onSlow: (queued: number) => void;
  /** Called once when the subscription ends, whoever ends it. */
  onEnd: () => void;
}

/**
 * One subscription's stream of results, as graphql-ws iterates it: the hub pushes, the
 * socket pulls. The queue is bounded: a subscriber that cannot keep up is dropped, never
 * allowed to hold more.
 */
export class LiveSubscriber implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: ExecutionResult[] = [];
  private waiting: ((r: IteratorResult<ExecutionResult>) => void) | undefined;
  private done = false;

  constructor(
    readonly prepared: PreparedSubscription,
    readonly keys: readonly string[],
    private readonly options: LiveSubscriberOptions,
  ) {}

  get ended(): boolean {
    return this.done;
  }

  push(result: ExecutionResult): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: result, done: false });
      return;
    }
    if (this.queue.length >= this.options.maxQueued || this.options.backedUp()) {
      const queued = this.queue.length;
      this.end();
      this.options.onSlow(queued);
      return;
    }
    this.queue.push(result);
  }

  /** Ends the stream after what it already holds (graphql-ws then sends `complete`). */
  finish(): void {
    this.end(false);
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** The client completed it, or its socket closed. */
  return(): Promise<IteratorResult<ExecutionResult>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private end(dropQueued = true): void {
    if (this.done) return;
    this.done = true;
    if (dropQueued) this.queue.length = 0;
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ value: undefined, done: true });
    this.options.onEnd();
  }
}
