import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@shopgraph/kit/testing';
import { WebhookReceiver } from '../../subgraphs/order/test/webhookReceiver.js';
import { writeCart } from './cartFixtures.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

// The order subgraph reads these when the supergraph starts: a quick poll, short backoff.
process.env.CHECKOUT_RECOVERY_INTERVAL_SECONDS = '0';
process.env.WEBHOOK_POLL_INTERVAL_MS = '50';
process.env.WEBHOOK_BACKOFF_BASE_MS = '20';
process.env.WEBHOOK_BACKOFF_MAX_MS = '100';

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id eventTypes } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!, $key: String!) { checkout(input: $input, idempotencyKey: $key) { id status total { amount currency } } }`;
const ADDRESS = { name: 'Ada Lovelace', line1: '1 Main St', city: 'San Francisco', postalCode: '94105', region: 'US-CA', country: 'US' };

let sg: RunningSupergraph;
const receiver = new WebhookReceiver(({ seenBefore }) => (seenBefore === 0 ? 500 : 200));

beforeAll(async () => {
  sg = await startSupergraph({ redis: true });
}, 180_000);

afterAll(async () => {
  await receiver.stop();
  await sg?.stop();
});

/** An in-stock SKU and a signed-in customer's cart holding one of it (written to the tables, as checkout.e2e does). */
async function cartWithOneItem(customerId: string): Promise<string> {
  const [sku] = await sg.sql<{ sku: string; variantId: string; productId: string; price: string }>(
    `SELECT v.sku, v.id::text AS "variantId", v.product_id::text AS "productId", v.price::text AS price
     FROM catalog.product_variant v JOIN catalog.product p ON p.id = v.product_id JOIN inventory.inventory_item i ON i.sku = v.sku
     WHERE p.status = 'ACTIVE' ORDER BY v.sku OFFSET 7 LIMIT 1`,
  );
  await sg.sql(`UPDATE inventory.stock_level SET on_hand = 50, reserved = 0 WHERE sku = $1`, sku!.sku);
  return writeCart(sg, customerId, { ...sku!, quantity: 1 });
}

describe('webhooks through the gateway', () => {
  it('an admin registers an endpoint, a customer places an order, the receiver gets order.created, signed', async () => {
    const url = await receiver.start();
    const adminToken = await testToken('ADMIN');
    const created = await sg.gql(CREATE, { input: { url, eventTypes: ['order.created'], description: 'e2e' } }, { authorization: `Bearer ${adminToken}` });
    expect(created.errors).toBeUndefined();
    const { secret } = created.data.createWebhookEndpoint as { secret: string };
    // A customer may not register one.
    const customerId = randomUUID();
    const customerToken = await testToken('CUSTOMER', { subject: customerId });
    const refused = await sg.gql(CREATE, { input: { url, eventTypes: ['order.created'] } }, { authorization: `Bearer ${customerToken}` });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const cartId = await cartWithOneItem(customerId);
    const placed = await sg.gql(CHECKOUT, { input: { cartId, shippingAddress: ADDRESS, paymentMethod: { cardToken: 'tok_approve' } }, key: 'wh-e2e' }, { authorization: `Bearer ${customerToken}` });
    expect(placed.errors).toBeUndefined();
    const order = placed.data.checkout as { id: string; status: string; total: { amount: string; currency: string } };
    expect(order.status).toBe('CONFIRMED');

    await eventually(() => receiver.accepted().size === 1, 'the receiver to accept order.created');
    const [request] = [...receiver.accepted().values()];
    const body = JSON.parse(request!.body) as { id: string; type: string; data: { orderId: string; customerId: string; grandTotal: string; currency: string } };
    expect(body.type).toBe('order.created');
    expect(request!.eventType).toBe('order.created');
    expect(body.data).toMatchObject({ orderId: order.id, customerId, grandTotal: order.total.amount, currency: order.total.currency });
    const [outbox] = await sg.sql<{ id: string }>(`SELECT event_id::text AS id FROM ordering.outbox_event WHERE topic = 'order.placed' AND aggregate_id = $1`, order.id);
    expect(body.id).toBe(outbox!.id);
    // The first attempt was answered 500 and retried; both carried the same event id and a valid signature.
    expect(receiver.received.map((r) => [r.eventId, r.attempt, r.status])).toEqual([
      [outbox!.id, 1, 500],
      [outbox!.id, 2, 200],
    ]);
    expect(receiver.allSignaturesValid(secret)).toBe(true);
  }, 60_000);
});
