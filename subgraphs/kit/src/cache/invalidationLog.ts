import { LRUCache } from 'lru-cache';

/**
 * When each key was last invalidated, as a logical clock. A read notes the clock when it
 * starts; a value it loaded may fill a cache only if its key was not invalidated since.
 * Entries outlive any read in flight (a read slower than this fills nothing stale for
 * long: L1's own TTL bounds it).
 */
export class InvalidationLog {
  private clock = 0;
  private readonly invalidatedAt = new LRUCache<string, number>({ max: 200_000, ttl: 30_000 });

  now(): number {
    return this.clock;
  }

  record(keys: readonly string[]): void {
    this.clock += 1;
    for (const key of keys) this.invalidatedAt.set(key, this.clock);
  }

  /** True when `key` was invalidated after the read that noted `since` began. */
  changedSince(key: string, since: number): boolean {
    return (this.invalidatedAt.get(key) ?? 0) > since;
  }
}
