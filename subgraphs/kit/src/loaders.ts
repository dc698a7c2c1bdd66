import DataLoader from 'dataloader';
import type { CacheGeneration } from './cache/cacheGeneration.js';
import type { EntityCache } from './cache/entityCache.js';
import type { LoaderTagging } from './cache/responseTags.js';

/**
 * A per-request loader of rows by key: one query per batch, results in key order,
 * null for keys with no row (a missing entity is not an error for federation).
 */
export function rowLoader<K extends string, R>(
  fetch: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
  options: { isValidKey?: (key: K) => boolean } = {},
): DataLoader<K, R | null> {
  return new DataLoader<K, R | null>(async (keys) => {
    const valid = options.isValidKey ? keys.filter(options.isValidKey) : keys;
    const rows = valid.length > 0 ? await fetch(valid) : [];
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** A per-request loader of the children of many parents in one query (variants of products, ...). */
export function childrenLoader<K extends string, R>(
  fetch: (keys: readonly K[]) => Promise<R[]>,
  parentKeyOf: (row: R) => K,
  options: { isValidKey?: (key: K) => boolean } = {},
): DataLoader<K, R[]> {
  return new DataLoader<K, R[]>(async (keys) => {
    const valid = options.isValidKey ? keys.filter(options.isValidKey) : keys;
    const rows = valid.length > 0 ? await fetch(valid) : [];
    const groups = new Map<K, R[]>();
    for (const row of rows) {
      const key = parentKeyOf(row);
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}

/** Options of the cached loaders. */
export interface CachedLoaderOptions<R = never> {
  isValidKey?: (key: string) => boolean;
  /** Tags the response with each row loaded (for the gateway's response cache). */
  tags?: LoaderTagging<R>;
  /**
   * Entries one write makes wrong together (children of a category after a move): keys
   * carry this generation, and a bump retires them all.
   */
  generation?: CacheGeneration;
}

/**
 * Values for keys through the cache: keys under the current generation when there is one;
 * straight to `load` when the generation cannot be read (Redis failing), never stale.
 */
async function throughCache<R>(
  cache: EntityCache<R>,
  keys: string[],
  load: (missing: string[]) => Promise<Map<string, R>>,
  generation: CacheGeneration | undefined,
): Promise<(R | null)[]> {
  if (!generation) return cache.getMany(keys, load);
  const current = await generation.current();
  if (current === undefined) {
    const rows = await load(keys);
    return keys.map((key) => rows.get(key) ?? null);
  }
  const prefix = `${current}:`;
  const values = await cache.getMany(
    keys.map((key) => prefix + key),
    async (missing) => {
      const rows = await load(missing.map((k) => k.slice(prefix.length)));
      return new Map([...rows].map(([key, row]) => [prefix + key, row]));
    },
  );
  return values;
}

/**
 * rowLoader through the cache path: per-request DataLoader (batch + dedupe) -> L1 -> L2
 * (one MGET) -> `fetch` for the rest (one query), filling L2 and L1 on the way back.
 */
export function cachedRowLoader<R>(
  cache: EntityCache<R>,
  fetch: (keys: string[]) => Promise<R[]>,
  keyOf: (row: R) => string,
  options: CachedLoaderOptions<R> = {},
): DataLoader<string, R | null> {
  return new DataLoader<string, R | null>(async (keys) => {
    const valid = options.isValidKey ? keys.filter(options.isValidKey) : [...keys];
    const values = await throughCache(
      cache,
      valid,
      async (missing) => new Map((await fetch(missing)).map((row) => [keyOf(row), row])),
      options.generation,
    );
    if (options.tags) for (const value of values) if (value !== null) options.tags.sink.add(options.tags.of(value));
    const byKey = new Map(valid.map((key, i) => [key, values[i] ?? null]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** childrenLoader through the cache path: a parent's whole child list is one cache entry. */
export function cachedChildrenLoader<R>(
  cache: EntityCache<R[]>,
  fetch: (keys: string[]) => Promise<R[]>,
  parentKeyOf: (row: R) => string,
  options: CachedLoaderOptions<R> = {},
): DataLoader<string, R[]> {
  return new DataLoader<string, R[]>(async (keys) => {
    const valid = options.isValidKey ? keys.filter(options.isValidKey) : [...keys];
    const lists = await throughCache(
      cache,
      valid,
      async (missing) => {
        const groups = new Map<string, R[]>(missing.map((key) => [key, []]));
        for (const row of await fetch(missing)) groups.get(parentKeyOf(row))?.push(row);
        return groups;
      },
      options.generation,
    );
    if (options.tags) for (const list of lists) for (const row of list ?? []) options.tags.sink.add(options.tags.of(row));
    const byKey = new Map(valid.map((key, i) => [key, lists[i] ?? []]));
    return keys.map((key) => byKey.get(key) ?? []);
  });
}

/**
 * A per-request loader of computed values (a listing page, a count, an aggregate) through
 * the cache path. `compute` gets the keys nothing cached and answers a value for each.
 */
export function cachedValueLoader<K, V>(
  cache: EntityCache<V>,
  keyOf: (key: K) => string,
  compute: (keys: readonly K[]) => Promise<V[]>,
  options: { generation?: CacheGeneration; tags?: LoaderTagging<V> } = {},
): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>(
    async (keys) => {
      const byString = new Map(keys.map((key) => [keyOf(key), key]));
      const strings = [...byString.keys()];
      const values = await throughCache(
        cache,
        strings,
        async (missing) => {
          const computed = await compute(missing.map((s) => byString.get(s)!));
          return new Map(missing.map((s, i) => [s, computed[i]!]));
        },
        options.generation,
      );
      if (options.tags) for (const value of values) if (value !== null) options.tags.sink.add(options.tags.of(value));
      const byKey = new Map(strings.map((s, i) => [s, values[i]!]));
      return keys.map((key) => byKey.get(keyOf(key))!);
    },
    { cacheKeyFn: keyOf },
  );
}
