import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../database.js';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.js';
import { recordEvents } from './recordEvents.js';

let testDb: TestDatabase;
let database: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = createDatabase({ url: testDb.url, poolSize: 2 });
});
afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

const stockChange = (productId: string, available: number) => ({
  topic: 'inventory.stock_changed' as const,
  payload: { sku: 'SKU-1', variantId: randomUUID(), productId, warehouseId: randomUUID(), onHand: available, reserved: 0, available, skuAvailable: available, productAvailable: available, reason: 'ADJUST' },
});

async function outboxRows(table: string, aggregateId: string) {
  return database.prisma.$queryRawUnsafe<Array<{ position: bigint; topic: string; request_id: string | null; actor: string | null; published_at: Date | null }>>(
    `SELECT position, topic, request_id, actor, published_at FROM ${table} WHERE aggregate_id = $1 ORDER BY position`,
    aggregateId,
  );
}

describe('recordEvents', () => {
  it('writes the events to the source schema outbox in order, with the registry aggregate and who caused them', async () => {
    const productId = randomUUID();
    const events = await database.prisma.$transaction((tx) =>
      recordEvents(tx, 'inventory', [stockChange(productId, 5), stockChange(productId, 4)], { requestId: 'req-1', actor: 'user-7' }),
    );
    expect(events.map((e) => e.aggregateId)).toEqual([productId, productId]);
    expect(events[0]).toMatchObject({ topic: 'inventory.stock_changed', source: 'inventory', aggregateType: 'product', requestId: 'req-1', actor: 'user-7' });
    expect(events[1]!.sequence).toBeGreaterThan(events[0]!.sequence);
    expect(events[0]!.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const rows = await outboxRows('inventory.outbox_event', productId);
    expect(rows.map((r) => Number(r.position))).toEqual(events.map((e) => e.sequence));
    expect(rows.every((r) => r.request_id === 'req-1' && r.actor === 'user-7' && r.published_at === null)).toBe(true);
    expect(await outboxRows('catalog.outbox_event', productId)).toEqual([]);
  });

  it('refuses a bad payload, a topic of another source and an unknown topic, and nothing is written', async () => {
    const productId = randomUUID();
    const attempt = (events: unknown[]) => database.prisma.$transaction((tx) => recordEvents(tx, 'inventory', events as never));
    await expect(attempt([stockChange(productId, 1), { ...stockChange(productId, 1), payload: { ...stockChange(productId, 1).payload, onHand: 1.5 } }])).rejects.toThrow(
      /invalid inventory.stock_changed payload/,
    );
    await expect(attempt([{ topic: 'product.changed', payload: { productId, change: 'edited' } }])).rejects.toThrow(/belongs to catalog, not inventory/);
    await expect(attempt([{ topic: 'inventory.teleported', payload: {} }])).rejects.toThrow(/unknown event topic/);
    expect(await outboxRows('inventory.outbox_event', productId)).toEqual([]);
  });

  it('must run inside an interactive transaction', async () => {
    await expect(recordEvents(database.prisma, 'inventory', [stockChange(randomUUID(), 1)])).rejects.toThrow(/inside prisma.\$transaction/);
  });
});
