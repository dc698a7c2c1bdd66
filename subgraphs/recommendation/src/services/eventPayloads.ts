import { z } from 'zod';
import { EVENT_TOPICS, isUuid } from '@shopgraph/kit';

/**
 * What the recommendation side reads of each domain event it consumes. The envelope is the
 * event bus's DomainEvent (id, occurredAt, payload); payloads are checked here, so an event
 * missing what we need fails loudly (and is retried, then dead-lettered) instead of
 * corrupting signals. Fields we do not use are allowed and ignored.
 */
export interface ConsumedEvent<P = unknown> {
  /** UUID; delivery is at least once, so it is recorded and a second delivery does nothing. */
  id: string;
  /** ISO 8601; when the fact became true. */
  occurredAt: string;
  payload: P;
}

const uuid = z.string().refine(isUuid, 'must be a UUID').transform((v) => v.toLowerCase());
const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal string such as "19.90"');

export const eventEnvelope = z.object({ id: uuid, occurredAt: z.iso.datetime({ offset: true }), payload: z.unknown() });

/** order.placed: who bought what, one line per variant. */
export const orderPlaced = z.object({
  orderId: uuid,
  customerId: uuid,
  placedAt: z.iso.datetime({ offset: true }).optional(),
  lines: z
    .array(z.object({ productId: uuid, variantId: z.string().min(1), quantity: z.number().int().positive(), unitPrice: decimal }))
    .min(1),
});

/** order.status_changed: a cancelled order's products were never bought. */
export const orderStatusChanged = z.object({ orderId: uuid, status: z.string().min(1) });

/**
 * cart.item_added: the cart's customer when signed in. The registry allows any non-empty
 * customer id (a cart keeps the token's subject as it is); only a UUID one can have a
 * customer history here, the product's cart add counts either way.
 */
export const cartItemAdded = z.object({
  cartId: z.string().min(1),
  customerId: z
    .string()
    .min(1)
    .nullable()
    .optional()
    .transform((v) => (v != null && isUuid(v) ? v.toLowerCase() : null)),
  productId: uuid,
  variantId: z.string().min(1),
  quantity: z.number().int().positive(),
});

/**
 * product.changed carrying the product as it now is (`product`), which the projection needs:
 * its category with ancestors leaf first (ids, names, slug path), brand, lowest price,
 * attributes and status. Without `product`, only "archived" and "deleted" can be applied;
 * "availability" (the catalog's own in-stock flip) never carries one and needs nothing here,
 * since stock comes from inventory.stock_changed. The kinds of change are the registry's
 * (kit events/topics.ts), so every change the catalog may record is accepted; the price is
 * a decimal string as the registry has it.
 */
export const productFacts = z.object({
  status: z.enum(['DRAFT', 'ACTIVE', 'ARCHIVED']),
  categoryIds: z.array(uuid).min(1),
  categoryNames: z.array(z.string()),
  categoryPath: z.string().min(1),
  brandId: uuid.nullable(),
  minPrice: z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "19.90"').nullable(),
  currency: z.string().length(3).nullable(),
  attributes: z.record(z.string(), z.unknown()),
});

export const productChanged = z.object({
  productId: uuid,
  change: EVENT_TOPICS['product.changed'].payload.shape.change,
  product: productFacts.optional(),
});

/** inventory.stock_changed: the product's availability over all SKUs and warehouses after the change. */
export const stockChanged = z.object({ productId: uuid, productAvailable: z.number().int() });

/** A product's review summary changed. */
export const ratingChanged = z.object({
  productId: uuid,
  rating: z.union([decimal, z.number().min(0).max(5)]).transform(Number).pipe(z.number().min(0).max(5)),
  reviewCount: z.number().int().min(0),
  /** Stars of a review this change approved for the first time (a good one is a trending signal). */
  newlyApprovedRating: z.number().int().min(1).max(5).nullish(),
});

/**
 * Attribute pairs as the catalog's search projection writes them: "name=value" per scalar,
 * one pair per element of an array.
 */
export function attributePairs(attributes: Record<string, unknown>): string[] {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') pairs.push(`${name}=${String(item)}`);
    }
  }
  return pairs;
}
