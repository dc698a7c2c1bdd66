// Behaviour signals and the product facts projection, as they arrive: product views from the
// storefront (trackProductView, which also records product.viewed for analytics), and the domain events of other subgraphs (orders, carts,
// catalog, stock, reviews). Each event is applied once: its id is recorded in the same
// transaction as its effects, so a redelivery does nothing. Each write marks what it made
// stale for the refresh job and evicts what it made wrong from the caches.
import { InputError, isUuid, NotFoundError, recordEvents, type Identity, type Logger, type PrismaClient } from '@shopgraph/kit';
import type { RecommendationCaches } from '../caches.js';
import type { RecommendationLoaders } from '../loaders.js';
import {
  attributePairs,
  cartItemAdded,
  eventEnvelope,
  orderPlaced,
  orderStatusChanged,
  productChanged,
  ratingChanged,
  stockChanged,
  type ConsumedEvent,
} from './eventPayloads.js';
import { enqueueRefresh, type Tx } from './refresh/ruleMining.js';
import { GOOD_REVIEW_MIN_STARS } from '../algorithms/trendingScore.js';
import type { ViewLimiter } from './viewLimiter.js';

const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** Purchases this far back still pair with a new one in also-bought (the rules' window). */
const RULE_WINDOW_DAYS = 90;

export interface SignalContext {
  loaders: RecommendationLoaders;
  identity: Identity;
}

const isoDay = (at: Date) => at.toISOString().slice(0, 10);

export class SignalService {
  constructor(
    private readonly deps: { prisma: PrismaClient; caches: RecommendationCaches; limiter: ViewLimiter; logger: Logger; now?: () => Date },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * A product page was viewed. Counts once per viewer and product in 30 minutes (answers
   * false otherwise); a viewer over 60 views a minute gets RATE_LIMITED. Bad input changes nothing.
   */
  async trackProductView(ctx: SignalContext, productId: string, sessionId: string | null | undefined): Promise<boolean> {
    if (!isUuid(productId)) throw InputError.of('productId', 'must be a product id (UUID)');
    if (sessionId != null && !SESSION_ID.test(sessionId)) throw InputError.of('sessionId', 'must be 8-64 letters, digits, "-" or "_"');
    const customerId = ctx.identity.kind === 'user' ? ctx.identity.subject : null;
    if (!customerId && sessionId == null) throw InputError.of('sessionId', 'is required for anonymous views (the storefront keeps one per visit)');
    const facts = await ctx.loaders.facts.load(productId);
    if (!facts?.active) throw new NotFoundError('Product', 'productId', productId);

    const viewer = customerId ? `customer:${customerId}` : `session:${sessionId}`;
    await this.deps.limiter.admit(viewer);
    if (!(await this.deps.limiter.counts(viewer, productId.toLowerCase(), !customerId))) return false;

    const at = this.now();
    await this.deps.prisma.$transaction(async (tx) => {
      // Analytics counts the same views: the event commits with the signal, and reaches the analytics batch writer through the bus.
      await recordEvents(tx, 'reco', [{ topic: 'product.viewed', payload: { productId: productId.toLowerCase(), viewedAt: at.toISOString() } }], {
        ...(customerId && { actor: customerId }),
      });
      await tx.$executeRawUnsafe(
        `INSERT INTO reco.product_daily_signal (product_id, day, views) VALUES ($1::uuid, $2::date, 1)
         ON CONFLICT (product_id, day) DO UPDATE SET views = product_daily_signal.views + 1`,
        productId,
        isoDay(at),
      );
      if (customerId) {
        await tx.$executeRawUnsafe(
          `INSERT INTO reco.customer_product_signal (customer_id, product_id, views, last_viewed_at) VALUES ($1::uuid, $2::uuid, 1, $3)
           ON CONFLICT (customer_id, product_id) DO UPDATE SET views = customer_product_signal.views + 1,
             last_viewed_at = greatest(customer_product_signal.last_viewed_at, EXCLUDED.last_viewed_at)`,
          customerId,
          productId,
          at,
        );
        await enqueueRefresh(tx, 'customer', [customerId]);
      }
    });
    return true;
  }

  /** order.placed: the purchase log, daily and customer counters; what the customer bought leaves their recommendations at once. */
  async onOrderPlaced(event: ConsumedEvent): Promise<boolean> {
    const { envelope, payload } = this.parse(event, orderPlaced);
    const at = new Date(payload.placedAt ?? envelope.occurredAt);
    const units = new Map<string, number>();
    for (const line of payload.lines) units.set(line.productId, (units.get(line.productId) ?? 0) + line.quantity);
    const products = [...units.keys()];
    const quantities = products.map((p) => units.get(p)!);
    const applied = await this.once(envelope.id, 'order.placed', async (tx) => {
      await tx.$executeRawUnsafe(
        `INSERT INTO reco.purchase (order_id, product_id, customer_id, quantity, purchased_at)
         SELECT $1::uuid, p, $2::uuid, q, $3 FROM unnest($4::uuid[], $5::int[]) AS t(p, q) ON CONFLICT DO NOTHING`,
        payload.orderId,
        payload.customerId,
        at,
        products,
        quantities,
      );
      await this.addDaily(tx, 'purchases', at, products, quantities);
      await tx.$executeRawUnsafe(
        `INSERT INTO reco.customer_product_signal (customer_id, product_id, purchases, last_purchased_at)
         SELECT $1::uuid, p, q, $2 FROM unnest($3::uuid[], $4::int[]) AS t(p, q)
         ON CONFLICT (customer_id, product_id) DO UPDATE SET purchases = customer_product_signal.purchases + EXCLUDED.purchases,
           last_purchased_at = greatest(customer_product_signal.last_purchased_at, EXCLUDED.last_purchased_at)`,
        payload.customerId,
        at,
        products,
        quantities,
      );
      // Not recommended again once bought, unless consumable (unknown products count as not).
      await tx.$executeRawUnsafe(
        `DELETE FROM reco.customer_recommendation r WHERE r.customer_id = $1::uuid AND r.product_id = ANY($2::uuid[])
           AND NOT coalesce((SELECT f.consumable FROM reco.product_facts f WHERE f.product_id = r.product_id), false)`,
        payload.customerId,
        products,
      );
      // The new pairs touch this order's products and everything else the customer bought in the window.
      const others = await tx.$queryRawUnsafe<{ id: string }[]>(
        `SELECT DISTINCT product_id::text AS id FROM reco.purchase WHERE customer_id = $1::uuid AND purchased_at > $2`,
        payload.customerId,
        new Date(at.getTime() - RULE_WINDOW_DAYS * 86_400_000),
      );
      await enqueueRefresh(tx, 'product', [...products, ...others.map((o) => o.id)]);
      await enqueueRefresh(tx, 'customer', [payload.customerId]);
    });
    if (applied) await this.evictCustomer(payload.customerId);
    return applied;
  }

  /** order.status_changed: a cancelled order, or a checkout that failed (order.placed comes before payment), is taken back out of the purchases it added. */
  async onOrderStatusChanged(event: ConsumedEvent): Promise<boolean> {
    const { envelope, payload } = this.parse(event, orderStatusChanged);
    let customerId: string | undefined;
    const applied = await this.once(envelope.id, 'order.status_changed', async (tx) => {
      if (payload.status !== 'CANCELLED' && payload.status !== 'FAILED') return;
      const removed = await tx.$queryRawUnsafe<{ productId: string; customerId: string; quantity: number; purchasedAt: Date }[]>(
        `DELETE FROM reco.purchase WHERE order_id = $1::uuid
         RETURNING product_id::text AS "productId", customer_id::text AS "customerId", quantity, purchased_at AS "purchasedAt"`,
        payload.orderId,
      );
      if (removed.length === 0) return;
      customerId = removed[0]!.customerId;
      const products = removed.map((r) => r.productId);
      const quantities = removed.map((r) => r.quantity);
      await this.takeBackDaily(tx, removed[0]!.purchasedAt, products, quantities);
      await tx.$executeRawUnsafe(
        `UPDATE reco.customer_product_signal s SET purchases = greatest(0, s.purchases - t.q),
           last_purchased_at = (SELECT max(p.purchased_at) FROM reco.purchase p WHERE p.customer_id = s.customer_id AND p.product_id = s.product_id)
         FROM unnest($2::uuid[], $3::int[]) AS t(p, q) WHERE s.customer_id = $1::uuid AND s.product_id = t.p`,
        customerId,
        products,
        quantities,
      );
      await enqueueRefresh(tx, 'product', products);
      await enqueueRefresh(tx, 'customer', [customerId]);
    });
    if (customerId) await this.evictCustomer(customerId);
    return applied;
  }

  /** cart.item_added: one cart add for the product (and the customer, when signed in with a UUID subject). */
  async onCartItemAdded(event: ConsumedEvent): Promise<boolean> {
    const { envelope, payload } = this.parse(event, cartItemAdded);
    const at = new Date(envelope.occurredAt);
    return this.once(envelope.id, 'cart.item_added', async (tx) => {
      await this.addDaily(tx, 'cart_adds', at, [payload.productId], [1]);
      if (!payload.customerId) return;
      await tx.$executeRawUnsafe(
        `INSERT INTO reco.customer_product_signal (customer_id, product_id, cart_adds, last_cart_add_at) VALUES ($1::uuid, $2::uuid, 1, $3)
         ON CONFLICT (customer_id, product_id) DO UPDATE SET cart_adds = customer_product_signal.cart_adds + 1,
           last_cart_add_at = greatest(customer_product_signal.last_cart_add_at, EXCLUDED.last_cart_add_at)`,
        payload.customerId,
        payload.productId,
        at,
      );
      await enqueueRefresh(tx, 'customer', [payload.customerId]);
    });
  }

  /** product.changed: the facts projection (category, brand, price, attributes, status). */
  async onProductChanged(event: ConsumedEvent): Promise<boolean> {
    const { envelope, payload } = this.parse(event, productChanged);
    const at = new Date(envelope.occurredAt);
    let flipped = false;
    const applied = await this.once(envelope.id, 'product.changed', async (tx) => {
      const product = payload.product;
      if (product) {
        const facts = {
          productId: payload.productId,
          categoryIds: product.categoryIds,
          categoryNames: product.categoryNames,
          categoryPath: product.categoryPath,
          brandId: product.brandId,
          price: product.minPrice,
          currency: product.currency,
          attributes: attributePairs(product.attributes),
          active: product.status === 'ACTIVE' && payload.change !== 'deleted',
          at: at.toISOString(),
        };
        flipped = (await tx.$queryRawUnsafe<unknown[]>('SELECT reco.upsert_product_facts($1::jsonb)', JSON.stringify([facts]))).length > 0;
      } else if (payload.change === 'archived' || payload.change === 'deleted') {
        const [row] = await tx.$queryRawUnsafe<{ was: boolean | null }[]>(
          `WITH before AS (SELECT active AND in_stock AS eligible FROM reco.product_facts WHERE product_id = $1::uuid),
                changed AS (UPDATE reco.product_facts SET active = false, facts_at = $2, updated_at = now()
                            WHERE product_id = $1::uuid AND (facts_at IS NULL OR facts_at <= $2) RETURNING 1)
           SELECT (SELECT eligible FROM before) AND EXISTS (SELECT 1 FROM changed) AS was`,
          payload.productId,
          at,
        );
        flipped = row?.was === true;
      } else if (payload.change !== 'availability') {
        this.deps.logger.warn({ eventId: envelope.id, productId: payload.productId }, 'product.changed without the product facts; projection not updated');
      }
    });
    if (applied) await this.evictProduct(payload.productId, flipped);
    return applied;
  }

  /** inventory.stock_changed: in stock when any SKU is available anywhere. */
  async onStockChanged(event: ConsumedEvent): Promise<boolean> {
    const { envelope, payload } = this.parse(event, stockChanged);
    let flipped = false;
    const applied = await this.once(envelope.id, 'inventory.stock_changed', async (tx) => {
      const changed = await tx.$queryRawUnsafe<unknown[]>(
        'SELECT reco.set_product_stock(ARRAY[$1::uuid], ARRAY[$2::boolean], $3)',
        payload.productId,
        payload.productAvailable > 0,
        new Date(envelope.occurredAt),
      );
      flipped = changed.length > 0;
    });
    if (applied) await this.evictProduct(payload.productId, flipped);
    return applied;
  }

  /**
   * A product's review summary changed: trending takes it in at its next recompute, the
   * rating as a factor and a good review approved for the first time as that day's activity.
   */
  async onRatingChanged(event: ConsumedEvent): Promise<boolean> {
    const { envelope, payload } = this.parse(event, ratingChanged);
    return this.once(envelope.id, 'product.rating_changed', async (tx) => {
      if ((payload.newlyApprovedRating ?? 0) >= GOOD_REVIEW_MIN_STARS) {
        await this.addDaily(tx, 'good_reviews', new Date(envelope.occurredAt), [payload.productId], [1]);
      }
      await tx.$queryRawUnsafe(
        'SELECT reco.set_product_rating(ARRAY[$1::uuid], ARRAY[$2::numeric], ARRAY[$3::int], $4)',
        payload.productId,
        payload.rating,
        payload.reviewCount,
        new Date(envelope.occurredAt),
      );
    });
  }

  private parse<P>(event: ConsumedEvent, schema: { parse: (value: unknown) => P }): { envelope: ConsumedEvent; payload: P } {
    const envelope = eventEnvelope.parse(event);
    return { envelope: { id: envelope.id, occurredAt: envelope.occurredAt, payload: envelope.payload }, payload: schema.parse(event.payload) };
  }

  /** Runs `apply` in a transaction that first records the event id; false (nothing done) when it was already recorded. */
  private async once(eventId: string, topic: string, apply: (tx: Tx) => Promise<void>): Promise<boolean> {
    return this.deps.prisma.$transaction(async (tx) => {
      const claimed = await tx.$executeRawUnsafe(
        'INSERT INTO reco.processed_event (event_id, topic) VALUES ($1::uuid, $2) ON CONFLICT (event_id) DO NOTHING',
        eventId,
        topic,
      );
      if (claimed === 0) return false;
      await apply(tx);
      return true;
    });
  }

  /** Adds per-product counts on the UTC day of `at`. */
  private async addDaily(tx: Tx, column: 'purchases' | 'cart_adds' | 'good_reviews', at: Date, products: readonly string[], amounts: readonly number[]): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO reco.product_daily_signal (product_id, day, ${column}) SELECT p, $1::date, n FROM unnest($2::uuid[], $3::int[]) AS t(p, n)
       ON CONFLICT (product_id, day) DO UPDATE SET ${column} = product_daily_signal.${column} + EXCLUDED.${column}`,
      isoDay(at),
      products,
      amounts,
    );
  }

  /** Takes purchases back off the UTC day of `at` (never below zero). */
  private async takeBackDaily(tx: Tx, at: Date, products: readonly string[], amounts: readonly number[]): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE reco.product_daily_signal s SET purchases = greatest(0, s.purchases - t.n)
       FROM unnest($2::uuid[], $3::int[]) AS t(p, n) WHERE s.product_id = t.p AND s.day = $1::date`,
      isoDay(at),
      products,
      amounts,
    );
  }

  private async evictCustomer(customerId: string): Promise<void> {
    await this.deps.caches.personal.invalidate([customerId]);
    await this.deps.caches.purchased.invalidate([customerId]);
  }

  private async evictProduct(productId: string, availabilityChanged: boolean): Promise<void> {
    await this.deps.caches.facts.invalidate([productId]);
    // Trending listings are filtered by availability when read: a product coming or going changes them.
    if (availabilityChanged) await this.deps.caches.trendingGeneration.bump();
  }
}
