import { recordEvents, type EventPayload, type Prisma, type PrismaClient } from '@shopgraph/kit';
import type { CatalogCaches } from '../caches.js';
import { PriceTimeline, type PriceWindow } from './priceTimeline.js';
import { productChangedEvents } from './productSnapshot.js';

type Tx = Prisma.TransactionClient;

/** What one transaction recorded at window boundaries. */
export interface RecordedBoundaries {
  /** Window starts and ends marked as recorded. */
  boundaries: number;
  /** Products of those windows. */
  productIds: string[];
  /**
   * Those whose shown prices moved: a product.price_changed was recorded for one of their
   * variants, or their effective_min_price (listings, search, the product.changed snapshot) moved.
   */
  movedProductIds: string[];
  /** product.price_changed events recorded (a boundary that changes no price records none). */
  events: number;
}

const NOTHING: RecordedBoundaries = { boundaries: 0, productIds: [], movedProductIds: [], events: 0 };

/**
 * Brings product.sale_min_price (and so the generated effective_min_price that listings and
 * search filter and sort on) to the prices in effect at the transaction's time: the lowest of
 * each variant's window price or base price while a window of one of them is open, null
 * otherwise. Every write of base prices or windows calls it in its own transaction. Returns the
 * products whose effective_min_price moved.
 */
export async function refreshSaleMinPrices(tx: Tx, productIds: readonly string[]): Promise<string[]> {
  if (productIds.length === 0) return [];
  const ids = [...new Set(productIds)];
  // Product rows locked in id order: two boundary batches touching the same products wait
  // for each other instead of deadlocking.
  await tx.$queryRawUnsafe(`SELECT 1 FROM catalog.product WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE`, ids);
  // r.before is read from the statement's snapshot, so it is the effective price before this update.
  const rows = await tx.$queryRawUnsafe<Array<{ id: string; moved: boolean }>>(
    `UPDATE catalog.product p SET sale_min_price = r.sale_min
     FROM (SELECT v.product_id, min(q.effective_min_price) AS before,
                  CASE WHEN bool_or(w.id IS NOT NULL) THEN min(coalesce(w.price, v.price)) END AS sale_min
             FROM catalog.product_variant v
             JOIN catalog.product q ON q.id = v.product_id
             LEFT JOIN catalog.scheduled_price w ON w.variant_id = v.id AND w.starts_at <= now() AND now() < w.ends_at
            WHERE v.product_id = ANY ($1::uuid[])
            GROUP BY v.product_id) r
     WHERE p.id = r.product_id AND p.sale_min_price IS DISTINCT FROM r.sale_min
     RETURNING p.id::text, p.effective_min_price IS DISTINCT FROM r.before AS moved`,
    ids,
  );
  return rows.filter((r) => r.moved).map((r) => r.id);
}

/**
 * After a write of a product's base prices: its base range (min_price, max_price) and, from
 * them and its open windows, its effective price. Every base price write calls this in its transaction.
 */
