import type { DomainEvent } from '../events/domainEvent.js';
import type { EventBus, SubscribeOptions, Subscription } from '../events/eventBus.js';
import type { TopicName } from '../events/topics.js';

/** Polls until `check` holds; fails with `what` after the timeout (a bound, not a timing assertion). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A subscription that keeps what it received, for tests: `await recorder.waitForIds(ids)`.
 * The optional handler runs first; if it throws, the event is not recorded (and is retried).
 */
export class EventRecorder<T extends TopicName = TopicName> {
  readonly events: Array<DomainEvent<T>> = [];
  readonly subscription: Subscription;

  private constructor(bus: EventBus, options: Omit<SubscribeOptions<T>, 'handler'> & { handler?: SubscribeOptions<T>['handler'] }) {
    this.subscription = bus.subscribe<T>({
      ...options,
      handler: async (event) => {
        await options.handler?.(event);
        this.events.push(event);
      },
    });
  }

  static async start<T extends TopicName>(
    bus: EventBus,
    options: Omit<SubscribeOptions<T>, 'handler'> & { handler?: SubscribeOptions<T>['handler'] },
  ): Promise<EventRecorder<T>> {
    const recorder = new EventRecorder<T>(bus, options);
    await recorder.subscription.ready;
    return recorder;
  }

  ids(): string[] {
    return this.events.map((e) => e.id);
  }

  /** How many times each event id was handed to the handler. */
  timesById(): Map<string, number> {
    const times = new Map<string, number>();
    for (const e of this.events) times.set(e.id, (times.get(e.id) ?? 0) + 1);
    return times;
  }

  async waitForIds(ids: Iterable<string>, timeoutMs?: number): Promise<void> {
    const wanted = [...ids];
    await eventually(
      () => {
        const seen = new Set(this.ids());
        return wanted.every((id) => seen.has(id));
      },
      `${wanted.length} events (have ${wanted.filter((id) => this.ids().includes(id)).length})`,
      timeoutMs,
    );
  }

  close(): Promise<void> {
    return this.subscription.close();
  }
}
