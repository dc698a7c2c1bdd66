import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityFor, REPO_ROOT } from '@shopgraph/kit';
import { postGraphQL, TEST_INTERNAL_SIGNING_SECRET } from '@shopgraph/kit/testing';
import { InternalSigner } from '@shopgraph/kit';
import { createOrderRuntime, orderRuntimes } from '../../subgraphs/order/src/server.js';
import { writeCart } from './cartFixtures.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

// The checkout saga's settings for this file: payments time out fast, recovery runs only when a test says so.
process.env.CHECKOUT_RECOVERY_INTERVAL_SECONDS = '0';
process.env.ORDER_PAYMENT_TIMEOUT_MS = '400';
process.env.ORDER_TEST_PAYMENT_DELAY_MS = '100';

const CHECKOUT = `mutation($input: CheckoutInput!, $key: String!) { checkout(input: $input, idempotencyKey: $key) {
  id status total { amount currency } payment { status authorized { amount } captured { amount } } timeline { status } } }`;
const ADDRESS = { name: 'Ada Lovelace', line1: '1 Main St', city: 'San Francisco', postalCode: '94105', region: 'US-CA', country: 'US' };

let sg: RunningSupergraph;

beforeAll(async () => {
  sg = await startSupergraph({ redis: true });
}, 180_000);

afterAll(async () => {
  await sg?.stop();
});

interface Sku {
  sku: string;
  variantId: string;
  productId: string;
  price: string;
}

/** A SKU of an active product made to hold exactly `onHand` sellable units, in one warehouse, nothing reserved, no backorders. */
async function skuWithStock(onHand: number, skip = 0): Promise<Sku> {
  const [row] = await sg.sql<Sku>(
    `SELECT v.sku, v.id::text AS "variantId", v.product_id::text AS "productId", v.price::text AS price
     FROM catalog.product_variant v JOIN catalog.product p ON p.id = v.product_id JOIN inventory.inventory_item i ON i.sku = v.sku
     WHERE p.status = 'ACTIVE' ORDER BY v.sku OFFSET $1 LIMIT 1`,
    skip,
  );
  await sg.sql(
    `UPDATE inventory.stock_level s SET reserved = 0, backorderable = false,
       on_hand = CASE WHEN s.warehouse_id = (SELECT min(warehouse_id::text)::uuid FROM inventory.stock_level WHERE sku = $1) THEN $2 ELSE 0 END
     WHERE s.sku = $1`,
    row!.sku,
    onHand,
  );
  return row!;
}

/**
 * A signed-in customer's cart holding `quantity` of `sku`, written straight to the cart tables
 * with no stock hold (as a cart whose holds lapsed and were released), so every unit is won or
 * lost in checkout itself.
 */
async function cartFor(customerId: string, sku: Sku, quantity = 1): Promise<string> {
  // A customer has one open cart: an earlier one of the same customer is closed as an order would have closed it.
  await sg.sql(`UPDATE cart.cart SET status = 'CHECKED_OUT' WHERE customer_id = $1 AND status = 'OPEN'`, customerId);
  return writeCart(sg, customerId, { ...sku, quantity });
}

async function checkoutAs(customerId: string, cartId: string, key: string, cardToken = 'tok_approve') {
  const token = await testToken('CUSTOMER', { subject: customerId });
  return sg.gql(CHECKOUT, { input: { cartId, shippingAddress: ADDRESS, paymentMethod: { cardToken } }, key }, { authorization: `Bearer ${token}` });
}

async function stockOf(sku: string) {
  const [row] = await sg.sql<{ onHand: number; reserved: number }>(
    `SELECT sum(on_hand)::int AS "onHand", sum(reserved)::int AS reserved FROM inventory.stock_level WHERE sku = $1`,
    sku,
  );
  return row!;
}

/** Net units per movement kind of a SKU. */
async function movementsOf(sku: string): Promise<Record<string, number>> {
  const rows = await sg.sql<{ kind: string; units: number }>(
    `SELECT kind::text AS kind, sum(quantity)::int AS units FROM inventory.stock_movement WHERE sku = $1 GROUP BY 1`,
    sku,
  );
  return Object.fromEntries(rows.map((r) => [r.kind, r.units]));
}

