import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createRecommendationParts, createRecommendationSubgraph } from '../src/server.js';

const subgraph = useTestSubgraph(createRecommendationSubgraph);
const { gql, gqlAs, sql, one } = subgraph;
let parts: ReturnType<typeof createRecommendationParts>;

const ENTITIES = `query($reps: [_Any!]!, $first: Int!) { _entities(representations: $reps) { ... on Product { id
  alsoBought(first: $first) { product { id } customers confidence lift reason { kind product { id } category } }
  frequentlyBoughtTogether { products { id } totalPrice { amount currency } confidence reason { kind product { id } } } } } }`;
const FOR_ME = `query($first: Int) { recommendedForMe(first: $first) { score product { id } reason { kind product { id } category } } }`;

interface Entity {
  id: string;
  alsoBought: { product: { id: string }; customers: number; confidence: number; lift: number; reason: { kind: string; product: { id: string } | null } }[];
  frequentlyBoughtTogether: { products: { id: string }[]; totalPrice: { amount: string; currency: string }; confidence: number; reason: { kind: string; product: { id: string } } } | null;
}

async function entities(ids: string[], first = 5): Promise<Entity[]> {
  const res = await gql(ENTITIES, { reps: ids.map((id) => ({ __typename: 'Product', id })), first });
  expect(res.errors).toBeUndefined();
  return res.data!._entities as Entity[];
}
const eligibleIds = async () =>
  new Set((await sql<{ id: string }>(`SELECT product_id::text AS id FROM reco.product_facts WHERE active AND in_stock`)).map((r) => r.id));
const event = (payload: unknown) => ({ id: randomUUID(), occurredAt: new Date().toISOString(), payload });

let anchors: string[];

beforeAll(async () => {
  parts = createRecommendationParts(subgraph.running.deps);
  await parts.refresher.run();
  anchors = (await sql<{ id: string }>(`SELECT DISTINCT product_id::text AS id FROM reco.also_bought ORDER BY 1`)).map((r) => r.id);
});