export async function refreshPriceRange(tx: Tx, productId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE catalog.product p SET min_price = r.min, max_price = r.max, updated_at = now()
    FROM (SELECT min(price) AS min, max(price) AS max FROM catalog.product_variant WHERE product_id = ${productId}::uuid) r
    WHERE p.id = ${productId}::uuid`;
  await refreshSaleMinPrices(tx, [productId]);
}

interface WindowRow {
  id: string;
  variant_id: string;
  starts_at: Date;
  ends_at: Date;
  price: Prisma.Decimal;
  start_due: boolean;
  end_due: boolean;
}

interface VariantRow {
  id: string;
  product_id: string;
  sku: string;
  currency: string;
  price: Prisma.Decimal;
}

/**
 * Records the window starts and ends of the given variants that have passed and were not yet
 * recorded: marks them recorded, refreshes their products' effective price and records one
 * `product.price_changed` per variant whose price changed, all in the caller's transaction.
 * The caller holds the variants' row locks (FOR UPDATE), so one transaction records a boundary.
 *
 * The event says the price before the first unrecorded boundary and the price in effect now,
 * with `effectiveAt` the boundary's own time: a run that comes late announces the price that
 * holds when it commits (a later setPrice cannot be overtaken), and writes no price history,
 * since the history already counts the windows at their own times (PriceTimeline).
 */
export async function recordDueBoundaries(tx: Tx, variantIds: readonly string[]): Promise<RecordedBoundaries> {
  if (variantIds.length === 0) return NOTHING;
  const windows = await tx.$queryRawUnsafe<WindowRow[]>(
    `SELECT id::text, variant_id::text, starts_at, ends_at, price,
            start_applied_at IS NULL AND starts_at <= now() AS start_due,
            end_applied_at IS NULL AND ends_at <= now() AS end_due
       FROM catalog.scheduled_price WHERE variant_id = ANY ($1::uuid[])`,
    [...new Set(variantIds)],
  );
  const due = windows.filter((w) => w.start_due || w.end_due);
  if (due.length === 0) return NOTHING;
  const dueVariantIds = [...new Set(due.map((w) => w.variant_id))];
  const [variants, changes, [clock]] = await Promise.all([
    tx.$queryRawUnsafe<VariantRow[]>(
      `SELECT id::text, product_id::text, sku, currency, price FROM catalog.product_variant WHERE id = ANY ($1::uuid[])`,
      dueVariantIds,
    ),
    tx.priceChange.findMany({ where: { variantId: { in: dueVariantIds } }, select: { variantId: true, effectiveAt: true, oldPrice: true, newPrice: true } }),
    tx.$queryRawUnsafe<Array<{ now: Date }>>(`SELECT now() AS now`),
  ]);
  const now = clock!.now.getTime();

  const events: Array<{ topic: 'product.price_changed'; payload: EventPayload<'product.price_changed'> }> = [];
  for (const variant of variants) {
    const own = windows.filter((w) => w.variant_id === variant.id);
    const instants = own.flatMap((w) => [...(w.start_due ? [w.starts_at.getTime()] : []), ...(w.end_due ? [w.ends_at.getTime()] : [])]).sort((a, b) => a - b);
    const timeline = new PriceTimeline(
      variant.price,
      changes.filter((c) => c.variantId === variant.id),
      own.map((w): PriceWindow => ({ startsAt: w.starts_at, endsAt: w.ends_at, price: w.price })),
    );
    const before = timeline.effectiveAt(instants[0]! - 1) ?? variant.price;
    const after = timeline.effectiveAt(now) ?? variant.price;
    // A window that ran its whole course unrecorded (the job was down) changes nothing now.
    if (before.equals(after)) continue;
    events.push({
      topic: 'product.price_changed',
      payload: {
        productId: variant.product_id,
        variantId: variant.id,
        sku: variant.sku,
        currency: variant.currency.trim(),
        oldPrice: before.toFixed(2),
        newPrice: after.toFixed(2),
        effectiveAt: new Date(instants.at(-1)!).toISOString(),
      },
    });
  }

  const startIds = due.filter((w) => w.start_due).map((w) => w.id);
  const endIds = due.filter((w) => w.end_due).map((w) => w.id);
  await tx.$executeRawUnsafe(`UPDATE catalog.scheduled_price SET start_applied_at = now() WHERE id = ANY ($1::uuid[])`, startIds);
  await tx.$executeRawUnsafe(`UPDATE catalog.scheduled_price SET end_applied_at = now() WHERE id = ANY ($1::uuid[])`, endIds);
  const productIds = [...new Set(variants.map((v) => v.product_id))];
  const movedRanges = await refreshSaleMinPrices(tx, productIds);
  const movedProductIds = [...new Set([...movedRanges, ...events.map((e) => e.payload.productId)])];
  await recordEvents(tx, 'catalog', events, { actor: 'system' });
  return { boundaries: startIds.length + endIds.length, productIds, movedProductIds, events: events.length };
}

/**
 * Scheduled prices at their boundaries, for what is stored rather than computed when read:
 * the products' effective price (listings, search) and the `product.price_changed` event
 * (search reindex, the gateway's response cache, live subscriptions, cart prices). Every
 * instance runs it (PriceBoundaryJob); each batch claims its variants with FOR UPDATE SKIP
 * LOCKED and marks the boundaries recorded in the same transaction as the events, so a
 * boundary is recorded once whichever instance gets there first.
 */
export class PriceBoundaryService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly caches: CatalogCaches,
  ) {}

  /** Records every boundary passed by now, batch after batch; returns the totals. */
  async recordDue(batchSize = 200): Promise<RecordedBoundaries> {
    const total = { boundaries: 0, productIds: new Set<string>(), movedProductIds: new Set<string>(), events: 0 };
    for (;;) {
      const { claimed, recorded } = await this.recordBatch(batchSize);
      total.boundaries += recorded.boundaries;
      total.events += recorded.events;
      for (const id of recorded.productIds) total.productIds.add(id);
      for (const id of recorded.movedProductIds) total.movedProductIds.add(id);
      if (claimed < batchSize) return { ...total, productIds: [...total.productIds], movedProductIds: [...total.movedProductIds] };
    }
  }

  private async recordBatch(batchSize: number): Promise<{ claimed: number; recorded: RecordedBoundaries }> {
    const { claimed, recorded } = await this.prisma.$transaction(async (tx) => {
      // Variants locked elsewhere (another instance's batch, a price write) are skipped: their
      // holder records their boundaries, or the next pass does.
      const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
        `SELECT v.id::text FROM catalog.product_variant v
          WHERE v.id IN (SELECT variant_id FROM catalog.scheduled_price WHERE start_applied_at IS NULL AND starts_at <= now()
                         UNION SELECT variant_id FROM catalog.scheduled_price WHERE end_applied_at IS NULL AND ends_at <= now())
          ORDER BY v.id LIMIT $1 FOR UPDATE OF v SKIP LOCKED`,
        batchSize,
      );
      // Read again under the locks: a batch that committed meanwhile has marked its boundaries.
      const recorded = await recordDueBoundaries(tx, rows.map((r) => r.id));
      // The snapshot's consumers (recommendation facts, search) follow the price in effect too.
      // (schedulePrice and cancelScheduledPrice record their own product.changed.)
      await recordEvents(tx, 'catalog', await productChangedEvents(tx, recorded.movedProductIds, 'edited'), { actor: 'system' });
      return { claimed: rows.length, recorded };
    });
    await evictBoundaries(this.caches, recorded);
    return { claimed, recorded };
  }
}

/** After the commit: cached product rows (their effective price), windows and listings. */
async function evictBoundaries(caches: CatalogCaches, recorded: RecordedBoundaries): Promise<void> {
  if (recorded.boundaries === 0) return;
  await Promise.all([caches.product.invalidate(recorded.productIds), caches.scheduledPricesOfProduct.invalidate(recorded.productIds), caches.generations.listing.bump()]);
}
