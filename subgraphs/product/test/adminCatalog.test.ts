import { describe, expect, it } from 'vitest';
import { eventually, testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createProductSubgraph } from '../src/server.js';

/**
 * The admin catalog mutations against the real database and the real event relay: input
 * checks that change nothing, one transaction with its outbox events, snapshots on
 * product.changed, read-your-writes, search following the events, scheduled prices.
 */
const subgraph = useTestSubgraph(createProductSubgraph, { redis: true });
const { sql, one } = subgraph;
const admin = testIdentities.admin(['catalog'], 'admin-7');
const asAdmin = (query: string, variables?: Record<string, unknown>) => subgraph.gqlAs(admin, query, variables);

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id status slug priceRange { min { amount } max { amount } } variants { id sku name price { amount } } } }`;
const PRODUCT = `query($id: ID!) { product(id: $id) { id name status priceRange { min { amount } } variants { id price { amount } } } }`;
const codes = (res: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) => (res.errors ?? []).map((e) => e.extensions?.code);
const fields = (res: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) =>
  ((res.errors?.[0]?.extensions?.fieldErrors ?? []) as Array<{ field: string }>).map((f) => f.field);

let counter = 0;
async function newProductInput(overrides: Record<string, unknown> = {}) {
  const n = `${process.pid}-${++counter}`;
  const brand = await one<{ id: string }>(`SELECT id::text FROM catalog.brand ORDER BY slug LIMIT 1`);
  const category = await one<{ id: string }>(`SELECT id::text FROM catalog.category WHERE depth = 2 ORDER BY path LIMIT 1`);
  return {
    sku: `ADM-${n}`,
    slug: `admin-lantern-${n}`,
    name: `Quasarlight lantern ${n}`,
    description: 'A lantern made by the admin tests.',
    brandId: brand.id,
    categoryId: category.id,
    currency: 'USD',
    attributes: [{ name: 'material', value: 'Brass' }],
    variants: [
      { sku: `ADM-${n}-S`, options: [{ name: 'size', value: 'S' }], price: '19.99' },
      { sku: `ADM-${n}-L`, options: [{ name: 'size', value: 'L' }], price: '29.50' },
    ],
    ...overrides,
  };
}

async function outboxOf(productId: string) {
  return sql<{ topic: string; payload: Record<string, any>; actor: string }>(
    `SELECT topic, payload, actor FROM catalog.outbox_event WHERE aggregate_id = $1 ORDER BY position`,
    productId,
  );
}

async function catalogCounts() {
  return one<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM catalog.product) AS products, (SELECT count(*)::int FROM catalog.product_variant) AS variants,
            (SELECT count(*)::int FROM catalog.price_change) AS prices, (SELECT count(*)::int FROM catalog.category) AS categories,
            (SELECT count(*)::int FROM catalog.outbox_event) AS events, (SELECT count(*)::int FROM catalog.scheduled_price) AS schedules`,
  );
}

