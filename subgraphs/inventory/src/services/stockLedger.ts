import { type Prisma, recordEvents, type EventMeta } from '@shopgraph/kit';

/** The interactive transaction's client. */
export type Tx = Prisma.TransactionClient;

/** Waiting for a pooled connection under contention (50 holds on one SKU) must not fail fast. */
export const STOCK_TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;

export type MovementKind = 'RECEIVE' | 'ADJUST' | 'RESERVE' | 'RELEASE' | 'SELL' | 'RETURN';

/** A stock row locked for this transaction, changed in memory, written back by `apply`. */
export interface LockedLevel {
  sku: string;
  warehouseId: string;
  warehouseCode: string;
  variantId: string;
  productId: string;
  onHand: number;
  reserved: number;
  lowStockThreshold: number;
  backorderable: boolean;
  version: number;
}

export interface Movement {
  sku: string;
  warehouseId: string;
  kind: MovementKind;
  onHandDelta: number;
  reservedDelta: number;
  reference: string | null;
  reason: string | null;
}

/** Deterministic allocation order: warehouses by code (then id). */
export const byWarehouseCode = (a: LockedLevel, b: LockedLevel) => a.warehouseCode.localeCompare(b.warehouseCode) || a.warehouseId.localeCompare(b.warehouseId);

export const levelKey = (sku: string, warehouseId: string) => `${sku}\u0000${warehouseId}`;

/**
 * Locks every stock row of the products the SKUs belong to, in one statement ordered by
 * (sku, warehouse): every writer locks in that one order, so writers never deadlock, and
 * the product-wide sum each event carries follows commit order (topics.ts).
 */
export async function lockLevelsOfProducts(tx: Tx, skus: readonly string[]): Promise<Map<string, LockedLevel>> {
  const rows =
    skus.length === 0
      ? []
      : await tx.$queryRaw<LockedLevel[]>`
    SELECT l.sku, l.warehouse_id::text AS "warehouseId", w.code AS "warehouseCode", i.variant_id::text AS "variantId",
           i.product_id::text AS "productId", l.on_hand AS "onHand", l.reserved, l.low_stock_threshold AS "lowStockThreshold",
           l.backorderable, l.version
    FROM inventory.stock_level l
    JOIN inventory.inventory_item i ON i.sku = l.sku
    JOIN inventory.warehouse w ON w.id = l.warehouse_id
    WHERE i.product_id IN (SELECT product_id FROM inventory.inventory_item WHERE sku = ANY(${[...skus]}::text[]))
    ORDER BY l.sku, l.warehouse_id
    FOR UPDATE OF l`;
  return new Map(rows.map((r) => [levelKey(r.sku, r.warehouseId), r]));
}

