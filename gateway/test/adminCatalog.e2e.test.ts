import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_HEADER, identityFor, InternalSigner, SIGNATURE_MAX_AGE_MS, type Identity } from '@shopgraph/kit';
import { eventually, sendGraphQL, TEST_INTERNAL_SIGNING_SECRET } from '@shopgraph/kit/testing';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

/**
 * The admin catalog mutations through the real gateway over HTTP: who is refused (every
 * mutation, before it runs), what an admin's write does to the rest of the supergraph
 * (response cache evicted, recommendation facts updated from the product.changed
 * snapshot), and how long a response showing a scheduled price may be cached.
 */
let stack: RunningSupergraph;
let ids: { product: string; variant: string; category: string; brand: string; slug: string };

beforeAll(async () => {
  stack = await startSupergraph({ redis: true });
  const [row] = await stack.sql<{ product: string; variant: string; category: string; brand: string; slug: string }>(
    `SELECT p.id::text AS product, v.id::text AS variant, p.category_id::text AS category, p.brand_id::text AS brand, p.slug
       FROM catalog.product p JOIN catalog.product_variant v ON v.product_id = p.id WHERE p.status = 'ACTIVE' ORDER BY p.sku, v.position LIMIT 1`,
  );
  ids = row!;
});
afterAll(async () => {
  await stack?.stop();
});

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const codesOf = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (body.errors ?? []).map((e) => e.extensions?.code);

/** Every admin mutation of the product subgraph, with well-formed arguments. */
function adminMutations(): Array<[string, string, Record<string, unknown>]> {
  const later = new Date(Date.now() + 3_600_000).toISOString();
  const product = { sku: 'SEC-1', slug: 'sec-1', name: 'Sec', brandId: ids.brand, categoryId: ids.category, currency: 'USD', variants: [{ sku: 'SEC-1-A', price: '1.00' }] };
  return [
    ['createProduct', `mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }`, { i: product }],
    ['updateProduct', `mutation($id: ID!) { updateProduct(id: $id, input: { name: "Taken over" }) { id } }`, { id: ids.product }],
    ['publishProduct', `mutation($id: ID!) { publishProduct(id: $id) { id } }`, { id: ids.product }],
    ['archiveProduct', `mutation($id: ID!) { archiveProduct(id: $id) { id } }`, { id: ids.product }],
    ['deleteProduct', `mutation($id: ID!) { deleteProduct(id: $id) }`, { id: ids.product }],
    ['createVariant', `mutation($id: ID!) { createVariant(productId: $id, input: { sku: "SEC-2", price: "1.00" }) { id } }`, { id: ids.product }],
    ['updateVariant', `mutation($id: ID!) { updateVariant(id: $id, input: { name: "x" }) { id } }`, { id: ids.variant }],
    ['setPrice', `mutation($id: ID!) { setPrice(variantId: $id, price: "0.01") { id } }`, { id: ids.variant }],
    ['schedulePrice', `mutation($id: ID!, $end: DateTime!) { schedulePrice(input: { variantId: $id, price: "0.01", startsAt: $end, endsAt: $end }) { id } }`, { id: ids.variant, end: later }],
    ['cancelScheduledPrice', `mutation($id: ID!) { cancelScheduledPrice(id: $id) }`, { id: ids.variant }],
    ['createCategory', `mutation { createCategory(input: { name: "Sec", slug: "sec" }) { id } }`, {}],
    ['renameCategory', `mutation($id: ID!) { renameCategory(id: $id, name: "Sec") { id } }`, { id: ids.category }],
    ['moveCategory', `mutation($id: ID!) { moveCategory(id: $id, parentId: null) { id } }`, { id: ids.category }],
    ['deleteCategory', `mutation($id: ID!) { deleteCategory(id: $id) }`, { id: ids.category }],
    ['createBrand', `mutation { createBrand(input: { name: "Sec", slug: "sec" }) { id } }`, {}],
  ];
}

