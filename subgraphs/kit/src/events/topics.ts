import { z } from 'zod';

/**
 * The topics of Shopgraph's domain events: name -> owning source, aggregate and payload
 * schema. Producers (recordEvents) and consumers (EventBus.subscribe) both read this one
 * file, so they agree on every payload. Add a topic here before recording it.
 */

/** Owning Postgres schema of an event: its outbox table is `<source>.outbox_event`. */
export const EVENT_SOURCES = ['catalog', 'inventory', 'cart', 'ordering', 'reco'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "19.90"');
const id = z.string().min(1);
const quantity = z.number().int();

const uuidLike = z.string().min(1);
const moneyLine = { productId: id, variantId: id, sku: z.string().min(1), quantity: z.number().int().positive(), unitPrice: decimal };

/** What a catalog write says of the product it changed (product.changed `product`). */
const productSnapshot = z.object({
  status: z.enum(['DRAFT', 'ACTIVE', 'ARCHIVED']),
  /** Leaf category first, then its ancestors. */
  categoryIds: z.array(id).min(1),
  categoryNames: z.array(z.string()),
  categoryPath: z.string().min(1),
  brandId: id.nullable(),
  minPrice: decimal.nullable(),
  currency: z.string().length(3).nullable(),
  attributes: z.record(z.string(), z.unknown()),
  /** The product's variants (ids and SKUs), so inventory learns new SKUs. Optional: older events lack it. */
  variants: z.array(z.object({ id, sku: z.string().min(1) })).optional(),
  /** The owning seller (a SELLER's sub); null or absent: the shop's own. Inventory, orders and analytics learn it from here. */
  sellerId: id.nullable().optional(),
});

interface TopicDefinition<S extends EventSource, P extends z.ZodType> {
  source: S;
  /** Events of one aggregate are delivered in commit order (their rows are locked in order). */
  aggregateType: string;
  aggregateIdOf: (payload: z.infer<P>) => string;
  payload: P;
}

function topic<S extends EventSource, P extends z.ZodType>(definition: TopicDefinition<S, P>): TopicDefinition<S, P> {
  return definition;
}

export const EVENT_TOPICS = {
  /** A variant's price changed (admin setPrice, imports, a scheduled price starting or ending). */
  'product.price_changed': topic({
    source: 'catalog',
    aggregateType: 'product',
    aggregateIdOf: (p) => p.productId,
    payload: z.object({
      productId: id,
      variantId: id,
      sku: z.string().min(1),
      currency: z.string().length(3),
      oldPrice: decimal,
      newPrice: decimal,
      /**
       * Set for a scheduled price's start or end: when the price took effect. The event is
       * recorded at or after it (the boundary job runs every few seconds), never before.
       */
      effectiveAt: z.iso.datetime({ offset: true }).optional(),
    }),
  }),
  /**
   * A product was created, edited, published, archived or deleted, or became available or
   * sold out as a whole (`availability`: the catalog's in-stock flag, kept from stock events).
   */
  'product.changed': topic({
    source: 'catalog',
    aggregateType: 'product',
    aggregateIdOf: (p) => p.productId,
    payload: z.object({
      productId: id,
      change: z.enum(['created', 'edited', 'published', 'archived', 'deleted', 'availability']),
      /** The product as it now is, for projections that keep their own copy (recommendations). */
      product: productSnapshot.optional(),
    }),
  }),
  /**
   * The category tree changed (admin). Products whose category path changed with it
   * (renamed, moved) get their own product.changed events in the same transaction.
   */
  'category.changed': topic({
    source: 'catalog',
    aggregateType: 'category',
    aggregateIdOf: (p) => p.categoryId,
    payload: z.object({
      categoryId: id,
      change: z.enum(['created', 'renamed', 'moved', 'deleted']),
      /** Slug path after the change (before it, for deleted). */
      path: z.string().min(1),
    }),
  }),
  /** A brand was created or changed (admin). */
  'brand.changed': topic({
    source: 'catalog',
    aggregateType: 'brand',
    aggregateIdOf: (p) => p.brandId,
    payload: z.object({ brandId: id, change: z.enum(['created']) }),
  }),
  /**
   * Stock of one SKU in one warehouse changed. `productAvailable` is the sum over all the
   * product's SKUs and warehouses after the change, so consumers need no extra read; the
   * producer serialises changes per product (locks the product's stock rows) so that sum
   * and the order of one product's events follow commit order.
   */
  'inventory.stock_changed': topic({
    source: 'inventory',
    aggregateType: 'product',
    aggregateIdOf: (p) => p.productId,
    payload: z.object({
      sku: z.string().min(1),
      variantId: id,
      productId: id,
      warehouseId: id,
      onHand: quantity,
      reserved: quantity,
      available: quantity,
      /** The SKU's sellable quantity over all warehouses after the change (its variant's availability). */
      skuAvailable: quantity,
      productAvailable: quantity,
      reason: z.string().min(1),
    }),
  }),
  /**
   * The recommendation refresh recomputed these products' rules (also bought, bought together),
   * and the trending ranking when `trending`: what was cached of them is stale.
   */
  'recommendation.refreshed': topic({
    source: 'reco',
    aggregateType: 'recommendations',
    aggregateIdOf: () => 'refresh',
    payload: z.object({ productIds: z.array(id), trending: z.boolean() }),
  }),
  /** A customer's order was placed (checkout created it; it may still fail payment: see order.status_changed). */
  'order.placed': topic({
    source: 'ordering',
    aggregateType: 'order',
    aggregateIdOf: (p) => p.orderId,
    payload: z.object({
      orderId: id,
      customerId: uuidLike,
      placedAt: z.iso.datetime({ offset: true }),
      currency: z.string().length(3),
      grandTotal: decimal,
      lines: z.array(z.object(moneyLine)).min(1),
    }),
  }),
  /** An order moved through its lifecycle (CONFIRMED, FAILED, SHIPPED, DELIVERED, CANCELLED, REFUNDED, PARTIALLY_REFUNDED). */
  'order.status_changed': topic({
    source: 'ordering',
    aggregateType: 'order',
    aggregateIdOf: (p) => p.orderId,
    payload: z.object({
      orderId: id,
      customerId: uuidLike,
      status: z.string().min(1),
      previousStatus: z.string().min(1).nullable(),
      /** SHIPPED: the parcel's tracking number and carrier, when the admin gave them (issue 11). */
      trackingNumber: z.string().min(1).optional(),
      carrier: z.string().min(1).optional(),
    }),
  }),
  /** Anything a cart's holder would see change: items, quantities, coupon, merge, expiry, checkout. */
  'cart.changed': topic({
    source: 'cart',
    aggregateType: 'cart',
    aggregateIdOf: (p) => p.cartId,
    payload: z.object({
      cartId: id,
      customerId: uuidLike.nullable(),
      change: z.enum(['item_added', 'item_updated', 'item_removed', 'cleared', 'coupon', 'merged', 'expired', 'checked_out', 'price']),
    }),
  }),
  /** A product went into a cart (a behaviour signal for recommendations). */
  'cart.item_added': topic({
    source: 'cart',
    aggregateType: 'cart',
    aggregateIdOf: (p) => p.cartId,
    payload: z.object({
      cartId: id,
      customerId: uuidLike.nullable(),
      productId: id,
      variantId: id,
      quantity: z.number().int().positive(),
    }),
  }),
  // --- issue 11 (hooks): payments, refunds and low stock, for webhooks and notifications ---
  /** Checkout captured an order's payment (in the transaction that confirms the order). */
  'payment.captured': topic({
    source: 'ordering',
    aggregateType: 'order',
    aggregateIdOf: (p) => p.orderId,
    payload: z.object({ orderId: id, paymentId: id, customerId: uuidLike, amount: decimal, currency: z.string().length(3) }),
  }),
  /** Money went back to the customer: an admin refund, or the refund of a cancelled order (reason "order cancelled"). */
  'refund.issued': topic({
    source: 'ordering',
    aggregateType: 'order',
    aggregateIdOf: (p) => p.orderId,
    payload: z.object({ orderId: id, refundId: id, customerId: uuidLike, amount: decimal, currency: z.string().length(3), reason: z.string().min(1) }),
  }),
  /**
   * A SKU's available quantity (over all warehouses) went from above its threshold (the sum of
   * its levels' low_stock_threshold) to at or below it: once per crossing, not on every change.
   */
  'inventory.stock_low': topic({
    source: 'inventory',
    aggregateType: 'product',
    aggregateIdOf: (p) => p.productId,
    payload: z.object({ sku: z.string().min(1), variantId: id, productId: id, available: quantity, threshold: quantity }),
  }),
  // --- end issue 11 (hooks) ---

  // ---- wishlists (issue 10, cart)
  /**
   * A variant a customer saved fell below the price they saved it at (one event per customer
   * and price change that lowered it: `oldPrice` is the price before the change).
   */
  'wishlist.price_dropped': topic({
    source: 'cart',
    aggregateType: 'wishlist',
    aggregateIdOf: (p) => p.customerId,
    payload: z.object({
      customerId: uuidLike,
      productId: id,
      variantId: id,
      sku: z.string().min(1),
      currency: z.string().length(3),
      priceWhenSaved: decimal,
      oldPrice: decimal,
      newPrice: decimal,
    }),
  }),
  // ---------------------------------------------------------------- analytics (issue 11)
  /**
   * A product page view that counted (trackProductView: once per viewer and product in 30
   * minutes), recorded with the view's signal so analytics sees every counted view once.
   */
  'product.viewed': topic({
    source: 'reco',
    aggregateType: 'product',
    aggregateIdOf: (p) => p.productId,
    payload: z.object({ productId: id, viewedAt: z.iso.datetime({ offset: true }) }),
  }),
  // ------------------------------------------------------------- reviews and ratings (issue 10)
  /**
   * A product's rating over its APPROVED reviews changed (a review approved, rejected after
   * approval, edited back to moderation, or deleted). Recorded in the transaction that moves
   * the aggregate, so `rating` and `reviewCount` are the values as of that commit.
   */
  'product.rating_changed': topic({
    source: 'catalog',
    aggregateType: 'product',
    aggregateIdOf: (p) => p.productId,
    payload: z.object({
      productId: id,
      /** Average stars over approved reviews, rounded half up to 2 decimals ("4.33"); "0.00" with none. */
      rating: decimal,
      reviewCount: z.number().int().min(0),
      /** Stars of the review this change approved for the first time (a new review going public), else null. */
      newlyApprovedRating: z.number().int().min(1).max(5).nullable(),
    }),
  }),
  // ---- accounts (issue 10). No email or name in the payloads: consumers read them from the owner.
  /** A customer registered (a welcome notification, signup analytics). */
  'customer.registered': topic({
    source: 'ordering',
    aggregateType: 'customer',
    aggregateIdOf: (p) => p.customerId,
    payload: z.object({ customerId: id, registeredAt: z.iso.datetime({ offset: true }) }),
  }),
  /** A customer's password changed and every other session ended (a security notice). */
  'customer.password_changed': topic({
    source: 'ordering',
    aggregateType: 'customer',
    aggregateIdOf: (p) => p.customerId,
    payload: z.object({ customerId: id, changedAt: z.iso.datetime({ offset: true }) }),
  }),
  /**
   * Sign-in sessions (families) of a customer ended: signed out, refresh-token reuse detected,
   * password changed or reset. Lists only the families this revocation ended (never the new
   * one a password change starts); every gateway refuses their access tokens from then on.
   */
  'customer.sessions_revoked': topic({
    source: 'ordering',
    aggregateType: 'customer',
    aggregateIdOf: (p) => p.customerId,
    payload: z.object({
      customerId: id,
      familyIds: z.array(id).min(1),
      reason: z.enum(['SIGNED_OUT', 'REUSE_DETECTED', 'PASSWORD_CHANGED', 'PASSWORD_RESET']),
      revokedAt: z.iso.datetime({ offset: true }),
    }),
  }),
  /**
   * A customer asked for a password reset (the notification consumer sends the link). The
   * token is sealed (AES-256-GCM, order subgraph's key): the event log never holds it in clear.
   */
  'customer.password_reset_requested': topic({
    source: 'ordering',
    aggregateType: 'customer',
    aggregateIdOf: (p) => p.customerId,
    payload: z.object({
      customerId: id,
      /** The reset token's row; also the sealed token's associated data. */
      resetId: id,
      expiresAt: z.iso.datetime({ offset: true }),
      sealedToken: z.string().min(1),
    }),
  }),
} as const;

export type TopicName = keyof typeof EVENT_TOPICS;
export type EventPayload<T extends TopicName> = z.infer<(typeof EVENT_TOPICS)[T]['payload']>;
/** Topics a source may record (a subgraph writes only its own schema's outbox). */
export type TopicOf<S extends EventSource> = {
  [T in TopicName]: (typeof EVENT_TOPICS)[T]['source'] extends S ? T : never;
}[TopicName];

export const TOPIC_NAMES = Object.keys(EVENT_TOPICS) as TopicName[];

export function isTopicName(name: string): name is TopicName {
  return Object.hasOwn(EVENT_TOPICS, name);
}

export function isEventSource(name: string): name is EventSource {
  return (EVENT_SOURCES as readonly string[]).includes(name);
}

export function sourceOfTopic(topic: TopicName): EventSource {
  return EVENT_TOPICS[topic].source;
}
