import { afterAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature, WEBHOOK_HEADERS } from '@shopgraph/kit';
import { eventually, testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import { createOrderSubgraph, orderRuntimes } from '../src/server.js';
import { createWebhooks } from '../src/services/webhooks/createWebhooks.js';
import { backoffDelayMs } from '../src/services/webhooks/webhookDeliveryWorker.js';
import { sendWebhook } from '../src/services/webhooks/webhookSender.js';
import { isPublicAddress, validateWebhookUrl } from '../src/services/webhooks/webhookUrlPolicy.js';
import { insertOrder } from './fixtures.js';
import { WebhookReceiver } from './webhookReceiver.js';

// Short retries through the settings (never a sleep): 3 attempts, backoff of at most 100 ms, a 50 ms poll.
process.env.CHECKOUT_RECOVERY_INTERVAL_SECONDS = '0';
process.env.WEBHOOK_MAX_ATTEMPTS = '3';
process.env.WEBHOOK_BACKOFF_BASE_MS = '20';
process.env.WEBHOOK_BACKOFF_MAX_MS = '100';
process.env.WEBHOOK_POLL_INTERVAL_MS = '50';
process.env.WEBHOOK_TIMEOUT_MS = '5000';

const subgraph = useTestSubgraph(createOrderSubgraph);
const { gqlAs, sql, one } = subgraph;
const admin = testIdentities.admin(['orders']);

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id url eventTypes enabled } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { id enabled eventTypes } }`;
const SHIP = `mutation($id: ID!) { updateOrderStatus(orderId: $id, status: SHIPPED) { id } }`;
const REFUND = `mutation($id: ID!, $key: String!) { refundOrder(orderId: $id, amount: "10.00", reason: "scratched", idempotencyKey: $key) { id } }`;
const DELIVERIES = `query($id: ID!, $status: WebhookDeliveryStatus, $first: Int) { webhookDeliveries(endpointId: $id, status: $status, first: $first) {
  totalCount edges { node { id eventId eventType status attempts lastStatusCode lastError attemptLog { attempt succeeded statusCode durationMs } } } } }`;
const RESEND = `mutation($id: ID!) { resendWebhookDelivery(id: $id) { id status } }`;
const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(id: $id, keepPreviousForSeconds: 3600) { secret endpoint { previousSecretExpiresAt } } }`;

const receivers: WebhookReceiver[] = [];
async function receiver(answer?: ConstructorParameters<typeof WebhookReceiver>[0]) {
  const r = new WebhookReceiver(answer);
  receivers.push(r);
  return { r, url: await r.start() };
}

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
});

async function createEndpoint(url: string, eventTypes: string[]) {
  const res = await gqlAs(admin, CREATE, { input: { url, eventTypes, description: 'test receiver' } });
  expect(res.errors).toBeUndefined();
  return res.data!.createWebhookEndpoint as { secret: string; endpoint: { id: string } };
}

const deliveryStates = (endpointId: string) =>
  sql<{ event_id: string; status: string; attempts: number }>(`SELECT event_id::text, status::text, attempts FROM ordering.webhook_delivery WHERE endpoint_id = $1::uuid`, endpointId);

