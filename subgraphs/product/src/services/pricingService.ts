import { DomainError, ErrorCode, InputError, NotFoundError, Prisma, isUuid, recordEvents, type EventMeta, type FieldError, type PrismaClient } from '@shopgraph/kit';
import type { CatalogCaches } from '../caches.js';
import type { ScheduledPriceModel, VariantModel } from '../models.js';
import { recordDueBoundaries, refreshPriceRange, type RecordedBoundaries } from './priceBoundaries.js';
import { assertMayChange, assertMayChangeProduct } from './productOwnership.js';
import { productChangedEvents } from './productSnapshot.js';
import { PRICE_PATTERN as PRICE, parseId, parseInput, reason as reasonRule, schedulePriceInput } from './adminInput.js';

const MAX_REASON = 500;

export interface SetPriceInput {
  variantId: string;
  price: string;
  reason?: string | null;
}

/** The event metadata of a change: who made it and in which request. */
export function eventMeta(actor: Pick<ChangeActor, 'subject' | 'requestId'>): EventMeta {
  return { actor: actor.subject, ...(actor.requestId && { requestId: actor.requestId }) };
}

/** Who makes a change: the identity's subject (kept with the history and the event) and the request. */
export interface ChangeActor {
  subject: string;
  requestId?: string;
  /** Set when a SELLER acts: they may change only their own products (productOwnership.ts). Absent: the shop (an admin). */
  sellerId?: string;
}

/**
 * Price changes: the variant's price, its product's price range (base and in effect), a price
 * history row and the event change in one transaction; after commit every cached copy is
 * evicted (read-your-writes) and every listing retired, since prices order and filter them.
 * The event then reaches search, the gateway's response cache, subscribers and cart prices.
 */