describe('Product.alsoBought', () => {
  it('answers the precomputed rules in rank order, with customers, confidence and lift, skipping what cannot be bought', async () => {
    expect(anchors.length).toBeGreaterThan(10);
    // Some rules lead to products that cannot be bought now: one sold out since the refresh.
    const [ruled] = await sql<{ id: string }>(`SELECT other_product_id::text AS id FROM reco.also_bought WHERE rank = 1 ORDER BY product_id LIMIT 1`);
    await parts.services.signals.onStockChanged(event({ productId: ruled!.id, productAvailable: 0 }));
    const skipped = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM reco.also_bought a JOIN reco.product_facts f ON f.product_id = a.other_product_id WHERE NOT (f.active AND f.in_stock)`,
    );
    expect(skipped[0]!.n).toBeGreaterThan(0);
    const answered = await entities(anchors, 5);
    for (const entity of answered) {
      const expected = await sql<{ id: string; support: number; confidence: number; lift: number }>(
        `SELECT a.other_product_id::text AS id, a.support, a.confidence, a.lift FROM reco.also_bought a
         JOIN reco.product_facts f ON f.product_id = a.other_product_id
         WHERE a.product_id = $1::uuid AND f.active AND f.in_stock ORDER BY a.rank LIMIT 5`,
        entity.id,
      );
      expect(entity.alsoBought.map((a) => [a.product.id, a.customers, a.confidence, a.lift])).toEqual(expected.map((e) => [e.id, e.support, e.confidence, e.lift]));
      for (const a of entity.alsoBought) {
        expect(a.reason).toEqual({ kind: 'BOUGHT_WITH', product: { id: entity.id }, category: null });
        expect(a.lift).toBeGreaterThan(1);
        expect(a.customers).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('never recommends the product itself, nor anything inactive or out of stock', async () => {
    const all = (await sql<{ id: string }>(`SELECT product_id::text AS id FROM reco.product_facts`)).map((r) => r.id);
    const eligible = await eligibleIds();
    let shown = 0;
    for (const entity of await entities(all, 20)) {
      for (const a of entity.alsoBought) {
        shown++;
        expect(a.product.id).not.toBe(entity.id);
        expect(eligible.has(a.product.id)).toBe(true);
      }
    }
    expect(shown).toBeGreaterThan(0);
  });

  it('stops showing a product the moment its stock event says it sold out', async () => {
    const anchor = (await entities(anchors, 5)).find((e) => e.alsoBought.length > 0)!;
    const gone = anchor.alsoBought[0]!.product.id;
    await parts.services.signals.onStockChanged(event({ productId: gone, productAvailable: 0 }));
    const [after] = await entities([anchor.id], 5);
    expect(after!.alsoBought.map((a) => a.product.id)).not.toContain(gone);
    await parts.services.signals.onStockChanged(event({ productId: gone, productAvailable: 3 }));
    expect((await entities([anchor.id], 5))[0]!.alsoBought[0]!.product.id).toBe(gone);
  });

  it('reads a batch of products with one query per table cold and none warm (the cache path)', async () => {
    subgraph.running.deps.caches.clearLocal();
    const batch = anchors.slice(0, 10);
    subgraph.database.queries.reset();
    const cold = await gql(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { alsoBought(first: 3) { product { id } } } } }`, {
      reps: batch.map((id) => ({ __typename: 'Product', id })),
    });
    expect(cold.errors).toBeUndefined();
    // The rules of the 10 products, then the facts of all their candidates.
    expect(subgraph.database.queries.count).toBe(2);
    subgraph.database.queries.reset();
    const warm = await gql(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Product { alsoBought(first: 3) { product { id } } } } }`, {
      reps: batch.map((id) => ({ __typename: 'Product', id })),
    });
    expect(warm.data).toEqual(cold.data);
    expect(subgraph.database.queries.count).toBe(0);
  });

  it('refuses first outside 1-20', async () => {
    for (const first of [0, 21]) {
      const res = await gql(ENTITIES, { reps: [{ __typename: 'Product', id: anchors[0] }], first });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
  });
});

describe('Product.frequentlyBoughtTogether', () => {
  it('bundles the product with up to two basket companions that can be bought, priced exactly', async () => {
    const withRules = (await sql<{ id: string }>(`SELECT DISTINCT product_id::text AS id FROM reco.bought_together`)).map((r) => r.id);
    const eligible = await eligibleIds();
    let bundles = 0;
    for (const entity of await entities(withRules)) {
      const bundle = entity.frequentlyBoughtTogether;
      if (!eligible.has(entity.id)) {
        expect(bundle).toBeNull();
        continue;
      }
      if (!bundle) continue;
      bundles++;
      const ids = bundle.products.map((p) => p.id);
      expect(ids[0]).toBe(entity.id);
      expect(ids.length).toBeGreaterThanOrEqual(2);
      expect(ids.length).toBeLessThanOrEqual(3);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(eligible.has(id)).toBe(true);
      // The exact sum, done by PostgreSQL in numeric.
      const [sum] = await sql<{ total: string; currency: string }>(
        `SELECT sum(price)::text AS total, min(currency) AS currency FROM reco.product_facts WHERE product_id = ANY($1::uuid[])`,
        ids,
      );
      expect(bundle.totalPrice).toEqual({ amount: sum!.total, currency: sum!.currency });
      expect(bundle.reason).toEqual({ kind: 'BOUGHT_WITH', product: { id: entity.id } });
      // Companions in rank order: the first is the anchor's best buyable rule.
      const [best] = await sql<{ id: string }>(
        `SELECT b.other_product_id::text AS id FROM reco.bought_together b JOIN reco.product_facts f ON f.product_id = b.other_product_id
         WHERE b.product_id = $1::uuid AND f.active AND f.in_stock AND f.currency = (SELECT currency FROM reco.product_facts WHERE product_id = $1::uuid)
         ORDER BY b.rank LIMIT 1`,
        entity.id,
      );
      expect(ids[1]).toBe(best!.id);
    }
    expect(bundles).toBeGreaterThan(0);
  });

  it('is null for a product nobody bought with anything, and for one that cannot be bought', async () => {
    const [lonely] = await sql<{ id: string }>(
      `SELECT product_id::text AS id FROM reco.product_facts f WHERE NOT EXISTS (SELECT 1 FROM reco.bought_together b WHERE b.product_id = f.product_id) LIMIT 1`,
    );
    expect((await entities([lonely!.id]))[0]!.frequentlyBoughtTogether).toBeNull();
    const [withBundle] = (await entities(anchors)).filter((e) => e.frequentlyBoughtTogether);
    await parts.services.signals.onStockChanged(event({ productId: withBundle!.id, productAvailable: 0 }));
    expect((await entities([withBundle!.id]))[0]!.frequentlyBoughtTogether).toBeNull();
  });
});

describe('Query.recommendedForMe', () => {
  let customer: string;
  beforeAll(async () => {
    ({ id: customer } = await one<{ id: string }>(
      `SELECT customer_id::text AS id FROM reco.customer_product_signal GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    ));
  });
  const forMe = async (who: string, first = 10) => {
    const res = await gqlAs(testIdentities.customer(who), FOR_ME, { first });
    expect(res.errors).toBeUndefined();
    return res.data!.recommendedForMe as { score: number; product: { id: string }; reason: { kind: string; product: { id: string } | null; category: string | null } }[];
  };

  it('refuses anonymous callers with UNAUTHENTICATED', async () => {
    const res = await gql(FOR_ME, { first: 5 });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data).toBeNull();
  });

  it("gives a customer with a history products like theirs, never one they bought (unless consumable) or that cannot be bought", async () => {
    const picks = await forMe(customer, 20);
    expect(picks).toHaveLength(20);
    const eligible = await eligibleIds();
    const history = await sql<{ id: string; purchases: number; consumable: boolean }>(
      `SELECT s.product_id::text AS id, s.purchases, coalesce(f.consumable, false) AS consumable FROM reco.customer_product_signal s
       LEFT JOIN reco.product_facts f ON f.product_id = s.product_id WHERE s.customer_id = $1::uuid`,
      customer,
    );
    const bought = new Set(history.filter((h) => h.purchases > 0 && !h.consumable).map((h) => h.id));
    const seen = new Set(history.map((h) => h.id));
    for (const p of picks) {
      expect(eligible.has(p.product.id)).toBe(true);
      expect(bought.has(p.product.id)).toBe(false);
      if (p.reason.kind === 'SIMILAR_TO_PURCHASED' || p.reason.kind === 'SIMILAR_TO_VIEWED') expect(seen.has(p.reason.product!.id)).toBe(true);
    }
    expect(picks[0]!.reason.kind).toMatch(/^SIMILAR_TO_/);
    // Best first.
    const scores = picks.map((p) => p.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('takes what the customer just bought out at once, before any refresh', async () => {
    const picks = await forMe(customer, 10);
    const [nonConsumable] = await sql<{ id: string }>(
      `SELECT product_id::text AS id FROM reco.product_facts WHERE NOT consumable AND product_id = ANY($1::uuid[]) LIMIT 1`,
      picks.map((p) => p.product.id),
    );
    await parts.services.signals.onOrderPlaced(
      event({ orderId: randomUUID(), customerId: customer, lines: [{ productId: nonConsumable!.id, variantId: randomUUID(), quantity: 1, unitPrice: '10.00' }] }),
    );
    const after = await forMe(customer, 10);
    expect(after.map((p) => p.product.id)).not.toContain(nonConsumable!.id);
    expect(after).toHaveLength(10);
  });

  it('starts a customer with no history on trending products', async () => {
    const picks = await forMe(randomUUID(), 5);
    const trending = await gql(`{ trending(first: 5) { product { id } } }`);
    expect(picks.map((p) => p.product.id)).toEqual(trending.data!.trending.map((t: { product: { id: string } }) => t.product.id));
    for (const p of picks) expect(p.reason).toEqual({ kind: 'TRENDING', product: null, category: null });
  });

  it('refuses first outside 1-50', async () => {
    for (const first of [0, 51]) {
      const res = await gqlAs(testIdentities.customer(customer), FOR_ME, { first });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
  });
});
