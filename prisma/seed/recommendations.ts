// The recommendation subgraph's tables, consistent with the catalogue and orders just
// written: its product facts projection (through the same SQL functions its event consumers
// call), the purchase log, each signed-in customer's history with each product, and a full
// rebuild owed to its refresh job, which computes the rules and lists when the subgraph starts.
import type pg from 'pg';

export interface RecommendationCounts {
  recoProductFacts: number;
  recoPurchases: number;
  recoCustomerSignals: number;
}

/** The staging table CustomerInteractions writes to; dropped when the seed's transaction ends. */
export async function createInteractionStaging(client: pg.ClientBase): Promise<void> {
  await client.query(
    'CREATE TEMPORARY TABLE seed_interaction (customer_id uuid NOT NULL, product_id uuid NOT NULL, kind text NOT NULL, at timestamptz NOT NULL) ON COMMIT DROP',
  );
}

export async function fillRecommendationTables(client: pg.ClientBase, now: Date): Promise<RecommendationCounts> {
  // Facts as a product.changed event would carry them: the category with its ancestors (leaf first), the
  // search projection's attribute pairs, the lowest price; stock as inventory's events would say it.
  await client.query(
    `SELECT count(*) FROM reco.upsert_product_facts((
       SELECT jsonb_agg(jsonb_build_object(
         'productId', p.id, 'categoryIds', anc.ids, 'categoryNames', anc.names, 'categoryPath', c.path,
         'brandId', p.brand_id, 'price', p.min_price, 'currency', p.currency, 'attributes', s.attributes,
         'active', p.status = 'ACTIVE', 'at', p.updated_at))
       FROM catalog.product p
       JOIN catalog.category c ON c.id = p.category_id
       JOIN catalog.product_search s ON s.product_id = p.id
       CROSS JOIN LATERAL (
         SELECT array_agg(a.id ORDER BY a.depth DESC) AS ids, array_agg(a.name ORDER BY a.depth DESC) AS names
         FROM catalog.category a WHERE c.path = a.path OR c.path LIKE a.path || '/%') anc))`,
  );
  await client.query(
    `SELECT count(*) FROM (SELECT array_agg(id ORDER BY id) AS ids, array_agg(in_stock ORDER BY id) AS stock FROM catalog.product) p,
       reco.set_product_stock(p.ids, p.stock, $1)`,
    [now.toISOString()],
  );
  // Cancelled orders never became purchases (as in the daily signals).
  await client.query(
    `INSERT INTO reco.purchase (order_id, product_id, customer_id, quantity, purchased_at)
     SELECT o.id, l.product_id, o.customer_id, sum(l.quantity), o.placed_at
     FROM ordering."order" o JOIN ordering.order_line l ON l.order_id = o.id
     WHERE o.status <> 'CANCELLED'
     GROUP BY o.id, l.product_id`,
  );
  await client.query(
    `INSERT INTO reco.customer_product_signal (customer_id, product_id, views, cart_adds, purchases, last_viewed_at, last_cart_add_at, last_purchased_at)
     SELECT customer_id, product_id, sum(views), sum(cart_adds), sum(purchases), max(viewed), max(carted), max(purchased)
     FROM (
       SELECT customer_id, product_id, count(*) FILTER (WHERE kind = 'view') AS views, count(*) FILTER (WHERE kind = 'cart') AS cart_adds,
              0 AS purchases, max(at) FILTER (WHERE kind = 'view') AS viewed, max(at) FILTER (WHERE kind = 'cart') AS carted, NULL::timestamptz AS purchased
       FROM seed_interaction GROUP BY customer_id, product_id
       UNION ALL
       SELECT customer_id, product_id, 0, 0, sum(quantity), NULL, NULL, max(purchased_at) FROM reco.purchase GROUP BY customer_id, product_id
     ) history
     GROUP BY customer_id, product_id`,
  );
  await client.query(
    `INSERT INTO reco.refresh_state (name, requested_at) VALUES ('full', $1)
     ON CONFLICT (name) DO UPDATE SET requested_at = EXCLUDED.requested_at`,
    [now.toISOString()],
  );
  const { rows } = await client.query<{ facts: string; purchases: string; signals: string }>(
    `SELECT (SELECT count(*) FROM reco.product_facts) AS facts, (SELECT count(*) FROM reco.purchase) AS purchases,
            (SELECT count(*) FROM reco.customer_product_signal) AS signals`,
  );
  const counts = rows[0]!;
  return { recoProductFacts: Number(counts.facts), recoPurchases: Number(counts.purchases), recoCustomerSignals: Number(counts.signals) };
}