describe('webhook delivery from the outbox', () => {
  it('delivers every event once after deduplication, through a receiver that fails the first two attempts, all signatures valid, while a second worker races for the same rows', async () => {
    const { r, url } = await receiver(({ seenBefore }) => (seenBefore < 2 ? 500 : 200));
    const { secret, endpoint } = await createEndpoint(url, ['order.status_changed', 'refund.issued']);
    // A second instance's worker over the same rows (not started: this test drives it), racing the subgraph's own.
    const other = createWebhooks(subgraph.running.deps, { pollIntervalMs: 0 });

    const orders = [];
    for (let i = 0; i < 4; i++) orders.push(await insertOrder(sql));
    for (const [i, o] of orders.entries()) {
      expect((await gqlAs(admin, SHIP, { id: o.id })).errors).toBeUndefined();
      expect((await gqlAs(admin, REFUND, { id: o.id, key: `wh-${i}` })).errors).toBeUndefined();
    }
    const expected = await sql<{ event_id: string; topic: string }>(
      `SELECT event_id::text, topic FROM ordering.outbox_event WHERE aggregate_id = ANY($1::text[]) AND topic IN ('order.status_changed', 'refund.issued')`,
      orders.map((o) => o.id),
    );
    expect(expected).toHaveLength(12); // per order: SHIPPED, refund.issued, PARTIALLY_REFUNDED

    let racing = true;
    const race = (async () => {
      while (racing) await other.worker.runOnce();
    })();
    try {
      await eventually(async () => (await deliveryStates(endpoint.id)).filter((d) => d.status === 'SUCCEEDED').length === 12, '12 deliveries to succeed');
    } finally {
      racing = false;
      await race;
    }

    const accepted = r.accepted();
    expect([...accepted.keys()].sort()).toEqual(expected.map((e) => e.event_id).sort());
    // Each event: attempts 1 and 2 answered 500, attempt 3 accepted; no attempt of an event sent twice, by either worker.
    for (const { event_id } of expected) {
      expect(r.received.filter((x) => x.eventId === event_id).map((x) => [x.attempt, x.status])).toEqual([
        [1, 500],
        [2, 500],
        [3, 200],
      ]);
    }
    expect(r.allSignaturesValid(secret)).toBe(true);
    for (const [eventId, request] of accepted) {
      const body = JSON.parse(request.body) as { id: string; type: string; createdAt: string; data: { orderId: string } };
      expect(body.id).toBe(eventId);
      expect(body.type).toBe(request.eventType);
      expect(['order.status_changed', 'refund.issued']).toContain(body.type);
      expect(orders.map((o) => o.id)).toContain(body.data.orderId);
      expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt.replace(/(\.\d{3})\d*Z$/, '$1Z'));
    }

    const page = await gqlAs(admin, DELIVERIES, { id: endpoint.id, first: 100 });
    expect(page.errors).toBeUndefined();
    expect(page.data!.webhookDeliveries.totalCount).toBe(12);
    for (const { node } of page.data!.webhookDeliveries.edges) {
      expect(node).toMatchObject({ status: 'SUCCEEDED', attempts: 3, lastStatusCode: 200, lastError: null });
      expect(node.attemptLog.map((a: any) => [a.attempt, a.succeeded, a.statusCode])).toEqual([
        [1, false, 500],
        [2, false, 500],
        [3, true, 200],
      ]);
    }

    // Both workers count into the subgraph's /metrics: 24 failed and 12 successful attempts.
    const metrics = await (await fetch(subgraph.running.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).toMatch(/^webhook_attempts_total\{outcome="failed",service="[^"]+"\} 24$/m);
    expect(metrics).toMatch(/^webhook_attempts_total\{outcome="succeeded",service="[^"]+"\} 12$/m);

    // The bus delivers at least once: the same event handed to the fan-out again adds no row.
    const runtime = orderRuntimes.get(subgraph.running.server)!;
    const [row] = await sql<{ id: string; topic: string; payload: any; occurred_at: Date }>(
      `SELECT event_id::text AS id, topic, payload, occurred_at FROM ordering.outbox_event WHERE event_id = $1::uuid`,
      expected[0]!.event_id,
    );
    const again = await runtime.webhooks.fanOut.fanOut({ id: row!.id, topic: row!.topic, payload: row!.payload, occurredAt: row!.occurred_at.toISOString() } as never);
    expect(again).toBe(0);
    await gqlAs(admin, UPDATE, { id: endpoint.id, input: { enabled: false } });
  });

  it('dead-letters after the last attempt, and an admin resend delivers it (signed with the rotated secret and, during the overlap, the old one)', async () => {
    const { r, url } = await receiver(() => 503);
    const { secret: oldSecret, endpoint } = await createEndpoint(url, ['order.status_changed']);
    const disabled = await createEndpoint(url, ['order.status_changed']);
    await gqlAs(admin, UPDATE, { id: disabled.endpoint.id, input: { enabled: false } });
    const order = await insertOrder(sql);
    await gqlAs(admin, SHIP, { id: order.id });

    await eventually(async () => (await deliveryStates(endpoint.id)).some((d) => d.status === 'DEAD_LETTERED'), 'the delivery to be dead-lettered');
    const dead = await gqlAs(admin, DELIVERIES, { id: endpoint.id, status: 'DEAD_LETTERED' });
    const [{ node }] = dead.data!.webhookDeliveries.edges;
    expect(node).toMatchObject({ eventType: 'order.status_changed', status: 'DEAD_LETTERED', attempts: 3, lastStatusCode: 503 });
    expect(node.lastError).toMatch(/^HTTP 503/);
    expect(node.attemptLog.map((a: any) => a.statusCode)).toEqual([503, 503, 503]);
    expect(r.received.map((x) => x.attempt)).toEqual([1, 2, 3]);
    // The disabled endpoint got no delivery row for the same event.
    expect(await deliveryStates(disabled.endpoint.id)).toEqual([]);

    const rotated = await gqlAs(admin, ROTATE, { id: endpoint.id });
    expect(rotated.errors).toBeUndefined();
    const newSecret = rotated.data!.rotateWebhookSecret.secret as string;
    expect(newSecret).not.toBe(oldSecret);
    r.answerWith(() => 204);
    const resent = await gqlAs(admin, RESEND, { id: node.id });
    expect(resent.data!.resendWebhookDelivery).toEqual({ id: node.id, status: 'PENDING' });
    await eventually(async () => (await deliveryStates(endpoint.id))[0]!.status === 'SUCCEEDED', 'the resent delivery to succeed');

    const last = r.received.at(-1)!;
    expect(last).toMatchObject({ eventId: node.eventId, attempt: 4, status: 204 });
    const header = String(last.headers[WEBHOOK_HEADERS.signature]);
    expect(verifyWebhookSignature({ header, rawBody: last.body, secret: newSecret }).ok).toBe(true);
    expect(verifyWebhookSignature({ header, rawBody: last.body, secret: oldSecret }).ok).toBe(true);
    // Every attempt carried the same body and event id: the receiver can deduplicate.
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    await gqlAs(admin, UPDATE, { id: endpoint.id, input: { enabled: false } });
  });
});

describe('retry backoff', () => {
  it('waits a uniformly random time up to base * 2^(n-1), capped (full jitter)', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, 1000, 10_000, () => 0.999_999))).toEqual([999, 1999, 3999, 7999, 9999]);
    expect(backoffDelayMs(3, 1000, 10_000, () => 0)).toBe(0);
    expect(backoffDelayMs(40, 1000, 3_600_000, () => 0.5)).toBe(1_800_000);
  });
});

