import type { SubgraphUnderTest } from '@shopgraph/kit/testing';
import type { ProductSubgraph } from '../src/server.js';

/** A few products every relevance assertion can name, added on top of the seeded demo store. */
export interface FixtureProduct {
  key: string;
  name: string;
  description: string;
  brand: 'Apple' | 'Adidas' | 'Lumière';
  category: 'phone' | 'shoes' | 'lamp';
  price: string;
  inStock: boolean;
  createdAt?: string;
}

export const FIXTURES: FixtureProduct[] = [
  { key: 'iphone', name: 'Apple iPhone 15 Pro', description: 'A titanium phone with a pro camera system.', brand: 'Apple', category: 'phone', price: '999.00', inStock: true },
  { key: 'iphoneCase', name: 'iPhone 15 Silicone Case', description: 'A soft-touch case made for the iPhone 15 and iPhone 15 Pro.', brand: 'Apple', category: 'phone', price: '49.00', inStock: true },
  { key: 'samba', name: 'Adidas Samba OG Trainers', description: 'Classic indoor trainers with a gum sole.', brand: 'Adidas', category: 'shoes', price: '100.00', inStock: true },
  { key: 'ultraboost', name: 'Adidas Ultraboost Running Shoes', description: 'Responsive running shoes for long distances.', brand: 'Adidas', category: 'shoes', price: '180.00', inStock: false },
  // Exact name match: the short product must beat the one that repeats every word.
  { key: 'nimbus', name: 'Nimbus Desk Lamp', description: 'A desk lamp.', brand: 'Lumière', category: 'lamp', price: '60.00', inStock: true },
  { key: 'nimbusShade', name: 'Nimbus Desk Lamp Shade for the Nimbus Desk Lamp', description: 'Replacement shade for the Nimbus desk lamp and other desk lamps.', brand: 'Lumière', category: 'lamp', price: '20.00', inStock: true },
  // Equal text, equal everything but availability.
  { key: 'zephyrOut', name: 'Zephyr Quartz Lantern', description: 'A quartz lantern.', brand: 'Lumière', category: 'lamp', price: '75.00', inStock: false, createdAt: '2026-01-01T00:00:00Z' },
  { key: 'zephyrIn', name: 'Zephyr Quartz Lantern', description: 'A quartz lantern.', brand: 'Lumière', category: 'lamp', price: '75.00', inStock: true, createdAt: '2026-01-01T00:00:00Z' },
];

const CATEGORY_PATHS: Record<FixtureProduct['category'], string> = {
  phone: 'electronics/phone-accessories',
  shoes: 'men/shoes',
  lamp: 'home/lighting',
};

/** Inserts the fixtures with plain SQL and indexes them through the indexer, as an event would. */
export async function addFixtureCatalog(subgraph: SubgraphUnderTest): Promise<Record<string, string>> {
  const { sql } = subgraph;
  const ids: Record<string, string> = {};
  const brands: Record<string, string> = {};
  for (const brand of ['Apple', 'Adidas', 'Lumière']) {
    const [row] = await sql<{ id: string }>(
      `INSERT INTO catalog.brand (slug, name) VALUES ($1, $2) RETURNING id::text`,
      `fixture-${brand.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}`,
      brand,
    );
    brands[brand] = row!.id;
  }
  for (const [i, p] of FIXTURES.entries()) {
    const [leaf] = await sql<{ id: string }>(`SELECT id::text FROM catalog.category WHERE path LIKE $1 || '/%' ORDER BY position LIMIT 1`, CATEGORY_PATHS[p.category]);
    const [row] = await sql<{ id: string }>(
      `INSERT INTO catalog.product (sku, slug, name, description, brand_id, category_id, status, attributes, currency, min_price, max_price, in_stock, created_at)
       VALUES ($1, $2, $3, $4, $5::uuid, $6::uuid, 'ACTIVE', $7::jsonb, 'USD', $8::numeric, $8::numeric, $9, coalesce($10::timestamptz, now()))
       RETURNING id::text`,
      `FX-${i}`,
      `fixture-${p.key}`,
      p.name,
      p.description,
      brands[p.brand],
      leaf!.id,
      JSON.stringify({ material: p.category === 'lamp' ? 'Brass' : 'Mixed' }),
      p.price,
      p.inStock,
      p.createdAt ?? null,
    );
    ids[p.key] = row!.id;
    await sql(
      `INSERT INTO catalog.product_variant (product_id, sku, name, options, price, currency, in_stock) VALUES ($1::uuid, $2, 'Default', '{}', $3::numeric, 'USD', $4)`,
      row!.id,
      `FX-${i}-01`,
      p.price,
      p.inStock,
    );
  }
  await indexer(subgraph).onProductChanged(Object.values(ids).map((productId) => ({ productId })));
  return { ...ids, appleBrand: brands.Apple!, adidasBrand: brands.Adidas! };
}

export function indexer(subgraph: SubgraphUnderTest) {
  return (subgraph.running.server as ProductSubgraph).searchIndexer;
}