describe('products', () => {
  it('creates a DRAFT with its variants and first prices, invisible to shoppers, with a product.changed snapshot', async () => {
    const input = await newProductInput();
    const res = await asAdmin(CREATE, { input });
    expect(res.errors).toBeUndefined();
    const created = res.data!.createProduct;
    expect(created).toMatchObject({ status: 'DRAFT', slug: input.slug, priceRange: { min: { amount: '19.99' }, max: { amount: '29.50' } } });
    expect(created.variants.map((v: { name: string }) => v.name)).toEqual(['S', 'L']);
    expect(codes(await subgraph.gql(PRODUCT, { id: created.id }))).toEqual(['NOT_FOUND']);

    const history = await sql<{ old_price: string | null; new_price: string; changed_by: string }>(
      `SELECT old_price::text, new_price::text, changed_by FROM catalog.price_change WHERE product_id = $1::uuid ORDER BY new_price`,
      created.id,
    );
    expect(history).toEqual([
      { old_price: null, new_price: '19.99', changed_by: 'admin-7' },
      { old_price: null, new_price: '29.50', changed_by: 'admin-7' },
    ]);
    const [event] = await outboxOf(created.id);
    expect(event).toMatchObject({ topic: 'product.changed', actor: 'admin-7', payload: { productId: created.id, change: 'created' } });
    const category = await one<{ path: string; parent_id: string }>(`SELECT path, parent_id::text FROM catalog.category WHERE id = $1::uuid`, input.categoryId);
    expect(event!.payload.product).toMatchObject({
      status: 'DRAFT',
      brandId: input.brandId,
      minPrice: '19.99',
      currency: 'USD',
      categoryPath: category.path,
      attributes: { material: 'Brass' },
    });
    // Leaf first, then its ancestors up to the root.
    expect(event!.payload.product.categoryIds.slice(0, 2)).toEqual([input.categoryId, category.parent_id]);
    expect(event!.payload.product.categoryIds).toHaveLength(3);
    // The variants (id, SKU) in position order: inventory creates its items from them.
    expect(event!.payload.product.variants).toEqual(created.variants.map((v: { id: string; sku: string }) => ({ id: v.id, sku: v.sku })));
    expect(event!.payload.product.variants).toHaveLength(2);
  });

  it('publishes: the product reads back at once and search finds it once the event is applied', async () => {
    const input = await newProductInput();
    const { id } = (await asAdmin(CREATE, { input })).data!.createProduct;
    const word = input.name.split(' ')[0]!;
    const SEARCH = `query($q: String!) { search(query: $q, first: 50) { edges { node { id } } } }`;
    // Cached empty answer first, so freshness needs the event to retire it.
    expect((await subgraph.gql(SEARCH, { q: word })).data!.search.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(id);

    const published = await asAdmin(`mutation($id: ID!) { publishProduct(id: $id) { id status } }`, { id });
    expect(published.data!.publishProduct.status).toBe('ACTIVE');
    expect((await subgraph.gql(PRODUCT, { id })).data!.product).toMatchObject({ id, status: 'ACTIVE' });
    await eventually(async () => {
      const found = await subgraph.gql(SEARCH, { q: word });
      return found.data!.search.edges.some((e: { node: { id: string } }) => e.node.id === id);
    }, 'search to find the published product');

    const renamed = await asAdmin(`mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { name } }`, {
      id,
      input: { name: `Zephyrglow lamp ${counter}` },
    });
    expect(renamed.data!.updateProduct.name).toBe(`Zephyrglow lamp ${counter}`);
    expect((await subgraph.gql(PRODUCT, { id })).data!.product.name).toBe(`Zephyrglow lamp ${counter}`);
    await eventually(async () => (await subgraph.gql(SEARCH, { q: 'Zephyrglow' })).data!.search.edges.some((e: { node: { id: string } }) => e.node.id === id), 'search to follow the rename');

    const archived = await asAdmin(`mutation($id: ID!) { archiveProduct(id: $id) { status } }`, { id });
    expect(archived.data!.archiveProduct.status).toBe('ARCHIVED');
    await eventually(async () => !(await subgraph.gql(SEARCH, { q: 'Zephyrglow' })).data!.search.edges.some((e: { node: { id: string } }) => e.node.id === id), 'search to drop the archived product');
    expect((await outboxOf(id)).map((e) => e.payload.change)).toEqual(['created', 'published', 'edited', 'archived']);
    expect((await outboxOf(id)).every((e) => e.payload.product !== undefined)).toBe(true);

    // Only drafts are deleted; an archived product stays (orders refer to it).
    expect(codes(await asAdmin(`mutation($id: ID!) { deleteProduct(id: $id) }`, { id }))).toEqual(['CONFLICT']);
    const draft = (await asAdmin(CREATE, { input: await newProductInput() })).data!.createProduct;
    expect((await asAdmin(`mutation($id: ID!) { deleteProduct(id: $id) }`, { id: draft.id })).data!.deleteProduct).toBe(draft.id);
    expect(await sql(`SELECT 1 FROM catalog.product_variant WHERE product_id = $1::uuid`, draft.id)).toEqual([]);
    expect((await outboxOf(draft.id)).map((e) => e.payload.change)).toEqual(['created', 'deleted']);
  });

  it('refuses bad input with every offending field named, and changes nothing', async () => {
    const before = await catalogCounts();
    const taken = await one<{ sku: string; slug: string }>(`SELECT sku, slug FROM catalog.product ORDER BY sku LIMIT 1`);
    const good = await newProductInput();
    const bad = await asAdmin(CREATE, {
      input: { ...good, sku: 'lower case', slug: 'Bad Slug', name: 'tab\there', currency: 'usd', brandId: 'nope', variants: [{ sku: 'X-1', price: '-1' }] },
    });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(fields(bad).sort()).toEqual(['input.brandId', 'input.currency', 'input.name', 'input.sku', 'input.slug', 'input.variants.0.price'].sort());
    expect(fields(await asAdmin(CREATE, { input: { ...good, sku: taken.sku } }))).toEqual(['input.sku']);
    expect(fields(await asAdmin(CREATE, { input: { ...good, slug: taken.slug } }))).toEqual(['input.slug']);
    expect(fields(await asAdmin(CREATE, { input: { ...good, variants: [] } }))).toEqual(['input.variants']);
    // A taken variant SKU is found only after the product row would exist: the transaction rolls it back.
    const variantSku = await one<{ sku: string }>(`SELECT sku FROM catalog.product_variant ORDER BY sku LIMIT 1`);
    expect(fields(await asAdmin(CREATE, { input: { ...good, variants: [{ sku: variantSku.sku, price: '1.00' }] } }))).toEqual(['input.variants.0.sku']);
    expect(codes(await asAdmin(CREATE, { input: { ...good, categoryId: '00000000-0000-4000-8000-000000000000' } }))).toEqual(['NOT_FOUND']);
    expect(await catalogCounts()).toEqual(before);
  });
});

describe('prices', () => {
  it('setPrice records history; lowestPrice gives the lowest price of the 30 days before the current one', async () => {
    const { id, variants } = (await asAdmin(CREATE, { input: await newProductInput() })).data!.createProduct;
    await asAdmin(`mutation($id: ID!) { publishProduct(id: $id) { id } }`, { id });
    const SET = `mutation($v: ID!, $p: Decimal!) { setPrice(variantId: $v, price: $p, reason: "sale") { price { amount } } }`;
    expect((await asAdmin(SET, { v: variants[0].id, p: '9.99' })).data!.setPrice.price.amount).toBe('9.99');
    expect((await asAdmin(SET, { v: variants[0].id, p: '24.00' })).data!.setPrice.price.amount).toBe('24.00');
    const read = await asAdmin(
      `query($id: ID!) { product(id: $id) { lowestPrice(days: 30) { amount } priceRange { min { amount } }
         priceHistory(first: 10) { variantId oldPrice newPrice changedBy reason } variants { lowestPrice { amount } } } }`,
      { id },
    );
    expect(read.errors).toBeUndefined();
    const p = read.data!.product;
    expect(p.priceRange.min.amount).toBe('24.00');
    // Variant S: 19.99, 9.99, now 24.00 -> 9.99 before it; variant L: only ever 29.50.
    expect(p.variants.map((v: { lowestPrice: { amount: string } }) => v.lowestPrice.amount)).toEqual(['9.99', '29.50']);
    expect(p.lowestPrice.amount).toBe('9.99');
    expect(p.priceHistory.slice(0, 2)).toEqual([
      { variantId: variants[0].id, oldPrice: '9.99', newPrice: '24.00', changedBy: 'admin-7', reason: 'sale' },
      { variantId: variants[0].id, oldPrice: '19.99', newPrice: '9.99', changedBy: 'admin-7', reason: 'sale' },
    ]);
    // Who changed a price is for admins: a shopper asking is refused that field.
    const shopper = await subgraph.gql(`query($id: ID!) { product(id: $id) { priceHistory { newPrice changedBy } } }`, { id });
    expect(codes(shopper)).toContain('UNAUTHENTICATED');
    const [event] = (await outboxOf(id)).filter((e) => e.topic === 'product.price_changed');
    expect(event!.payload).toMatchObject({ variantId: variants[0].id, oldPrice: '19.99', newPrice: '9.99' });
  });

  it('a scheduled price is in effect inside its window, refuses overlaps, and cancelling ends it', async () => {
    const { id, variants } = (await asAdmin(CREATE, { input: await newProductInput() })).data!.createProduct;
    await asAdmin(`mutation($id: ID!) { publishProduct(id: $id) { id } }`, { id });
    const SCHEDULE = `mutation($input: SchedulePriceInput!) { schedulePrice(input: $input) { id price { amount } startsAt endsAt } }`;
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    // Opens now (a start in the past starts now), closes in an hour.
    const open = await asAdmin(SCHEDULE, { input: { variantId: variants[1].id, price: '5.00', startsAt: '2020-01-01T00:00:00Z', endsAt: inAnHour, reason: 'flash' } });
    expect(open.errors).toBeUndefined();
    expect(Date.parse(open.data!.schedulePrice.startsAt)).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));
    const later = await asAdmin(SCHEDULE, { input: { variantId: variants[1].id, price: '7.00', startsAt: inAnHour, endsAt: tomorrow } });
    expect(later.errors).toBeUndefined();

    const shown = (await subgraph.gql(PRODUCT, { id })).data!.product;
    expect(shown.variants.map((v: { price: { amount: string } }) => v.price.amount)).toEqual(['19.99', '5.00']);
    expect(shown.priceRange.min.amount).toBe('5.00');
    const admins = await asAdmin(`query($id: ID!) { product(id: $id) { variants { basePrice { amount } scheduledPrices { price { amount } } } } }`, { id });
    expect(admins.data!.product.variants[1]).toEqual({ basePrice: { amount: '29.50' }, scheduledPrices: [{ price: { amount: '5.00' } }, { price: { amount: '7.00' } }] });

    const before = await catalogCounts();
    const overlap = await asAdmin(SCHEDULE, { input: { variantId: variants[1].id, price: '6.00', startsAt: inAnHour, endsAt: tomorrow } });
    expect(fields(overlap)).toEqual(['input.startsAt']);
    const backwards = await asAdmin(SCHEDULE, { input: { variantId: variants[1].id, price: '6.00', startsAt: tomorrow, endsAt: inAnHour } });
    expect(fields(backwards)).toEqual(['input.endsAt']);
    expect(await catalogCounts()).toEqual(before);

    const cancelled = await asAdmin(`mutation($id: ID!) { cancelScheduledPrice(id: $id) }`, { id: open.data!.schedulePrice.id });
    expect(cancelled.errors).toBeUndefined();
    const after = (await subgraph.gql(PRODUCT, { id })).data!.product;
    expect(after.variants.map((v: { price: { amount: string } }) => v.price.amount)).toEqual(['19.99', '29.50']);
    // What ran stays as history: the window was ended, not deleted.
    expect(await sql(`SELECT 1 FROM catalog.scheduled_price WHERE id = $1::uuid AND ends_at <= now()`, open.data!.schedulePrice.id)).toHaveLength(1);
  });
});