describe('webhook endpoint administration', () => {
  it('validates event types and URLs by field, requires admin + orders, and never shows or stores the secret in clear', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'https://hooks.example.com/x', eventTypes: ['order.created', 'order.deleted'] }, 'input.eventTypes'],
      [{ url: 'https://hooks.example.com/x', eventTypes: [] }, 'input.eventTypes'],
      [{ url: 'ftp://hooks.example.com/x', eventTypes: ['order.created'] }, 'input.url'],
      [{ url: 'not a url', eventTypes: ['order.created'] }, 'input.url'],
      [{ url: 'https://user:pw@hooks.example.com/x', eventTypes: ['order.created'] }, 'input.url'],
    ];
    const before = await one<{ n: number }>(`SELECT count(*)::int AS n FROM ordering.webhook_endpoint`);
    for (const [input, field] of cases) {
      const res = await gqlAs(admin, CREATE, { input });
      expect(res.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const input = { url: 'https://hooks.example.com/x', eventTypes: ['stock.low'] };
    expect((await gqlAs(testIdentities.customer(), CREATE, { input })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gqlAs(testIdentities.admin(['catalog']), CREATE, { input })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM ordering.webhook_endpoint`)).n).toBe(before.n);

    const created = await createEndpoint('https://hooks.example.com/x', ['stock.low', 'price.changed', 'stock.low']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const stored = await one<{ secret_ciphertext: string; event_types: string[] }>(`SELECT secret_ciphertext, event_types FROM ordering.webhook_endpoint WHERE id = $1::uuid`, created.endpoint.id);
    expect(stored.event_types).toEqual(['price.changed', 'stock.low']);
    expect(stored.secret_ciphertext).not.toContain(created.secret.slice(6));
    const listed = await gqlAs(admin, `{ webhookEndpoints { id url eventTypes enabled } }`);
    expect(listed.data!.webhookEndpoints).toContainEqual({ id: created.endpoint.id, url: 'https://hooks.example.com/x', eventTypes: ['price.changed', 'stock.low'], enabled: true });
    const unknownField = await gqlAs(admin, `{ webhookEndpoints { id secret } }`);
    expect(unknownField.errors?.[0]?.message).toMatch(/Cannot query field "secret"/);

    const deleted = await gqlAs(admin, `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: created.endpoint.id });
    expect(deleted.data!.deleteWebhookEndpoint).toBe(created.endpoint.id);
    expect((await gqlAs(admin, DELIVERIES, { id: created.endpoint.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses private networks when they are not allowed, at registration and again when connecting', async () => {
    for (const url of ['http://127.0.0.1:8080/x', 'http://10.1.2.3/x', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/x', 'http://[::ffff:192.168.1.1]/x', 'http://localhost/x']) {
      await expect(validateWebhookUrl(url, false), url).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'input.url' } });
    }
    await expect(validateWebhookUrl('https://93.184.216.34/hooks', false)).resolves.toBe('https://93.184.216.34/hooks');
    await expect(validateWebhookUrl('http://127.0.0.1:8080/x', true)).resolves.toBe('http://127.0.0.1:8080/x');
    expect(['8.8.8.8', '2001:4860:4860::8888'].every(isPublicAddress)).toBe(true);
    expect(['100.64.0.1', '172.20.0.1', 'fd00::1', 'fe80::1', '0.0.0.0'].some(isPublicAddress)).toBe(false);

    // Connection-time check: a host registered while allowed (or re-pointed by DNS) is refused when sending.
    const { r, url } = await receiver();
    const outcome = await sendWebhook({ url, body: '{}', headers: {} }, { timeoutMs: 2000, allowPrivateNetworks: false });
    expect(outcome).toMatchObject({ succeeded: false, statusCode: null });
    expect(outcome.error).toMatch(/non-public/);
    // By name: the resolved address is checked in the connection's own lookup (no window for DNS rebinding).
    const byName = await sendWebhook({ url: url.replace('127.0.0.1', 'localhost'), body: '{}', headers: {} }, { timeoutMs: 2000, allowPrivateNetworks: false });
    expect(byName).toMatchObject({ succeeded: false, statusCode: null });
    expect(byName.error).toMatch(/non-public/);
    expect(r.received).toEqual([]);
    const allowed = await sendWebhook({ url, body: '{}', headers: {} }, { timeoutMs: 2000, allowPrivateNetworks: true });
    expect(allowed).toMatchObject({ succeeded: true, statusCode: 200, error: null });
  });
});
