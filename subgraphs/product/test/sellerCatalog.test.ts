import { describe, expect, it } from 'vitest';
import { testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createProductSubgraph } from '../src/server.js';

/**
 * Sellers through the catalog admin mutations, against the real database: a seller's new
 * product is theirs (row, field and product.changed snapshot); they change it, its variants
 * and prices; another seller's product, or the shop's own, is FORBIDDEN and stays as it was;
 * categories and brands stay the admins'.
 */
const subgraph = useTestSubgraph(createProductSubgraph);
const { sql, one } = subgraph;
const admin = testIdentities.admin(['catalog'], 'admin-7');
const alice = testIdentities.seller('seller-alice');
const bob = testIdentities.seller('seller-bob');

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id status sellerId variants { id sku } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id name } }`;
const SET_PRICE = `mutation($variantId: ID!, $price: Decimal!) { setPrice(variantId: $variantId, price: $price) { id price { amount } } }`;
const PUBLISH = `mutation($id: ID!) { publishProduct(id: $id) { id status } }`;
const UPDATE_VARIANT = `mutation($id: ID!, $input: UpdateVariantInput!) { updateVariant(id: $id, input: $input) { id name } }`;
const codes = (res: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) => (res.errors ?? []).map((e) => e.extensions?.code);

let counter = 0;
async function productInput() {
  const n = `${process.pid}-${++counter}`;
  const brand = await one<{ id: string }>(`SELECT id::text FROM catalog.brand ORDER BY slug LIMIT 1`);
  const category = await one<{ id: string }>(`SELECT id::text FROM catalog.category WHERE depth = 2 ORDER BY path LIMIT 1`);
  return {
    sku: `SEL-${n}`,
    slug: `seller-kettle-${n}`,
    name: `Seller kettle ${n}`,
    brandId: brand.id,
    categoryId: category.id,
    currency: 'EUR',
    variants: [{ sku: `SEL-${n}-A`, price: '12.00' }],
  };
}

async function state(productId: string) {
  return one<{ name: string; status: string; prices: string[]; events: number }>(
    `SELECT p.name, p.status::text,
            ARRAY(SELECT v.price::text FROM catalog.product_variant v WHERE v.product_id = p.id ORDER BY v.sku) AS prices,
            (SELECT count(*)::int FROM catalog.outbox_event o WHERE o.aggregate_id = p.id::text) AS events
       FROM catalog.product p WHERE p.id = $1::uuid`,
    productId,
  );
}

describe('sellers in the catalog', () => {
  it("owns what they create, and the product.changed snapshot says so; an admin's product is the shop's", async () => {
    const res = await subgraph.gqlAs(alice, CREATE, { input: await productInput() });
    expect(res.errors).toBeUndefined();
    const created = res.data!.createProduct;
    expect(created).toMatchObject({ status: 'DRAFT', sellerId: 'seller-alice' });
    expect(await one(`SELECT seller_id FROM catalog.product WHERE id = $1::uuid`, created.id)).toEqual({ seller_id: 'seller-alice' });
    const [event] = await sql<{ payload: { product: { sellerId: string | null } } }>(
      `SELECT payload FROM catalog.outbox_event WHERE aggregate_id = $1 ORDER BY position`,
      created.id,
    );
    expect(event!.payload.product.sellerId).toBe('seller-alice');

    const shops = await subgraph.gqlAs(admin, CREATE, { input: await productInput() });
    expect(shops.data!.createProduct.sellerId).toBeNull();
  });

  it('changes their own product, its variants and prices', async () => {
    const created = (await subgraph.gqlAs(alice, CREATE, { input: await productInput() })).data!.createProduct;
    const variantId = created.variants[0].id;
    expect((await subgraph.gqlAs(alice, UPDATE, { id: created.id, input: { name: 'Renamed by Alice' } })).data?.updateProduct.name).toBe('Renamed by Alice');
    expect((await subgraph.gqlAs(alice, SET_PRICE, { variantId, price: '14.50' })).data?.setPrice.price.amount).toBe('14.50');
    expect((await subgraph.gqlAs(alice, UPDATE_VARIANT, { id: variantId, input: { name: 'Big' } })).data?.updateVariant.name).toBe('Big');
    expect((await subgraph.gqlAs(alice, PUBLISH, { id: created.id })).data?.publishProduct.status).toBe('ACTIVE');
  });

  it("refuses another seller's product, and the shop's own, with FORBIDDEN, changing nothing; an admin changes any", async () => {
    const alices = (await subgraph.gqlAs(alice, CREATE, { input: await productInput() })).data!.createProduct;
    const shops = (await subgraph.gqlAs(admin, CREATE, { input: await productInput() })).data!.createProduct;
    for (const product of [alices, shops]) {
      const before = await state(product.id);
      const variantId = product.variants[0].id;
      const attempts = [
        await subgraph.gqlAs(bob, UPDATE, { id: product.id, input: { name: 'Taken by Bob' } }),
        await subgraph.gqlAs(bob, SET_PRICE, { variantId, price: '0.01' }),
        await subgraph.gqlAs(bob, UPDATE_VARIANT, { id: variantId, input: { name: 'Bob' } }),
        await subgraph.gqlAs(bob, PUBLISH, { id: product.id }),
        await subgraph.gqlAs(bob, `mutation($id: ID!) { deleteProduct(id: $id) }`, { id: product.id }),
        await subgraph.gqlAs(bob, `mutation($productId: ID!, $sku: String!) { createVariant(productId: $productId, input: { sku: $sku, price: "1.00" }) { id } }`, {
          productId: product.id,
          sku: `SEL-BOB-${++counter}`,
        }),
      ];
      expect(attempts.map((a) => codes(a))).toEqual(attempts.map(() => ['FORBIDDEN']));
      expect(await state(product.id)).toEqual(before);
    }
    expect((await subgraph.gqlAs(admin, UPDATE, { id: alices.id, input: { name: 'Fixed by the shop' } })).data?.updateProduct.name).toBe('Fixed by the shop');
  });

  it('leaves categories and brands to the admins', async () => {
    const res = await subgraph.gqlAs(alice, `mutation { createBrand(input: { name: "Alice Co", slug: "alice-co" }) { id } }`);
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(await one(`SELECT count(*)::int AS n FROM catalog.brand WHERE slug = 'alice-co'`)).toEqual({ n: 0 });
  });
});