export class PricingService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly caches: CatalogCaches,
  ) {}

  async setPrice(actor: ChangeActor, input: SetPriceInput): Promise<VariantModel> {
    const errors: FieldError[] = [];
    if (!isUuid(input.variantId)) errors.push({ field: 'variantId', message: 'is not a variant id' });
    if (!PRICE.test(input.price)) errors.push({ field: 'price', message: 'must be a non-negative amount with at most 10 digits and 2 decimals' });
    if (input.reason != null && input.reason.length > MAX_REASON) errors.push({ field: 'reason', message: `must be at most ${MAX_REASON} characters` });
    else if (!reasonRule.safeParse(input.reason).success) errors.push({ field: 'reason', message: 'must not contain control characters' });
    if (errors.length > 0) throw new InputError(errors);

    const variant = await this.prisma.$transaction(async (tx) => {
      // The row lock orders concurrent changes of one variant, so history rows chain correctly.
      const [locked] = await tx.$queryRaw<Array<{ price: Prisma.Decimal; product_id: string; currency: string; sku: string; seller_id: string | null }>>`
        SELECT v.price, v.product_id::text, v.currency, v.sku, p.seller_id FROM catalog.product_variant v JOIN catalog.product p ON p.id = v.product_id
        WHERE v.id = ${input.variantId}::uuid FOR UPDATE OF v`;
      if (!locked) throw new NotFoundError('ProductVariant', 'variantId', input.variantId);
      assertMayChange(actor, locked.seller_id);
      const newPrice = new Prisma.Decimal(input.price);
      const updated = await tx.productVariant.update({ where: { id: input.variantId }, data: { price: newPrice } });
      await refreshPriceRange(tx, locked.product_id);
      if (!newPrice.equals(locked.price)) {
        const payload = {
          productId: locked.product_id,
          variantId: input.variantId,
          sku: locked.sku,
          currency: locked.currency,
          oldPrice: locked.price.toFixed(2),
          newPrice: newPrice.toFixed(2),
        };
        await tx.priceChange.create({
          data: {
            variantId: input.variantId,
            productId: locked.product_id,
            oldPrice: locked.price,
            newPrice,
            currency: locked.currency,
            changedBy: actor.subject,
            reason: input.reason ?? null,
          },
        });
        // product.price_changed says what a shopper pays (carts charge it). While a sale's start
        // has been announced and its end not yet, that stays the sale price: only caches
        // showing the base price (history) are told, by product.changed.
        const [sale] = await tx.$queryRaw<Array<{ id: string }>>`
          SELECT id::text FROM catalog.scheduled_price WHERE variant_id = ${input.variantId}::uuid AND start_applied_at IS NOT NULL AND end_applied_at IS NULL`;
        await recordEvents(
          tx,
          'catalog',
          sale ? await productChangedEvents(tx, [locked.product_id], 'edited') : [{ topic: 'product.price_changed', payload }],
          eventMeta(actor),
        );
      }
      return updated;
    });

    await Promise.all([
      this.caches.variant.invalidate([variant.id]),
      this.caches.variantsOfProduct.invalidate([variant.productId]),
      this.caches.product.invalidate([variant.productId]),
      this.caches.priceChangesOfProduct.invalidate([variant.productId]),
      this.caches.generations.listing.bump(),
    ]);
    return variant;
  }

  /**
   * A price for a window of time. Displayed prices need nothing at the boundaries: readers
   * compute the price in effect from the windows (PriceTimeline), so a sale shows on time on
   * every instance, and responses showing it are cached no longer than until the next
   * boundary. What is stored (the effective price listings and search use) and announced
   * (product.price_changed) moves at the boundaries through PriceBoundaryService; a window
   * that starts now is recorded here, in this transaction. Windows of one variant may not
   * overlap (checked under the variant's row lock). A window given a start in the past starts
   * now: history is never rewritten. The product.changed event (edited, with its snapshot)
   * retires cached responses that showed the old price.
   */
  async schedulePrice(actor: ChangeActor, raw: unknown): Promise<ScheduledPriceModel> {
    const input = parseInput(schedulePriceInput, raw, 'input');
    const { startsAt } = input;
    const { scheduled, recorded } = await this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<Array<{ product_id: string; currency: string; seller_id: string | null }>>`
        SELECT v.product_id::text, v.currency, p.seller_id FROM catalog.product_variant v JOIN catalog.product p ON p.id = v.product_id
        WHERE v.id = ${input.variantId}::uuid FOR UPDATE OF v`;
      if (!locked) throw new NotFoundError('ProductVariant', 'input.variantId', input.variantId);
      assertMayChange(actor, locked.seller_id);
      const overlapping = await tx.scheduledPrice.findFirst({
        where: { variantId: input.variantId, startsAt: { lt: input.endsAt }, endsAt: { gt: startsAt } },
        select: { startsAt: true, endsAt: true },
      });
      if (overlapping) {
        throw InputError.of('input.startsAt', `overlaps the scheduled price from ${overlapping.startsAt.toISOString()} to ${overlapping.endsAt.toISOString()}`);
      }
      const created = await tx.scheduledPrice.create({
        data: {
          variantId: input.variantId,
          productId: locked.product_id,
          price: new Prisma.Decimal(input.price),
          currency: locked.currency,
          startsAt,
          endsAt: input.endsAt,
          reason: input.reason ?? null,
          createdBy: actor.subject,
        },
      });
      await markScheduledUntil(tx, input.variantId, locked.product_id);
      const recorded = await recordDueBoundaries(tx, [input.variantId]);
      await recordEvents(tx, 'catalog', await productChangedEvents(tx, [locked.product_id], 'edited'), eventMeta(actor));
      return { scheduled: created, recorded };
    });
    await this.evictSchedules(scheduled.productId, scheduled.variantId, recorded);
    return scheduled;
  }

  /**
   * Removes a window that has not started, or ends one that has now (what already ran is
   * history that lowestPrice reads). An ended window cannot be cancelled (CONFLICT).
   */
  async cancelScheduledPrice(actor: ChangeActor, rawId: string): Promise<string> {
    const id = parseId('id', rawId);
    const { productId, variantId, recorded } = await this.prisma.$transaction(async (tx) => {
      // The variant's row lock first, as every price write and the boundary job take it (so a
      // boundary of this variant is recorded by one transaction, and locks come in one order).
      await tx.$queryRaw`SELECT 1 FROM catalog.product_variant WHERE id = (SELECT variant_id FROM catalog.scheduled_price WHERE id = ${id}::uuid) FOR UPDATE`;
      // Times in the column's milliseconds.
      const [row] = await tx.$queryRaw<Array<{ product_id: string; variant_id: string; started: boolean; ended: boolean }>>`
        SELECT product_id::text, variant_id::text, starts_at < date_trunc('milliseconds', now()) AS started, ends_at <= now() AS ended
        FROM catalog.scheduled_price WHERE id = ${id}::uuid FOR UPDATE`;
      if (!row) throw new NotFoundError('ScheduledPrice', 'id', id);
      await assertMayChangeProduct(tx, actor, row.product_id);
      if (row.ended) throw new DomainError(ErrorCode.CONFLICT, 'This scheduled price has ended; it stays in the price history', { field: 'id' });
      // Truncated: rounded up, the end would lie after now() and the window stay open in this transaction.
      if (row.started) await tx.$executeRaw`UPDATE catalog.scheduled_price SET ends_at = date_trunc('milliseconds', now()) WHERE id = ${id}::uuid`;
      else await tx.scheduledPrice.delete({ where: { id } });
      await markScheduledUntil(tx, row.variant_id, row.product_id);
      // A started window ends now: its end is recorded here (a window not started leaves nothing to record).
      const recorded = await recordDueBoundaries(tx, [row.variant_id]);
      await recordEvents(tx, 'catalog', await productChangedEvents(tx, [row.product_id], 'edited'), eventMeta(actor));
      return { productId: row.product_id, variantId: row.variant_id, recorded };
    });
    await this.evictSchedules(productId, variantId, recorded);
    return id;
  }

  /** The product's rows (its windows, effective price) always; listings only when a boundary was recorded (the effective price may have moved). */
  private async evictSchedules(productId: string, variantId: string, recorded: RecordedBoundaries): Promise<void> {
    await Promise.all([
      ...(recorded.boundaries > 0 ? [this.caches.generations.listing.bump()] : []),
      this.caches.scheduledPricesOfProduct.invalidate([productId]),
      this.caches.product.invalidate([productId]),
      this.caches.variant.invalidate([variantId]),
      this.caches.variantsOfProduct.invalidate([productId]),
    ]);
  }
}

/** Keeps scheduled_until (the latest end of a window) on the variant and its product. */
async function markScheduledUntil(tx: Prisma.TransactionClient, variantId: string, productId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE catalog.product_variant SET scheduled_until = (SELECT max(ends_at) FROM catalog.scheduled_price WHERE variant_id = ${variantId}::uuid)
    WHERE id = ${variantId}::uuid`;
  await tx.$executeRaw`
    UPDATE catalog.product SET scheduled_until = (SELECT max(ends_at) FROM catalog.scheduled_price WHERE product_id = ${productId}::uuid)
    WHERE id = ${productId}::uuid`;
}
