import { describe, expect, it, vi } from 'vitest';
import { useTestSubgraph } from '@shopgraph/kit/testing';
import { createProductSubgraph } from '../src/server.js';

/** The catalog on the real Redis: what a batch costs cold, warm in Redis, and warm in L1. */
const subgraph = useTestSubgraph(createProductSubgraph, { redis: true });
const { gql, sql } = subgraph;

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name priceRange { min { amount } } } } }`;

describe('catalog reads through the cache path', () => {
  it('100 entity representations: one SQL query cold, one Redis round trip and no SQL warm', async () => {
    const ids = (await sql<{ id: string }>(`SELECT id::text FROM catalog.product ORDER BY sku LIMIT 100`)).map((r) => r.id);
    const r = ids.map((id) => ({ __typename: 'Product', id }));
    const redis = subgraph.running.deps.redis!;
    const mget = vi.spyOn(redis, 'mget');

    subgraph.database.queries.reset();
    const cold = await gql(ENTITIES, { r });
    expect(cold.errors).toBeUndefined();
    expect(subgraph.database.queries.count).toBe(1);
    expect(mget).toHaveBeenCalledTimes(1);

    subgraph.running.deps.caches.clearLocal(); // as another instance, or after L1's TTL
    subgraph.database.queries.reset();
    mget.mockClear();
    const warm = await gql(ENTITIES, { r });
    expect(warm.data).toEqual(cold.data);
    expect(subgraph.database.queries.count).toBe(0);
    expect(mget).toHaveBeenCalledTimes(1);

    mget.mockClear();
    await gql(ENTITIES, { r });
    expect(mget).not.toHaveBeenCalled(); // L1
    expect(subgraph.database.queries.count).toBe(0);
  });

  it('reports hits per layer, batch sizes and SQL statements per operation on /metrics', async () => {
    subgraph.running.deps.caches.clearLocal();
    await gql(`query Cold { products(first: 3) { edges { node { id brand { name } } } } }`); 
    const metrics = await (await fetch(subgraph.running.url.replace('/graphql', '/metrics'))).text();
    // The listing query and one batched brand read (count not selected): 2 statements.
    expect(metrics).toMatch(/graphql_operation_sql_queries_sum\{[^}]*operation="Cold"[^}]*\} 2\b/);
    const text = await (await fetch(subgraph.running.url.replace('/graphql', '/metrics'))).text();
    expect(text).toMatch(/cache_lookups_total\{[^}]*layer="l2"[^}]*type="product"[^}]*result="hit"[^}]*\} [1-9]/);
    expect(text).toMatch(/dataloader_batch_size_bucket\{[^}]*le="100"[^}]*type="product"[^}]*\} [1-9]/);
  });
});
