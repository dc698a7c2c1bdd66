import type { EventPayload, Prisma } from '@shopgraph/kit';

type Snapshot = NonNullable<EventPayload<'product.changed'>['product']>;

interface SnapshotRow {
  product_id: string;
  status: Snapshot['status'];
  brand_id: string;
  min_price: string;
  currency: string;
  attributes: Record<string, unknown> | null;
  path: string;
  category_ids: string[];
  category_names: string[];
  variants: Array<{ id: string; sku: string }>;
  seller_id: string | null;
}

/**
 * What `product.changed` says of each product as it is inside the writing transaction:
 * status, category leaf first then its ancestors (ids, names), the category's slug path,
 * brand, lowest price in effect (scheduled prices included: effective_min_price), currency, attributes, variants (id, SKU)
 * and the owning seller. One query for any number of products.
 */
export async function productSnapshots(tx: Prisma.TransactionClient, productIds: readonly string[]): Promise<Map<string, Snapshot>> {
  if (productIds.length === 0) return new Map();
  const rows = await tx.$queryRawUnsafe<SnapshotRow[]>(
    `SELECT p.id::text AS product_id, p.status::text AS status, p.brand_id::text AS brand_id, p.effective_min_price::text AS min_price,
            p.currency, p.attributes, c.path, p.seller_id,
            ARRAY(SELECT a.id::text FROM catalog.category a WHERE c.path = a.path OR starts_with(c.path, a.path || '/') ORDER BY a.depth DESC) AS category_ids,
            ARRAY(SELECT a.name FROM catalog.category a WHERE c.path = a.path OR starts_with(c.path, a.path || '/') ORDER BY a.depth DESC) AS category_names,
            coalesce((SELECT jsonb_agg(jsonb_build_object('id', v.id::text, 'sku', v.sku) ORDER BY v.position, v.sku)
                        FROM catalog.product_variant v WHERE v.product_id = p.id), '[]'::jsonb) AS variants
       FROM catalog.product p JOIN catalog.category c ON c.id = p.category_id
      WHERE p.id = ANY ($1::uuid[])`,
    [...productIds],
  );
  return new Map(
    rows.map((r) => [
      r.product_id,
      {
        status: r.status,
        categoryIds: r.category_ids,
        categoryNames: r.category_names,
        categoryPath: r.path,
        brandId: r.brand_id,
        minPrice: r.min_price,
        currency: r.currency.trim(),
        attributes: r.attributes && typeof r.attributes === 'object' && !Array.isArray(r.attributes) ? r.attributes : {},
        variants: r.variants,
        sellerId: r.seller_id,
      },
    ]),
  );
}

export type ProductChangeKind = EventPayload<'product.changed'>['change'];

/** product.changed events with snapshots, for products that still exist. */
export async function productChangedEvents(tx: Prisma.TransactionClient, productIds: readonly string[], change: ProductChangeKind) {
  const snapshots = await productSnapshots(tx, productIds);
  return productIds.map((productId) => ({
    topic: 'product.changed' as const,
    payload: { productId, change, ...(snapshots.has(productId) && { product: snapshots.get(productId)! }) },
  }));
}