/** Serialises every hold change of one owner (holdStock, releaseStock, commitStock), across instances. */
export async function lockOwner(tx: Tx, key: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))) AS l`;
}

/**
 * Writes the movements' deltas to the locked rows (the CHECK 0 <= reserved <= on_hand is the
 * last word), the movement rows, and one `inventory.stock_changed` per changed row, in the
 * caller's transaction. Returns the catalog ids whose cached stock must be evicted after commit.
 */
export async function applyMovements(
  tx: Tx,
  levels: Map<string, LockedLevel>,
  movements: readonly Movement[],
  options: { actor: string; eventReason: string; meta: EventMeta; bumpVersion?: boolean },
): Promise<Array<{ variantId: string; productId: string }>> {
  const real = movements.filter((m) => m.onHandDelta !== 0 || m.reservedDelta !== 0);
  if (real.length === 0) return [];
  const availableBefore = availableBySku(levels.values());
  const changed = new Map<string, LockedLevel>();
  for (const m of real) {
    const level = levels.get(levelKey(m.sku, m.warehouseId));
    if (!level) throw new Error(`stock level ${m.sku}/${m.warehouseId} was not locked`);
    level.onHand += m.onHandDelta;
    level.reserved += m.reservedDelta;
    if (m.onHandDelta !== 0 && options.bumpVersion !== false) level.version += 1;
    changed.set(levelKey(m.sku, m.warehouseId), level);
  }
  const rows = [...changed.values()];
  await tx.$executeRaw`
    UPDATE inventory.stock_level l
    SET on_hand = v."onHand", reserved = v.reserved, version = v.version, updated_at = now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(sku text, "warehouseId" uuid, "onHand" int, reserved int, version int)
    WHERE l.sku = v.sku AND l.warehouse_id = v."warehouseId"`;
  await tx.$executeRaw`
    INSERT INTO inventory.stock_movement (sku, warehouse_id, kind, quantity, on_hand_delta, reserved_delta, reference, reason, actor)
    SELECT v.sku, v."warehouseId", v.kind::inventory.stock_movement_kind, greatest(abs(v."onHandDelta"), abs(v."reservedDelta")),
           v."onHandDelta", v."reservedDelta", v.reference, v.reason, ${options.actor}
    FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(real)}::jsonb)
      AS (sku text, "warehouseId" uuid, kind text, "onHandDelta" int, "reservedDelta" int, reference text, reason text)) WITH ORDINALITY
      AS v(sku, "warehouseId", kind, "onHandDelta", "reservedDelta", reference, reason, n)
    ORDER BY v.n`;
  const all = [...levels.values()];
  const availableAfter = availableBySku(all);
  const availableOf = (filter: (l: LockedLevel) => boolean) => all.filter(filter).reduce((sum, l) => sum + l.onHand - l.reserved, 0);
  await recordEvents(
    tx,
    'inventory',
    rows.map((l) => ({
      topic: 'inventory.stock_changed' as const,
      payload: {
        sku: l.sku,
        variantId: l.variantId,
        productId: l.productId,
        warehouseId: l.warehouseId,
        onHand: l.onHand,
        reserved: l.reserved,
        available: l.onHand - l.reserved,
        skuAvailable: availableAfter.get(l.sku)!,
        productAvailable: availableOf((x) => x.productId === l.productId),
        reason: options.eventReason,
      },
    })),
    options.meta,
  );
  await recordStockLow(tx, all, availableBefore, availableAfter, new Set(rows.map((l) => l.sku)), options.meta);
  return rows.map((l) => ({ variantId: l.variantId, productId: l.productId }));
}

/** Each SKU's available quantity (on hand - reserved) summed over its locked levels. */
function availableBySku(levels: Iterable<LockedLevel>): Map<string, number> {
  const bySku = new Map<string, number>();
  for (const l of levels) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.onHand - l.reserved);
  return bySku;
}

/**
 * `inventory.stock_low` for each changed SKU whose available quantity went from above its
 * threshold (the sum of its levels' thresholds, as the per-warehouse flag sums them) to at or
 * below it. Only the crossing counts: a SKU already low that sells more says nothing again
 * until it has come back above the threshold.
 */
async function recordStockLow(
  tx: Tx,
  levels: readonly LockedLevel[],
  before: Map<string, number>,
  after: Map<string, number>,
  skus: Set<string>,
  meta: EventMeta,
): Promise<void> {
  // One pass over the locked levels: each changed SKU's summed threshold and its first level (ids for the event).
  const ofSku = new Map<string, { threshold: number; level: LockedLevel }>();
  for (const l of levels) {
    if (!skus.has(l.sku)) continue;
    const seen = ofSku.get(l.sku);
    if (seen) seen.threshold += l.lowStockThreshold;
    else ofSku.set(l.sku, { threshold: l.lowStockThreshold, level: l });
  }
  const crossed = [...skus].flatMap((sku) => {
    const { threshold, level } = ofSku.get(sku)!;
    const was = before.get(sku) ?? 0;
    const now = after.get(sku) ?? 0;
    return was > threshold && now <= threshold ? [{ sku, variantId: level.variantId, productId: level.productId, available: now, threshold }] : [];
  });
  if (crossed.length === 0) return;
  await recordEvents(
    tx,
    'inventory',
    crossed.map((payload) => ({ topic: 'inventory.stock_low' as const, payload })),
    meta,
  );
}
