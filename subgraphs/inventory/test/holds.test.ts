import { beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, createLogger, serviceIdentity } from '@shopgraph/kit';
import { testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createInventoryCaches } from '../src/caches.js';
import { HoldService } from '../src/services/holdService.js';
import { StockExpiryJob } from '../src/services/stockExpiryJob.js';
import { createInventorySubgraph } from '../src/server.js';

const subgraph = useTestSubgraph(createInventorySubgraph);
const { sql, one } = subgraph;
const cart = serviceIdentity('cart');
const asService = (query: string, variables?: Record<string, unknown>) => subgraph.gqlAs(cart, query, variables);

const HOLD = `mutation($owner: ID!, $lines: [StockLineInput!]!, $ttl: Int) { holdStock(owner: $owner, lines: $lines, ttlSeconds: $ttl) { owner expiresAt lines { sku quantity } } }`;
const RELEASE = `mutation($owner: ID!) { releaseStock(owner: $owner, reason: "cart emptied") }`;
const COMMIT = `mutation($owner: ID!, $ref: ID!) { commitStock(owner: $owner, reference: $ref) }`;
const RETURN = `mutation($ref: ID!, $lines: [StockLineInput!]!) { returnStock(reference: $ref, lines: $lines, reason: "customer returned it") }`;

interface Level {
  warehouse: string;
  on_hand: number;
  reserved: number;
}

/** A SKU stocked in both warehouses, reset to 6 (EU-AMS) + 4 (US-NYC) with nothing held. */
let sku: string;
let sku2: string;
const levelsOf = (s: string) =>
  sql<Level>(
    `SELECT w.code AS warehouse, l.on_hand, l.reserved FROM inventory.stock_level l JOIN inventory.warehouse w ON w.id = l.warehouse_id WHERE l.sku = $1 ORDER BY w.code`,
    s,
  );
const movementSum = (s: string) =>
  one<{ on_hand: number; reserved: number; n: number }>(
    `SELECT coalesce(sum(on_hand_delta), 0)::int AS on_hand, coalesce(sum(reserved_delta), 0)::int AS reserved, count(*)::int AS n FROM inventory.stock_movement WHERE sku = $1`,
    s,
  );

beforeEach(async () => {
  const rows = await sql<{ sku: string }>(
    `SELECT sku FROM inventory.stock_level GROUP BY sku HAVING count(*) = 2 ORDER BY sku LIMIT 2`,
  );
  sku = rows[0]!.sku;
  sku2 = rows[1]!.sku;
  await sql(`DELETE FROM inventory.stock_hold`);
  await sql(`DELETE FROM inventory.stock_movement`);
  await sql(`DELETE FROM inventory.stock_settlement`);
  await sql(
    `UPDATE inventory.stock_level l SET reserved = 0, on_hand = CASE w.code WHEN 'EU-AMS' THEN 6 ELSE 4 END
     FROM inventory.warehouse w WHERE w.id = l.warehouse_id AND l.sku = ANY($1::text[])`,
    [sku, sku2],
  );
  subgraph.running.deps.caches.clearLocal();
});

