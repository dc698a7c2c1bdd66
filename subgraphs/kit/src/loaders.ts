import DataLoader from 'dataloader';

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