describe('categories', () => {
  const CREATE_CATEGORY = `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id path depth } }`;
  const MOVE = `mutation($id: ID!, $parentId: ID) { moveCategory(id: $id, parentId: $parentId) { id path depth } }`;

  it('creates, renames and moves subtrees with their paths, refuses cycles, and deletes only empty ones', async () => {
    const root = (await asAdmin(CREATE_CATEGORY, { input: { name: 'Outdoor', slug: `outdoor-${process.pid}` } })).data!.createCategory;
    const child = (await asAdmin(CREATE_CATEGORY, { input: { name: 'Lanterns', slug: 'lanterns', parentId: root.id } })).data!.createCategory;
    const grandchild = (await asAdmin(CREATE_CATEGORY, { input: { name: 'Brass', slug: 'brass', parentId: child.id } })).data!.createCategory;
    expect(grandchild).toMatchObject({ path: `outdoor-${process.pid}/lanterns/brass`, depth: 2 });
    expect(fields(await asAdmin(CREATE_CATEGORY, { input: { name: 'Again', slug: 'lanterns', parentId: root.id } }))).toEqual(['input.slug']);

    const { id: productId } = (await asAdmin(CREATE, { input: await newProductInput({ categoryId: grandchild.id }) })).data!.createProduct;
    const before = await catalogCounts();
    expect(fields(await asAdmin(MOVE, { id: root.id, parentId: grandchild.id }))).toEqual(['parentId']);
    expect(fields(await asAdmin(MOVE, { id: root.id, parentId: root.id }))).toEqual(['parentId']);
    expect(await catalogCounts()).toEqual(before);

    // Move "lanterns" (with "brass" and its product) to the roots.
    const moved = await asAdmin(MOVE, { id: child.id, parentId: null });
    expect(moved.data!.moveCategory).toMatchObject({ path: 'lanterns', depth: 0 });
    expect(await one(`SELECT path, depth FROM catalog.category WHERE id = $1::uuid`, grandchild.id)).toEqual({ path: 'lanterns/brass', depth: 1 });
    const read = await subgraph.gql(`query($path: String!) { category(path: $path) { id ancestors { id } } }`, { path: 'lanterns/brass' });
    expect(read.data!.category).toEqual({ id: grandchild.id, ancestors: [{ id: child.id }] });
    const last = (await outboxOf(productId)).at(-1)!;
    expect(last.payload).toMatchObject({ change: 'edited', product: { categoryIds: [grandchild.id, child.id], categoryNames: ['Brass', 'Lanterns'], categoryPath: 'lanterns/brass' } });

    const renamed = await asAdmin(`mutation($id: ID!) { renameCategory(id: $id, name: "Lamps", slug: "lamps") { path name } }`, { id: child.id });
    expect(renamed.data!.renameCategory).toEqual({ path: 'lamps', name: 'Lamps' });
    expect(await one(`SELECT path FROM catalog.category WHERE id = $1::uuid`, grandchild.id)).toEqual({ path: 'lamps/brass' });

    const DELETE = `mutation($id: ID!) { deleteCategory(id: $id) }`;
    expect(codes(await asAdmin(DELETE, { id: child.id }))).toEqual(['CONFLICT']);
    expect(codes(await asAdmin(DELETE, { id: grandchild.id }))).toEqual(['CONFLICT']);
    expect((await asAdmin(DELETE, { id: root.id })).data!.deleteCategory).toBe(root.id);
    const topics = await sql<{ topic: string; change: string }>(
      `SELECT topic, payload->>'change' AS change FROM catalog.outbox_event WHERE aggregate_id = $1 ORDER BY position`,
      root.id,
    );
    expect(topics).toEqual([
      { topic: 'category.changed', change: 'created' },
      { topic: 'category.changed', change: 'deleted' },
    ]);
  });
});

describe('who may', () => {
  it('refuses anonymous callers, customers and admins without the catalog scope before anything runs', async () => {
    const input = await newProductInput();
    const before = await catalogCounts();
    expect(codes(await subgraph.gql(CREATE, { input }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await subgraph.gqlAs(testIdentities.customer(), CREATE, { input }))).toEqual(['FORBIDDEN']);
    expect(codes(await subgraph.gqlAs(testIdentities.admin(['inventory', 'orders']), CREATE, { input }))).toEqual(['FORBIDDEN']);
    expect(await catalogCounts()).toEqual(before);
  });
});