describe('holdStock (service-only)', () => {
  it('sets what an owner holds to exactly the quantity, across warehouses in code order, and back down', async () => {
    const res = await asService(HOLD, { owner: 'cart:a', lines: [{ sku, quantity: 8 }] });
    expect(res.errors).toBeUndefined();
    expect(res.data!.holdStock.lines).toEqual([{ sku, quantity: 8 }]);
    expect(new Date(res.data!.holdStock.expiresAt).getTime()).toBeGreaterThan(Date.now() + 25 * 60_000);
    expect(await levelsOf(sku)).toEqual([
      { warehouse: 'EU-AMS', on_hand: 6, reserved: 6 },
      { warehouse: 'US-NYC', on_hand: 4, reserved: 2 },
    ]);
    // Down to 3: released from the last warehouse first.
    await asService(HOLD, { owner: 'cart:a', lines: [{ sku, quantity: 3 }] });
    expect((await levelsOf(sku)).map((l) => l.reserved)).toEqual([3, 0]);
    // 0 releases the SKU; the same call twice changes nothing more.
    await asService(HOLD, { owner: 'cart:a', lines: [{ sku, quantity: 0 }] });
    await asService(HOLD, { owner: 'cart:a', lines: [{ sku, quantity: 0 }] });
    expect((await levelsOf(sku)).map((l) => l.reserved)).toEqual([0, 0]);
    expect(await movementSum(sku)).toEqual({ on_hand: 0, reserved: 0, n: 5 });
    const kinds = await sql<{ kind: string; reserved_delta: number; actor: string; reference: string }>(
      `SELECT kind::text, reserved_delta, actor, reference FROM inventory.stock_movement WHERE sku = $1 ORDER BY id`,
      sku,
    );
    expect(kinds.map((k) => [k.kind, k.reserved_delta])).toEqual([
      ['RESERVE', 6],
      ['RESERVE', 2],
      ['RELEASE', -2],
      ['RELEASE', -3],
      ['RELEASE', -3],
    ]);
    expect(new Set(kinds.map((k) => `${k.actor}|${k.reference}`))).toEqual(new Set(['service cart|cart:a']));
  });

  it('records inventory.stock_changed with the SKU and product availability in the same transaction', async () => {
    const before = await one<{ n: number }>(`SELECT count(*)::int AS n FROM inventory.outbox_event WHERE topic = 'inventory.stock_changed'`);
    await asService(HOLD, { owner: 'cart:ev', lines: [{ sku, quantity: 7 }] });
    const events = await sql<{ payload: Record<string, unknown>; actor: string }>(
      `SELECT payload, actor FROM inventory.outbox_event WHERE topic = 'inventory.stock_changed' ORDER BY position OFFSET $1`,
      before.n,
    );
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.payload.skuAvailable === 3 && e.payload.reason === 'hold' && e.actor === 'service cart')).toBe(true);
    const product = await one<{ available: number }>(
      `SELECT sum(l.on_hand - l.reserved)::int AS available FROM inventory.stock_level l JOIN inventory.inventory_item i ON i.sku = l.sku
       WHERE i.product_id = (SELECT product_id FROM inventory.inventory_item WHERE sku = $1)`,
      sku,
    );
    expect(events.at(-1)!.payload.productAvailable).toBe(product.available);
  });

  it('is all or nothing: OUT_OF_STOCK names the SKU, what was asked and what is available', async () => {
    await asService(HOLD, { owner: 'cart:other', lines: [{ sku: sku2, quantity: 7 }] });
    const res = await asService(HOLD, { owner: 'cart:b', lines: [{ sku, quantity: 2 }, { sku: sku2, quantity: 4 }] });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'OUT_OF_STOCK', sku: sku2, requested: 4, available: 3 });
    expect((await levelsOf(sku)).map((l) => l.reserved)).toEqual([0, 0]);
    // What an owner already holds counts as available to it.
    await asService(HOLD, { owner: 'cart:other', lines: [{ sku: sku2, quantity: 10 }] });
    const more = await asService(HOLD, { owner: 'cart:other', lines: [{ sku: sku2, quantity: 11 }] });
    expect(more.errors?.[0]?.extensions).toMatchObject({ code: 'OUT_OF_STOCK', requested: 11, available: 10 });
  });

  it('refuses customers, admins and anonymous callers, and names bad input', async () => {
    const vars = { owner: 'cart:x', lines: [{ sku, quantity: 1 }] };
    expect((await subgraph.gql(HOLD, vars)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await subgraph.gqlAs(testIdentities.customer(), HOLD, vars)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await subgraph.gqlAs(testIdentities.admin(), HOLD, vars)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await asService(HOLD, { owner: 'cart:x', lines: [{ sku, quantity: -1 }] })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lines.0.quantity' });
    expect((await asService(HOLD, { owner: 'cart:x', lines: [{ sku: 'NOPE-1', quantity: 1 }] })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lines.0.sku' });
    expect((await asService(HOLD, { ...vars, ttl: 1 })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ttlSeconds' });
    expect((await levelsOf(sku)).map((l) => l.reserved)).toEqual([0, 0]);
  });

  it('never oversells: 50 parallel holds of one unit on 10 units hold exactly 10', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => asService(HOLD, { owner: `cart:race-${i}`, lines: [{ sku, quantity: 1 }] })));
    const held = results.filter((r) => !r.errors);
    const refused = results.filter((r) => r.errors);
    expect(held).toHaveLength(10);
    expect(refused.every((r) => r.errors![0]!.extensions!.code === 'OUT_OF_STOCK')).toBe(true);
    expect(await levelsOf(sku)).toEqual([
      { warehouse: 'EU-AMS', on_hand: 6, reserved: 6 },
      { warehouse: 'US-NYC', on_hand: 4, reserved: 4 },
    ]);
    expect(await one(`SELECT sum(quantity)::int AS n, count(DISTINCT owner)::int AS owners FROM inventory.stock_hold WHERE sku = $1`, sku)).toEqual({ n: 10, owners: 10 });
    expect(await movementSum(sku)).toEqual({ on_hand: 0, reserved: 10, n: 10 });
  });

  it('parallel holds of several SKUs by many owners, in different orders, never deadlock or break the counts', async () => {
    const calls = Array.from({ length: 24 }, (_, i) =>
      asService(HOLD, { owner: `cart:mix-${i % 6}`, lines: i % 2 ? [{ sku, quantity: 1 + (i % 3) }, { sku: sku2, quantity: 1 }] : [{ sku: sku2, quantity: 2 }, { sku, quantity: 1 }] }),
    );
    const results = await Promise.all(calls);
    for (const r of results) if (r.errors) expect(r.errors[0]!.extensions!.code).toBe('OUT_OF_STOCK');
    for (const s of [sku, sku2]) {
      const held = await one<{ n: number }>(`SELECT coalesce(sum(quantity), 0)::int AS n FROM inventory.stock_hold WHERE sku = $1`, s);
      const levels = await levelsOf(s);
      expect(levels.reduce((sum, l) => sum + l.reserved, 0)).toBe(held.n);
      expect((await movementSum(s)).reserved).toBe(held.n);
    }
  });
});

describe('releaseStock, commitStock and returnStock', () => {
  it('release gives everything back and is idempotent', async () => {
    await asService(HOLD, { owner: 'cart:r', lines: [{ sku, quantity: 5 }, { sku: sku2, quantity: 2 }] });
    expect((await asService(RELEASE, { owner: 'cart:r' })).data).toEqual({ releaseStock: true });
    expect((await asService(RELEASE, { owner: 'cart:r' })).data).toEqual({ releaseStock: true });
    expect((await levelsOf(sku)).map((l) => l.reserved)).toEqual([0, 0]);
    expect((await levelsOf(sku2)).map((l) => l.reserved)).toEqual([0, 0]);
    expect(await movementSum(sku)).toMatchObject({ on_hand: 0, reserved: 0 });
  });

  it('commit sells what is held once per reference, and returns come back to the warehouses that sold', async () => {
    await asService(HOLD, { owner: 'cart:c', lines: [{ sku, quantity: 8 }] });
    expect((await asService(COMMIT, { owner: 'cart:c', ref: 'order-1' })).data).toEqual({ commitStock: true });
    // A retry after a crash: nothing more happens.
    expect((await asService(COMMIT, { owner: 'cart:c', ref: 'order-1' })).data).toEqual({ commitStock: true });
    expect(await levelsOf(sku)).toEqual([
      { warehouse: 'EU-AMS', on_hand: 0, reserved: 0 },
      { warehouse: 'US-NYC', on_hand: 2, reserved: 0 },
    ]);
    expect(await movementSum(sku)).toMatchObject({ on_hand: -8, reserved: 0 });
    const sells = await sql<{ reference: string }>(`SELECT reference FROM inventory.stock_movement WHERE sku = $1 AND kind = 'SELL'`, sku);
    expect(sells.map((s) => s.reference)).toEqual(['order-1', 'order-1']);
    // Nothing held and never committed under this reference: refused.
    expect((await asService(COMMIT, { owner: 'cart:none', ref: 'order-2' })).errors?.[0]?.extensions?.code).toBe('CONFLICT');

    expect((await asService(RETURN, { ref: 'order-1', lines: [{ sku, quantity: 7 }] })).data).toEqual({ returnStock: true });
    expect((await asService(RETURN, { ref: 'order-1', lines: [{ sku, quantity: 7 }] })).data).toEqual({ returnStock: true });
    // Sold 6 from EU-AMS and 2 from US-NYC: 7 back, EU-AMS first.
    expect((await levelsOf(sku)).map((l) => l.on_hand)).toEqual([6, 3]);
    expect(await movementSum(sku)).toMatchObject({ on_hand: -1, reserved: 0 });
  });
});

describe('the expiry job', () => {
  it('two runners side by side release every expired hold exactly once', async () => {
    for (let i = 0; i < 8; i++) await asService(HOLD, { owner: `cart:exp-${i}`, lines: [{ sku, quantity: 1 }, { sku: sku2, quantity: 1 }] });
    await asService(HOLD, { owner: 'cart:alive', lines: [{ sku, quantity: 1 }] });
    await sql(`UPDATE inventory.stock_hold SET expires_at = now() - interval '1 second' WHERE owner LIKE 'cart:exp-%'`);
    const logger = createLogger('test', 'silent');
    const second = createDatabase({ url: subgraph.running.testDatabase.url, poolSize: 2, logger });
    try {
      const caches = createInventoryCaches(subgraph.running.deps.caches);
      const jobA = new StockExpiryJob(new HoldService(subgraph.database.prisma, caches, { holdTtlSeconds: 1800 }), logger, 3);
      const jobB = new StockExpiryJob(new HoldService(second.prisma, caches, { holdTtlSeconds: 1800 }), logger, 3);
      const [a, b] = await Promise.all([jobA.runOnce(), jobB.runOnce()]);
      expect(a + b).toBe(16);
      expect(await jobA.runOnce()).toBe(0);
    } finally {
      await second.close();
    }
    expect((await levelsOf(sku)).reduce((s, l) => s + l.reserved, 0)).toBe(1);
    expect((await levelsOf(sku2)).reduce((s, l) => s + l.reserved, 0)).toBe(0);
    const released = await one<{ n: number }>(`SELECT count(*)::int AS n FROM inventory.stock_movement WHERE kind = 'RELEASE' AND reason = 'expired'`);
    expect(released.n).toBe(16);
    expect(await movementSum(sku)).toMatchObject({ reserved: 1 });
  });
});

describe('adjustStock and stockMovements (admins with the inventory scope)', () => {
  const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { sku onHand reserved available version warehouse { code } } }`;
  const LEVELS = `query($sku: String!) { stockLevels(sku: $sku) { onHand version warehouse { code } } }`;
  const MOVEMENTS = `query($sku: String!, $first: Int, $after: String) { stockMovements(sku: $sku, first: $first, after: $after) {
    edges { node { kind quantity onHandDelta reservedDelta reason actor warehouse { code } } } pageInfo { hasNextPage endCursor } } }`;
  const admin = testIdentities.admin(['inventory']);

  it('adjusts with the version seen, and refuses a stale version with CONFLICT and the current version', async () => {
    const levels = (await subgraph.gqlAs(admin, LEVELS, { sku })).data!.stockLevels;
    const ams = levels.find((l: any) => l.warehouse.code === 'EU-AMS');
    const ok = await subgraph.gqlAs(admin, ADJUST, { input: { sku, warehouse: 'EU-AMS', delta: 5, expectedVersion: ams.version, reason: 'delivery 42' } });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.adjustStock).toMatchObject({ onHand: 11, version: ams.version + 1 });
    const stale = await subgraph.gqlAs(admin, ADJUST, { input: { sku, warehouse: 'EU-AMS', set: 3, expectedVersion: ams.version, reason: 'recount' } });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: ams.version + 1 });
    const counted = await subgraph.gqlAs(admin, ADJUST, { input: { sku, warehouse: 'EU-AMS', set: 3, expectedVersion: ams.version + 1, reason: 'recount' } });
    expect(counted.data!.adjustStock).toMatchObject({ onHand: 3, version: ams.version + 2 });

    const page = await subgraph.gqlAs(admin, MOVEMENTS, { sku, first: 1 });
    expect(page.data!.stockMovements.edges.map((e: any) => e.node)).toEqual([
      { kind: 'ADJUST', quantity: 8, onHandDelta: -8, reservedDelta: 0, reason: 'recount', actor: 'ADMIN admin-1', warehouse: { code: 'EU-AMS' } },
    ]);
    expect(page.data!.stockMovements.pageInfo.hasNextPage).toBe(true);
    const next = await subgraph.gqlAs(admin, MOVEMENTS, { sku, first: 5, after: page.data!.stockMovements.pageInfo.endCursor });
    expect(next.data!.stockMovements.edges.map((e: any) => [e.node.kind, e.node.onHandDelta, e.node.reason])).toEqual([['RECEIVE', 5, 'delivery 42']]);
    expect(next.data!.stockMovements.pageInfo.hasNextPage).toBe(false);
  });

  it('never takes onHand below what is held, names bad fields, and requires the inventory scope', async () => {
    const version = (await one<{ version: number }>(`SELECT l.version FROM inventory.stock_level l JOIN inventory.warehouse w ON w.id = l.warehouse_id WHERE l.sku = $1 AND w.code = 'EU-AMS'`, sku)).version;
    await asService(HOLD, { owner: 'cart:adj', lines: [{ sku, quantity: 5 }] });
    const below = await subgraph.gqlAs(admin, ADJUST, { input: { sku, warehouse: 'EU-AMS', set: 4, expectedVersion: version, reason: 'recount' } });
    expect(below.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.set' });
    const both = await subgraph.gqlAs(admin, ADJUST, { input: { sku, warehouse: 'EU-AMS', set: 4, delta: 1, expectedVersion: version, reason: 'x' } });
    expect((both.errors?.[0]?.extensions?.fieldErrors as Array<{ field: string }>).map((f) => f.field).sort()).toEqual(['input.reason', 'input.set']);
    const vars = { input: { sku, warehouse: 'EU-AMS', delta: 1, expectedVersion: version, reason: 'delivery' } };
    expect((await subgraph.gqlAs(testIdentities.customer(), ADJUST, vars)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await subgraph.gqlAs(testIdentities.admin(['catalog']), ADJUST, vars)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await subgraph.gqlAs(testIdentities.customer(), MOVEMENTS, { sku })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await levelsOf(sku))[0]).toEqual({ warehouse: 'EU-AMS', on_hand: 6, reserved: 5 });
  });
});