describe('admin catalog mutations, through the gateway', () => {
  it('covers every mutation of the schema', async () => {
    const res = await sendGraphQL(stack.gatewayUrl, { query: '{ __type(name: "Mutation") { fields { name } } }' });
    const productMutations = adminMutations().map(([name]) => name);
    const all = (res.body.data!.__type.fields as Array<{ name: string }>).map((f) => f.name);
    expect(all).toEqual(expect.arrayContaining(productMutations));
  });

  it('refuses anonymous callers, customers and admins without the catalog scope, with nothing run or written', async () => {
    const customer = bearer(await testToken('CUSTOMER', { subject: 'customer-9' }));
    const otherAdmin = bearer(await testToken('ADMIN', { subject: 'admin-9', scopes: ['inventory', 'orders'] }));
    const outboxSize = async () => (await stack.sql<{ events: number }>(`SELECT count(*)::int AS events FROM catalog.outbox_event`))[0]!.events;
    const eventsBefore = await outboxSize();
    for (const [name, query, variables] of adminMutations()) {
      stack.databases.product.queries.reset();
      const anonymous = await sendGraphQL(stack.gatewayUrl, { query, variables });
      expect(codesOf(anonymous.body), `${name} anonymous`).toEqual(['UNAUTHENTICATED']);
      expect(anonymous.body.data ?? null, name).toBeNull();
      expect(codesOf((await sendGraphQL(stack.gatewayUrl, { query, variables }, customer)).body), `${name} customer`).toEqual(['FORBIDDEN']);
      expect(codesOf((await sendGraphQL(stack.gatewayUrl, { query, variables }, otherAdmin)).body), `${name} admin without catalog`).toEqual(['FORBIDDEN']);
      expect(stack.databases.product.queries.count, `${name}: SQL ran for a refused caller`).toBe(0);
    }
    expect(await outboxSize()).toBe(eventsBefore);
  });

  it("an admin's write reaches the response cache and the recommendation facts through its events", async () => {
    const admin = bearer(await testToken('ADMIN', { subject: 'admin-1', scopes: ['catalog'] }));
    const PAGE = `query($slug: String!) { product(slug: $slug) { id name } }`;
    const read = async () => (await sendGraphQL(stack.gatewayUrl, { query: PAGE, variables: { slug: ids.slug } })).body.data!.product.name as string;
    await read();
    const cached = await sendGraphQL(stack.gatewayUrl, { query: PAGE, variables: { slug: ids.slug } });
    expect(cached.headers.get('x-cache')).toBe('HIT');

    const renamed = await sendGraphQL(stack.gatewayUrl, { query: `mutation($id: ID!) { updateProduct(id: $id, input: { name: "Renamed by the admin" }) { name } }`, variables: { id: ids.product } }, admin);
    expect(renamed.body.errors).toBeUndefined();
    await eventually(async () => (await read()) === 'Renamed by the admin', 'the cached page to be evicted by product.changed');

    // The recommendation subgraph keeps its own product facts from the snapshot: move the product's category.
    const [leaf] = await stack.sql<{ id: string; path: string }>(`SELECT id::text, path FROM catalog.category WHERE depth = 2 AND id <> $1::uuid ORDER BY path LIMIT 1`, ids.category);
    const moved = await sendGraphQL(stack.gatewayUrl, { query: `mutation($id: ID!, $c: ID!) { updateProduct(id: $id, input: { categoryId: $c }) { category { id } } }`, variables: { id: ids.product, c: leaf!.id } }, admin);
    expect(moved.body.data!.updateProduct.category.id).toBe(leaf!.id);
    await eventually(async () => {
      const [facts] = await stack.sql<{ category_path: string }>(`SELECT category_path FROM reco.product_facts WHERE product_id = $1::uuid`, ids.product);
      return facts?.category_path === leaf!.path;
    }, 'the recommendation facts to follow the snapshot');
  });

  it('a product created and published by an admin lands in the recommendation facts, and a catalog availability flip is consumed too', async () => {
    const admin = bearer(await testToken('ADMIN', { subject: 'admin-1', scopes: ['catalog', 'inventory'] }));
    const [category] = await stack.sql<{ id: string; path: string; ids: string[] }>(
      `SELECT c.id::text, c.path, ARRAY(SELECT a.id::text FROM catalog.category a WHERE c.path = a.path OR starts_with(c.path, a.path || '/') ORDER BY a.depth DESC) AS ids
         FROM catalog.category c WHERE c.depth = 2 ORDER BY c.path DESC LIMIT 1`,
    );
    const input = {
      sku: 'RECO-NEW-1',
      slug: 'reco-new-1',
      name: 'Fresh in the catalog',
      brandId: ids.brand,
      categoryId: category!.id,
      currency: 'USD',
      attributes: [{ name: 'finish', value: 'matte' }],
      variants: [
        { sku: 'RECO-NEW-1-A', price: '31.50' },
        { sku: 'RECO-NEW-1-B', price: '12.25' },
      ],
    };
    const created = await sendGraphQL(stack.gatewayUrl, { query: `mutation($i: CreateProductInput!) { createProduct(input: $i) { id status } }`, variables: { i: input } }, admin);
    expect(created.body.errors).toBeUndefined();
    const productId = created.body.data!.createProduct.id as string;
    const factsOf = async () =>
      (
        await stack.sql<{ active: boolean; in_stock: boolean; category_id: string; category_ids: string[]; category_path: string; brand_id: string; price: string; currency: string; attributes: string[] }>(
          `SELECT active, in_stock, category_id::text, category_ids::text[], category_path, brand_id::text, price::text, currency, attributes FROM reco.product_facts WHERE product_id = $1::uuid`,
          productId,
        )
      )[0];
    // The DRAFT is known (inactive) with its facts from the 'created' snapshot.
    await eventually(async () => (await factsOf()) !== undefined, "reco to apply product.changed 'created'");
    expect(await factsOf()).toMatchObject({ active: false, category_id: category!.id, category_ids: category!.ids, brand_id: ids.brand, price: '12.25', currency: 'USD' });

    const published = await sendGraphQL(stack.gatewayUrl, { query: `mutation($id: ID!) { publishProduct(id: $id) { status } }`, variables: { id: productId } }, admin);
    expect(published.body.data!.publishProduct.status).toBe('ACTIVE');
    await eventually(async () => (await factsOf())?.active === true, "reco to apply product.changed 'published'");
    expect(await factsOf()).toMatchObject({
      active: true,
      in_stock: false,
      category_id: category!.id,
      category_path: category!.path,
      brand_id: ids.brand,
      price: '12.25',
      attributes: ['finish=matte'],
    });

    // A product coming back in stock: inventory.stock_changed says so, and the catalog's own
    // flip (product.changed 'availability', no snapshot) is consumed, not dead-lettered.
    // (A seeded sold-out product; stocking a new product's SKUs is newSkuStock.e2e.test.ts.)
    const [soldOut] = await stack.sql<{ product: string; sku: string; code: string; version: number }>(
      `SELECT i.product_id::text AS product, l.sku, w.code, l.version FROM inventory.stock_level l JOIN inventory.inventory_item i ON i.sku = l.sku
         JOIN inventory.warehouse w ON w.id = l.warehouse_id JOIN catalog.product p ON p.id = i.product_id
        WHERE p.status = 'ACTIVE' AND NOT p.in_stock ORDER BY l.sku, w.code LIMIT 1`,
    );
    expect(soldOut, 'the seed has an active product out of stock').toBeDefined();
    const stocked = await sendGraphQL(
      stack.gatewayUrl,
      { query: `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { available } }`, variables: { i: { sku: soldOut!.sku, warehouse: soldOut!.code, delta: 5, expectedVersion: soldOut!.version, reason: 'received' } } },
      admin,
    );
    expect(stocked.body.errors).toBeUndefined();
    const availability = async () =>
      (
        await stack.sql<{ id: string }>(
          `SELECT event_id::text AS id FROM catalog.outbox_event WHERE topic = 'product.changed' AND payload->>'productId' = $1 AND payload->>'change' = 'availability'`,
          soldOut!.product,
        )
      )[0]?.id;
    await eventually(async () => (await availability()) !== undefined, "the catalog to record product.changed 'availability'");
    await eventually(
      async () => (await stack.sql(`SELECT 1 FROM reco.processed_event WHERE event_id = $1::uuid`, await availability())).length === 1,
      "reco to consume product.changed 'availability'",
    );
    await eventually(async () => (await stack.sql<{ in_stock: boolean }>(`SELECT in_stock FROM reco.product_facts WHERE product_id = $1::uuid`, soldOut!.product))[0]?.in_stock === true, 'reco to apply inventory.stock_changed');
    const letters = await stack.deps.recommendation.events.deadLetters('recommendation.signals');
    expect(letters.map((l) => `${l.topic}: ${l.error}`)).toEqual([]);
  });

  it('caches a response showing a scheduled price no longer than until the window ends', async () => {
    const admin = bearer(await testToken('ADMIN', { scopes: ['catalog'] }));
    const endsAt = new Date(Date.now() + 20_000).toISOString();
    const scheduled = await sendGraphQL(
      stack.gatewayUrl,
      { query: `mutation($v: ID!, $end: DateTime!) { schedulePrice(input: { variantId: $v, price: "0.50", startsAt: "2020-01-01T00:00:00Z", endsAt: $end }) { id } }`, variables: { v: ids.variant, end: endsAt } },
      admin,
    );
    expect(scheduled.body.errors).toBeUndefined();
    const PRICE = `query($slug: String!) { product(slug: $slug) { variants { id price { amount } } } }`;
    const res = await sendGraphQL(stack.gatewayUrl, { query: PRICE, variables: { slug: ids.slug } });
    expect(res.headers.get('x-cache')).toBe('MISS');
    expect((res.body.data!.product.variants as Array<{ id: string; price: { amount: string } }>).find((v) => v.id === ids.variant)!.price.amount).toBe('0.50');
    // Without the window the page may be shared for 30 s; with it, at most until it ends (20 s).
    const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeLessThanOrEqual(20);
  });
});

