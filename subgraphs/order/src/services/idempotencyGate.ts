import { createHash } from 'node:crypto';
import type { Logger, Redis } from '@shopgraph/kit';

/** How long Redis remembers a checkout key (the Postgres UNIQUE key remembers it for good). */
const KEY_TTL_SECONDS = 24 * 3600;

export type GateAnswer =
  /** This caller holds the key: go on. */
  | { kind: 'first' }
  /** Another attempt with this key holds it (for `cartId`): wait for its order. */
  | { kind: 'taken'; cartId: string }
  /** No Redis, or Redis failed: the Postgres UNIQUE key decides alone. */
  | { kind: 'unknown' };

/**
 * The fast path of checkout idempotency: SET NX with a TTL, so of 50 concurrent requests with
 * one key only one prices the cart and writes; the others wait for its order. It is only a
 * shortcut: the UNIQUE (customer_id, idempotency_key) of the order table is the guarantee,
 * and every answer degrades to "unknown" when Redis is absent or down.
 */
export class IdempotencyGate {
  constructor(
    private readonly redis: Redis | undefined,
    private readonly namespace: string,
    private readonly logger: Logger,
  ) {}

  private keyOf(customerId: string, idempotencyKey: string): string {
    const digest = createHash('sha256').update(`${customerId}\n${idempotencyKey}`).digest('base64url');
    return `${this.namespace}:order:checkout-key:${digest}`;
  }

  async claim(customerId: string, idempotencyKey: string, cartId: string): Promise<GateAnswer> {
    if (!this.redis) return { kind: 'unknown' };
    const key = this.keyOf(customerId, idempotencyKey);
    try {
      const set = await this.redis.set(key, cartId, 'EX', KEY_TTL_SECONDS, 'NX');
      if (set === 'OK') return { kind: 'first' };
      const holder = await this.redis.get(key);
      return holder ? { kind: 'taken', cartId: holder } : { kind: 'unknown' };
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'checkout idempotency: redis unavailable, postgres decides');
      return { kind: 'unknown' };
    }
  }

  /** The attempt ended before it made an order (bad input, cart not found): the key is free again. */
  async free(customerId: string, idempotencyKey: string): Promise<void> {
    if (!this.redis) return;
    await this.redis.del(this.keyOf(customerId, idempotencyKey)).catch(() => undefined);
  }

  /** Whether some attempt still holds the key (false without Redis). */
  async isHeld(customerId: string, idempotencyKey: string): Promise<boolean> {
    if (!this.redis) return false;
    try {
      return (await this.redis.exists(this.keyOf(customerId, idempotencyKey))) === 1;
    } catch {
      return false;
    }
  }
}
