import DataLoader from 'dataloader';
import type { EntityCache } from './cache/entityCache.js';

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

/**
 * rowLoader through the cache path: per-request DataLoader (batch + dedupe) -> L1 -> L2
 * (one MGET) -> `fetch` for the rest (one query), filling L2 and L1 on the way back.
 */
export function cachedRowLoader<R>(
  cache: EntityCache<R>,
  fetch: (keys: string[]) => Promise<R[]>,
  keyOf: (row: R) => string,
  options: { isValidKey?: (key: string) => boolean } = {},
): DataLoader<string, R | null> {
  return new DataLoader<string, R | null>(async (keys) => {
    const valid = options.isValidKey ? keys.filter(options.isValidKey) : [...keys];
    const values = await cache.getMany(valid, async (missing) => new Map((await fetch(missing)).map((row) => [keyOf(row), row])));
    const byKey = new Map(valid.map((key, i) => [key, values[i] ?? null]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** childrenLoader through the cache path: a parent's whole child list is one cache entry. */
export function cachedChildrenLoader<R>(
  cache: EntityCache<R[]>,
  fetch: (keys: string[]) => Promise<R[]>,
  parentKeyOf: (row: R) => string,
  options: { isValidKey?: (key: string) => boolean } = {},
): DataLoader<string, R[]> {
  return new DataLoader<string, R[]>(async (keys) => {
    const valid = options.isValidKey ? keys.filter(options.isValidKey) : [...keys];
    const lists = await cache.getMany(valid, async (missing) => {
      const groups = new Map<string, R[]>(missing.map((key) => [key, []]));
      for (const row of await fetch(missing)) groups.get(parentKeyOf(row))?.push(row);
      return groups;
    });
    const byKey = new Map(valid.map((key, i) => [key, lists[i] ?? []]));
    return keys.map((key) => byKey.get(key) ?? []);
  });
}