describe('checkout through the gateway', () => {
  it('places an order: stock sold, payment captured, cart closed, events recorded', async () => {
    const sku = await skuWithStock(5, 3);
    const customerId = randomUUID();
    const cartId = await cartFor(customerId, sku, 2);
    const res = await checkoutAs(customerId, cartId, 'k-happy');
    expect(res.errors).toBeUndefined();
    const order = res.data!.checkout;
    expect(order.status).toBe('CONFIRMED');
    expect(order.payment).toEqual({ status: 'CAPTURED', authorized: { amount: order.total.amount }, captured: { amount: order.total.amount } });
    expect(order.timeline.map((t: any) => t.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(await stockOf(sku.sku)).toEqual({ onHand: 3, reserved: 0 });
    const events = await sg.sql<{ topic: string; payload: any }>(`SELECT topic, payload FROM ordering.outbox_event WHERE aggregate_id = $1 ORDER BY position`, order.id);
    expect(events.map((e) => e.topic)).toEqual(['order.placed', 'payment.captured', 'order.status_changed']);
    // payment.captured is recorded in the transaction that confirms the order, with what was captured.
    const [payment] = await sg.sql<{ id: string }>(`SELECT id::text FROM ordering.payment WHERE order_id = $1::uuid`, order.id);
    expect(events[1]!.payload).toEqual({ orderId: order.id, paymentId: payment!.id, customerId, amount: order.total.amount, currency: 'USD' });
    // The same key again: the same order, no second charge.
    const again = await checkoutAs(customerId, cartId, 'k-happy');
    expect(again.data!.checkout.id).toBe(order.id);
    expect(await sg.sql(`SELECT 1 FROM ordering.payment WHERE order_id = $1::uuid`, order.id)).toHaveLength(1);
  });

  it('200 concurrent checkouts for 20 units: exactly 20 CONFIRMED, 180 OUT_OF_STOCK, stock and movements exact', async () => {
    const sku = await skuWithStock(20, 0);
    const before = await movementsOf(sku.sku);
    const customers = Array.from({ length: 200 }, () => randomUUID());
    const carts: string[] = [];
    for (const c of customers) carts.push(await cartFor(c, sku, 1));
    const results = await Promise.all(customers.map((c, i) => checkoutAs(c, carts[i]!, `k-race-${i}`)));
    const confirmed = results.filter((r) => r.data?.checkout?.status === 'CONFIRMED');
    const codes = results.filter((r) => r.errors).map((r) => r.errors![0].extensions?.code);
    expect(confirmed).toHaveLength(20);
    expect(codes).toEqual(Array(180).fill('OUT_OF_STOCK'));
    expect(await stockOf(sku.sku)).toEqual({ onHand: 0, reserved: 0 });
    // A checkout that lost the race before its order existed (the cart's own hold in checkoutCart) made no order;
    // one that lost it at the saga's hold made a FAILED order. Either way nothing but the 20 was sold.
    const statuses = await sg.sql<{ status: string; reason: string | null; n: number }>(
      `SELECT status::text, failure_reason AS reason, count(*)::int AS n FROM ordering."order" WHERE customer_id = ANY($1::uuid[]) GROUP BY 1, 2 ORDER BY 1`,
      customers,
    );
    expect(statuses.find((s) => s.status === 'CONFIRMED')?.n).toBe(20);
    expect(statuses.filter((s) => s.status !== 'CONFIRMED').every((s) => s.status === 'FAILED' && s.reason === 'OUT_OF_STOCK')).toBe(true);
    const after = await movementsOf(sku.sku);
    const delta = (kind: string) => (after[kind] ?? 0) - (before[kind] ?? 0);
    expect(delta('SELL')).toBe(20);
    // Every unit reserved was either sold or released.
    expect(delta('RESERVE')).toBe(delta('SELL') + delta('RELEASE'));
  }, 240_000);

  it('50 concurrent checkouts with one key: one order, one payment, every caller gets it', async () => {
    const sku = await skuWithStock(10, 1);
    const customerId = randomUUID();
    const cartId = await cartFor(customerId, sku, 1);
    const results = await Promise.all(Array.from({ length: 50 }, () => checkoutAs(customerId, cartId, 'k-once', 'tok_approve_after_delay')));
    const ids = new Set(results.map((r) => r.data?.checkout?.id));
    expect(results.filter((r) => r.errors)).toEqual([]);
    expect(ids.size).toBe(1);
    const [order] = [...ids];
    expect(await sg.sql(`SELECT id FROM ordering."order" WHERE customer_id = $1::uuid`, customerId)).toHaveLength(1);
    expect(await sg.sql(`SELECT id FROM ordering.payment WHERE order_id = $1::uuid`, order)).toHaveLength(1);
    expect(await stockOf(sku.sku)).toEqual({ onHand: 9, reserved: 0 });
  }, 120_000);

  it('without Redis, the UNIQUE key alone keeps 50 concurrent attempts with one key to one order', async () => {
    const sku = await skuWithStock(10, 8);
    const customerId = randomUUID();
    const cartId = await cartFor(customerId, sku, 1);
    // The order service of another instance that has no Redis: only PostgreSQL decides.
    const { redis: _redis, ...withoutRedis } = sg.deps.order;
    const noRedis = createOrderRuntime(withoutRedis, { settings: { recoveryIntervalSeconds: 0 } });
    const identity = identityFor(customerId, 'CUSTOMER');
    const input = { cartId, shippingAddress: ADDRESS, paymentMethod: { cardToken: 'tok_approve_after_delay' } };
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => noRedis.services.checkout.checkout(identity, undefined, input, 'k-no-redis')));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const ids = new Set(results.map((r) => (r.status === 'fulfilled' ? r.value.id : null)));
    expect(ids.size).toBe(1);
    expect(await sg.sql(`SELECT id FROM ordering."order" WHERE customer_id = $1::uuid`, customerId)).toHaveLength(1);
    expect(await sg.sql(`SELECT p.id FROM ordering.payment p JOIN ordering."order" o ON o.id = p.order_id WHERE o.customer_id = $1::uuid`, customerId)).toHaveLength(1);
    expect(await stockOf(sku.sku)).toEqual({ onHand: 9, reserved: 0 });
  }, 120_000);

  it('cancelling a confirmed order gives its units back and refunds the capture', async () => {
    const sku = await skuWithStock(5, 7);
    const customerId = randomUUID();
    const placed = await checkoutAs(customerId, await cartFor(customerId, sku, 2), 'k-cancel');
    expect(placed.errors).toBeUndefined();
    expect(await stockOf(sku.sku)).toEqual({ onHand: 3, reserved: 0 });
    const adminToken = await testToken('ADMIN', { scopes: ['orders'] });
    const cancel = `mutation($id: ID!) { updateOrderStatus(orderId: $id, status: CANCELLED, note: "changed mind") { status payment { captured { amount } refunded { amount } } } }`;
    const res = await sg.gql(cancel, { id: placed.data!.checkout.id }, { authorization: `Bearer ${adminToken}` });
    expect(res.errors).toBeUndefined();
    const { status, payment } = res.data!.updateOrderStatus;
    expect(status).toBe('CANCELLED');
    expect(payment.refunded).toEqual(payment.captured);
    expect(await stockOf(sku.sku)).toEqual({ onHand: 5, reserved: 0 });
    // Asked again: nothing more comes back.
    await sg.gql(cancel, { id: placed.data!.checkout.id }, { authorization: `Bearer ${adminToken}` });
    expect(await stockOf(sku.sku)).toEqual({ onHand: 5, reserved: 0 });
  });

  it('refuses the key for another cart', async () => {
    const sku = await skuWithStock(10, 2);
    const customerId = randomUUID();
    const first = await checkoutAs(customerId, await cartFor(customerId, sku, 1), 'k-reuse');
    expect(first.errors).toBeUndefined();
    const second = await checkoutAs(customerId, await cartFor(customerId, sku, 1), 'k-reuse');
    expect(second.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
    expect(await sg.sql(`SELECT id FROM ordering."order" WHERE customer_id = $1::uuid`, customerId)).toHaveLength(1);
  });

  for (const [card, reason] of [
    ['tok_decline', 'PAYMENT_DECLINED'],
    ['tok_timeout', 'PAYMENT_TIMEOUT'],
  ] as const) {
    it(`${card}: PAYMENT_DECLINED, order FAILED, stock fully restored, nothing captured`, async () => {
      const sku = await skuWithStock(4, 4);
      const customerId = randomUUID();
      const cartId = await cartFor(customerId, sku, 3);
      const res = await checkoutAs(customerId, cartId, `k-${card}`, card);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'PAYMENT_DECLINED', reason });
      const orderId = res.errors![0].extensions.orderId as string;
      const [order] = await sg.sql<{ status: string; failure_reason: string }>(`SELECT status::text, failure_reason FROM ordering."order" WHERE id = $1::uuid`, orderId);
      expect(order).toEqual({ status: 'FAILED', failure_reason: reason });
      const [payment] = await sg.sql<{ captured: string }>(`SELECT captured_amount::text AS captured FROM ordering.payment WHERE order_id = $1::uuid`, orderId);
      expect(payment!.captured).toBe('0.00');
      expect(await stockOf(sku.sku)).toEqual({ onHand: 4, reserved: 0 });
      // The key keeps its answer.
      expect((await checkoutAs(customerId, cartId, `k-${card}`, card)).errors?.[0]?.extensions?.code).toBe('PAYMENT_DECLINED');
    }, 60_000);
  }
});

