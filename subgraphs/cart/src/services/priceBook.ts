import { NotFoundError, type DomainEvent, type EventBus, type InternalClient, type Logger, type PrismaClient, type Subscription } from '@shopgraph/kit';
import { recordWishlistPriceDrops } from './wishlistPriceDrops.js';

/** A variant's current price as the cart knows it. */
export interface VariantPrice {
  variantId: string;
  productId: string;
  sku: string;
  price: string;
  currency: string;
}

/** How long the price consumer remembers an event id (cart.processed_event). */
export const PROCESSED_EVENT_DAYS = 30;

const VARIANTS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { id sku price { amount currency } product { id } } } }`;

interface VariantEntity {
  id: string;
  sku: string;
  price: { amount: string; currency: string };
  product: { id: string };
}

/**
 * The cart's projection of current prices (cart.price): kept by `product.price_changed`
 * events, and filled from the product subgraph (an internal call) for a variant it has not
 * seen yet. The cart charges these prices; each line still shows the price when it was added.
 */
export class PriceBook {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly internal: InternalClient,
  ) {}

  /** Current prices of the variants, by id; unknown variants are missing from the map. */
  async current(variantIds: readonly string[]): Promise<Map<string, VariantPrice>> {
    if (variantIds.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<VariantPrice[]>`
      SELECT variant_id::text AS "variantId", product_id::text AS "productId", sku, price::text AS price, currency
      FROM cart.price WHERE variant_id = ANY(${[...new Set(variantIds)]}::uuid[])`;
    const found = new Map(rows.map((r) => [r.variantId, r]));
    const missing = [...new Set(variantIds)].filter((id) => !found.has(id));
    if (missing.length > 0) for (const p of await this.fetch(missing)) found.set(p.variantId, p);
    return found;
  }

  async require(variantId: string): Promise<VariantPrice> {
    const price = (await this.current([variantId])).get(variantId);
    if (!price) throw new NotFoundError('ProductVariant', 'variantId', variantId);
    return price;
  }

  /** Asks the product subgraph, and keeps the answer unless an event already brought a price. */
  private async fetch(variantIds: string[]): Promise<VariantPrice[]> {
    const data = await this.internal.request<{ _entities: Array<VariantEntity | null> }>('product', VARIANTS, {
      r: variantIds.map((id) => ({ __typename: 'ProductVariant', id })),
    });
    const prices = data._entities
      .filter((v): v is VariantEntity => v !== null && typeof v.id === 'string')
      .map((v) => ({ variantId: v.id, productId: v.product.id, sku: v.sku, price: v.price.amount, currency: v.price.currency }));
    if (prices.length > 0) {
      await this.prisma.$executeRaw`
        INSERT INTO cart.price (variant_id, product_id, sku, price, currency)
        SELECT v."variantId", v."productId", v.sku, v.price, v.currency
        FROM jsonb_to_recordset(${JSON.stringify(prices)}::jsonb) AS v("variantId" uuid, "productId" uuid, sku text, price numeric, currency text)
        ON CONFLICT (variant_id) DO NOTHING`;
    }
    return prices;
  }

  /**
   * Applies a price event in one transaction: the projection's row, and (when the change
   * lowered the price) a wishlist.price_dropped event for each customer who saved the variant
   * at more than the new price. Once per event id (cart.processed_event), so a redelivered
   * event records no second drop. Returns how many drops it recorded.
   */
  async onPriceChanged(event: Pick<DomainEvent<'product.price_changed'>, 'id' | 'payload'>): Promise<number> {
    const p = event.payload;
    return this.prisma.$transaction(async (tx) => {
      const fresh = await tx.$executeRaw`
        INSERT INTO cart.processed_event (event_id, topic) VALUES (${event.id}::uuid, 'product.price_changed') ON CONFLICT (event_id) DO NOTHING`;
      if (fresh === 0) return 0;
      await tx.$executeRaw`
        INSERT INTO cart.price (variant_id, product_id, sku, price, currency)
        VALUES (${p.variantId}::uuid, ${p.productId}::uuid, ${p.sku}, ${p.newPrice}::numeric, ${p.currency})
        ON CONFLICT (variant_id) DO UPDATE SET price = excluded.price, currency = excluded.currency, sku = excluded.sku, updated_at = now()`;
      return recordWishlistPriceDrops(tx, p);
    });
  }

  /**
   * Forgets processed event ids older than `days`: far past any redelivery (retries, a bus
   * restored from the outbox), so the dedupe table stays small. Returns how many.
   */
  async pruneProcessedEvents(days = PROCESSED_EVENT_DAYS): Promise<number> {
    return this.prisma.$executeRaw`DELETE FROM cart.processed_event WHERE processed_at < now() - make_interval(days => ${days})`;
  }

  /** The durable consumer of `product.price_changed` (group "cart-prices"). */
  subscribe(events: EventBus, logger: Logger): Subscription {
    return events.subscribe({
      group: 'cart-prices',
      topics: ['product.price_changed'],
      handler: async (event) => {
        const drops = await this.onPriceChanged(event);
        logger.debug({ variantId: event.payload.variantId, wishlistDrops: drops }, 'cart price updated');
      },
    });
  }
}
