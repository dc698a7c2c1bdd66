import { describe, expect, it } from 'vitest';
import { useTestSubgraph } from '@shopgraph/kit/testing';
import { createOrderSubgraph } from '../src/server.js';

const subgraph = useTestSubgraph(createOrderSubgraph);
const { gql, sql } = subgraph;

const UNITS = `query($r: [_Any!]!, $days: Int!) { _entities(representations: $r) { ... on Product { id unitsSold(days: $days) } } }`;

describe('Product.unitsSold', () => {
  it('counts units of orders in the window, cancelled and refunded excluded, one query per batch', async () => {
    const expected = await sql<{ id: string; units: number }>(
      `SELECT l.product_id::text AS id, sum(l.quantity) FILTER (WHERE o.status NOT IN ('PENDING', 'FAILED', 'CANCELLED', 'REFUNDED') AND o.placed_at >= now() - interval '7 days')::int AS units
       FROM ordering.order_line l JOIN ordering."order" o ON o.id = l.order_id GROUP BY l.product_id ORDER BY l.product_id LIMIT 15`,
    );
    subgraph.database.queries.reset();
    const res = await gql(UNITS, { r: expected.map((p) => ({ __typename: 'Product', id: p.id })), days: 7 });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((e: any) => [e.id, e.unitsSold])).toEqual(expected.map((p) => [p.id, p.units ?? 0]));
    expect(subgraph.database.queries.count).toBe(1);
  });

  it('stops counting an order once it is cancelled', async () => {
    const [line] = await sql<{ product_id: string; order_id: string }>(
      `SELECT l.product_id::text, l.order_id::text FROM ordering.order_line l JOIN ordering."order" o ON o.id = l.order_id
       WHERE o.status = 'DELIVERED' ORDER BY o.placed_at DESC LIMIT 1`,
    );
    const before = await gql(UNITS, { r: [{ __typename: 'Product', id: line!.product_id }], days: 365 });
    const [{ qty }] = (await sql<{ qty: number }>(`SELECT sum(quantity)::int AS qty FROM ordering.order_line WHERE order_id = $1::uuid AND product_id = $2::uuid`, line!.order_id, line!.product_id)) as [{ qty: number }];
    await sql(`UPDATE ordering."order" SET status = 'CANCELLED' WHERE id = $1::uuid`, line!.order_id);
    // A raw SQL write bypasses the service that would retire cached sales figures; drop them as that would.
    subgraph.running.deps.caches.clearLocal();
    const after = await gql(UNITS, { r: [{ __typename: 'Product', id: line!.product_id }], days: 365 });
    expect(after.data!._entities[0].unitsSold).toBe(before.data!._entities[0].unitsSold - qty);
  });

  it('refuses a window outside 1-365 days', async () => {
    for (const days of [0, -3, 366]) {
      const res = await gql(UNITS, { r: [{ __typename: 'Product', id: '00000000-0000-4000-8000-000000000000' }], days });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
    }
  });
});