describe('a crash between steps, repaired by the recovery job', () => {
  /** The order subgraph in a child process that exits right after recording `step`. */
  async function crashingOrderProcess(step: string): Promise<{ url: string; child: ChildProcess; exited: Promise<number | null> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'subgraphs/order/test/checkoutProcess.ts')], {
      env: {
        ...process.env,
        DATABASE_URL: sg.testDatabase.url,
        CACHE_NAMESPACE: sg.testDatabase.name,
        SUBGRAPH_URLS: JSON.stringify({ cart: sg.subgraphUrls.cart, inventory: sg.subgraphUrls.inventory }),
        SHOPGRAPH_CHECKOUT_CRASH_AFTER: step,
        CHECKOUT_LEASE_SECONDS: '1',
        ORDER_PAYMENT_TIMEOUT_MS: '5000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const lines = createInterface({ input: child.stdout });
    const url = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => {
        if (line.startsWith('{')) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.on('exit', (code) => reject(new Error(`order child exited (${code}) before listening`)));
    });
    return { url, child, exited };
  }

  async function checkoutDirect(url: string, customerId: string, cartId: string, key: string) {
    const signer = new InternalSigner(TEST_INTERNAL_SIGNING_SECRET);
    return postGraphQL(url, CHECKOUT, { input: { cartId, shippingAddress: ADDRESS, paymentMethod: { cardToken: 'tok_approve' } }, key }, {}, {
      signAs: { signer, identity: identityFor(customerId, 'CUSTOMER') },
    }).catch((err: unknown) => ({ crashed: err }));
  }

  async function recoverUntilSettled(orderId: string): Promise<string> {
    const recovery = orderRuntimes.get(sg.subgraphs.order)!.recovery;
    for (let pass = 0; pass < 50; pass++) {
      await recovery.runOnce();
      const [row] = await sg.sql<{ status: string }>(`SELECT status::text FROM ordering."order" WHERE id = $1::uuid`, orderId);
      if (row!.status !== 'PENDING') return row!.status;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`order ${orderId} still PENDING after 50 recovery passes`);
  }

  it('after AUTHORIZED: the recovery job finishes the order (stock sold once, payment captured)', async () => {
    const sku = await skuWithStock(6, 5);
    const customerId = randomUUID();
    const cartId = await cartFor(customerId, sku, 2);
    const { url, exited } = await crashingOrderProcess('AUTHORIZED');
    await checkoutDirect(url, customerId, cartId, 'k-crash-forward');
    expect(await exited).toBe(86);
    const [left] = await sg.sql<{ id: string; status: string; checkout_step: string }>(
      `SELECT id::text, status::text, checkout_step FROM ordering."order" WHERE customer_id = $1::uuid`,
      customerId,
    );
    expect(left).toMatchObject({ status: 'PENDING', checkout_step: 'AUTHORIZED' });
    expect(await stockOf(sku.sku)).toEqual({ onHand: 6, reserved: 2 });
    expect(await recoverUntilSettled(left!.id)).toBe('CONFIRMED');
    expect(await stockOf(sku.sku)).toEqual({ onHand: 4, reserved: 0 });
    const [payment] = await sg.sql<{ status: string }>(`SELECT status::text FROM ordering.payment WHERE order_id = $1::uuid`, left!.id);
    expect(payment!.status).toBe('CAPTURED');
    // The customer's retry with the same key now gets the confirmed order.
    const retry = await checkoutAs(customerId, cartId, 'k-crash-forward');
    expect(retry.data?.checkout).toMatchObject({ id: left!.id, status: 'CONFIRMED' });
  }, 60_000);

  it('after STOCK_HELD (payment unknown): the recovery job compensates (stock released, order FAILED)', async () => {
    const sku = await skuWithStock(6, 6);
    const customerId = randomUUID();
    const cartId = await cartFor(customerId, sku, 2);
    const { url, exited } = await crashingOrderProcess('STOCK_HELD');
    await checkoutDirect(url, customerId, cartId, 'k-crash-back');
    expect(await exited).toBe(86);
    const [left] = await sg.sql<{ id: string; status: string; checkout_step: string }>(
      `SELECT id::text, status::text, checkout_step FROM ordering."order" WHERE customer_id = $1::uuid`,
      customerId,
    );
    expect(left).toMatchObject({ status: 'PENDING', checkout_step: 'STOCK_HELD' });
    expect(await stockOf(sku.sku)).toEqual({ onHand: 6, reserved: 2 });
    expect(await recoverUntilSettled(left!.id)).toBe('FAILED');
    expect(await stockOf(sku.sku)).toEqual({ onHand: 6, reserved: 0 });
    const [order] = await sg.sql<{ failure_reason: string }>(`SELECT failure_reason FROM ordering."order" WHERE id = $1::uuid`, left!.id);
    expect(order!.failure_reason).toBe('CHECKOUT_INTERRUPTED');
  }, 60_000);
});