describe('admin mutations at the limits and around the gateway', () => {
  const brandCount = async () => (await stack.sql<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.brand`))[0]!.n;

  it('refuses an admin mutation with 500 aliases, or selecting 30 levels deep, before any subgraph runs it', async () => {
    const admin = bearer(await testToken('ADMIN', { scopes: ['catalog'] }));
    const before = await brandCount();
    const aliases = `mutation { ${Array.from({ length: 500 }, (_, i) => `b${i}: createBrand(input: { name: "Flood ${i}", slug: "flood-${i}" }) { id }`).join(' ')} }`;
    stack.resetCounters();
    const flood = await sendGraphQL(stack.gatewayUrl, { query: aliases }, admin);
    expect(flood.status).toBe(400);
    expect(codesOf(flood.body)).toEqual(['TOO_MANY_ALIASES']);
    const deep = `mutation { createCategory(input: { name: "Deep", slug: "deep" }) { ${'parent { '.repeat(29)}id${' }'.repeat(29)} } }`;
    const tooDeep = await sendGraphQL(stack.gatewayUrl, { query: deep }, admin);
    expect(tooDeep.status).toBe(400);
    expect(codesOf(tooDeep.body)).toEqual(['QUERY_TOO_DEEP']);
    expect(stack.subgraphRequests).toEqual({});
    expect(await brandCount()).toBe(before);
    expect(await stack.sql(`SELECT 1 FROM catalog.category WHERE slug = 'deep'`)).toEqual([]);
  });

  it('at the product subgraph port, an admin mutation with a forged, expired or customer signature writes nothing', async () => {
    const body = JSON.stringify({ query: 'mutation { createBrand(input: { name: "Direct", slug: "direct" }) { id } }' });
    const post = (headers: Record<string, string>) =>
      fetch(stack.subgraphUrls.product, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const sign = (identity: Identity, signer: InternalSigner) => ({ [IDENTITY_HEADER]: signer.sign(identity, { method: 'POST', search: '', body }) });
    const admin = identityFor('admin-1', 'ADMIN');
    const before = await brandCount();

    expect((await post({})).status).toBe(401);
    expect((await post(sign(admin, new InternalSigner(`${TEST_INTERNAL_SIGNING_SECRET}-forged`)))).status).toBe(401);
    const stale = new InternalSigner(TEST_INTERNAL_SIGNING_SECRET, { now: () => Date.now() - SIGNATURE_MAX_AGE_MS - 1_000 });
    expect((await post(sign(admin, stale))).status).toBe(401);
    const customer = await post(sign(identityFor('customer-1', 'CUSTOMER'), new InternalSigner(TEST_INTERNAL_SIGNING_SECRET)));
    expect(((await customer.json()) as { errors: [{ extensions: { code: string } }] }).errors[0].extensions.code).toBe('FORBIDDEN');
    expect(await brandCount()).toBe(before);

    // The same request, signed as an admin by the gateway's key, is the one that writes.
    const signed = await post(sign(admin, new InternalSigner(TEST_INTERNAL_SIGNING_SECRET)));
    expect(((await signed.json()) as { data: { createBrand: { id: string } } }).data.createBrand.id).toEqual(expect.any(String));
    expect(await brandCount()).toBe(before + 1);
  });
});
