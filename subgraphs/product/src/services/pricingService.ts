import { InputError, NotFoundError, Prisma, isUuid, recordEvents, type FieldError, type PrismaClient } from '@shopgraph/kit';
import type { CatalogCaches } from '../caches.js';
import type { VariantModel } from '../models.js';

/** Up to 10 whole digits and 2 decimals: what numeric(12,2) holds. */
const PRICE = /^\d{1,10}(\.\d{1,2})?$/;
const MAX_REASON = 500;

export interface SetPriceInput {
  variantId: string;
  price: string;
  reason?: string | null;
}

/** Who makes a change: the identity's subject (kept with the history and the event) and the request. */
export interface ChangeActor {
  subject: string;
  requestId?: string;
}

/**
 * Price changes: the variant's price, its product's price range, a price history row and the
 * `product.price_changed` event change in one transaction; after commit every cached copy is
 * evicted (read-your-writes) and every listing retired, since prices order and filter them.
 * The event then reaches search, the gateway's response cache and subscribers.
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
    if (errors.length > 0) throw new InputError(errors);

    const variant = await this.prisma.$transaction(async (tx) => {
      // The row lock orders concurrent changes of one variant, so history rows chain correctly.
      const [locked] = await tx.$queryRaw<Array<{ price: Prisma.Decimal; product_id: string; currency: string; sku: string }>>`
        SELECT price, product_id::text, currency, sku FROM catalog.product_variant WHERE id = ${input.variantId}::uuid FOR UPDATE`;
      if (!locked) throw new NotFoundError('ProductVariant', 'variantId', input.variantId);
      const newPrice = new Prisma.Decimal(input.price);
      const updated = await tx.productVariant.update({ where: { id: input.variantId }, data: { price: newPrice } });
      if (!newPrice.equals(locked.price)) {
        const payload = {
          productId: locked.product_id,
          variantId: input.variantId,
          sku: locked.sku,
          currency: locked.currency,
          oldPrice: locked.price.toFixed(2),
          newPrice: newPrice.toFixed(2),
        };
        await recordEvents(tx, 'catalog', [{ topic: 'product.price_changed', payload }], { actor: actor.subject, ...(actor.requestId && { requestId: actor.requestId }) });
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
      }
      await tx.$executeRaw`
        UPDATE catalog.product p SET min_price = r.min, max_price = r.max, updated_at = now()
        FROM (SELECT min(price) AS min, max(price) AS max FROM catalog.product_variant WHERE product_id = ${locked.product_id}::uuid) r
        WHERE p.id = ${locked.product_id}::uuid`;
      return updated;
    });

    await Promise.all([
      this.caches.variant.invalidate([variant.id]),
      this.caches.variantsOfProduct.invalidate([variant.productId]),
      this.caches.product.invalidate([variant.productId]),
      this.caches.generations.listing.bump(),
    ]);
    return variant;
  }
}