describe('the recovery job in several instances', () => {
  it('two instances recovering 30 stuck checkouts at once take each exactly once', async () => {
    // Checkouts whose instance died right after creating them (lease lapsed, stock not yet held, payment not started).
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const [row] = await sg.sql<{ id: string }>(
        `INSERT INTO ordering."order" (number, customer_id, status, currency, subtotal, tax, shipping, total, placed_at, idempotency_key, cart_id, stock_owner,
           checkout_step, lease_owner, lease_until)
         VALUES ('SG-R' || $1, gen_random_uuid(), 'PENDING', 'USD', 10, 0, 0, 10, now(), 'k', gen_random_uuid(), 'cart:' || gen_random_uuid(), 'CREATED', 'dead-instance', now() - interval '1 minute')
         RETURNING id::text`,
        `${i}-${randomUUID().slice(0, 8)}`,
      );
      await sg.sql(`INSERT INTO ordering.payment (order_id, provider, token, status, currency, amount) VALUES ($1::uuid, 'test', 'tok_approve', 'PENDING', 'USD', 10)`, row!.id);
      ids.push(row!.id);
    }
    const a = orderRuntimes.get(sg.subgraphs.order)!;
    const b = createOrderRuntime(sg.deps.order, { settings: { recoveryIntervalSeconds: 0 } });
    expect(b.instanceId).not.toBe(a.instanceId);
    const taken = await Promise.all([a.recovery.runOnce(), b.recovery.runOnce(), a.recovery.runOnce(), b.recovery.runOnce()]);
    expect(taken.reduce((x, y) => x + y, 0)).toBe(30);
    const rows = await sg.sql<{ status: string; reason: string; failed: number; events: number }>(
      `SELECT o.status::text, o.failure_reason AS reason,
         (SELECT count(*)::int FROM ordering.order_timeline t WHERE t.order_id = o.id AND t.status = 'FAILED') AS failed,
         (SELECT count(*)::int FROM ordering.outbox_event e WHERE e.aggregate_id = o.id::text AND e.topic = 'order.status_changed') AS events
       FROM ordering."order" o WHERE o.id = ANY($1::uuid[])`,
      ids,
    );
    expect(rows).toHaveLength(30);
    for (const row of rows) expect(row).toEqual({ status: 'FAILED', reason: 'CHECKOUT_INTERRUPTED', failed: 1, events: 1 });
    // Nothing left for a later pass.
    expect(await a.recovery.runOnce()).toBe(0);
  }, 60_000);
});
