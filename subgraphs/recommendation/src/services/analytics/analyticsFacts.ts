import { isUuid, Prisma, productSellerOf, type DomainEvent, type ProductSeller } from '@shopgraph/kit';

/** The topics analytics reads: counted views, cart adds, orders (placed, then perhaps taken back) and product owners. */
export const ANALYTICS_TOPICS = ['product.viewed', 'cart.item_added', 'order.placed', 'order.status_changed', 'product.changed'] as const;
export type AnalyticsTopic = (typeof ANALYTICS_TOPICS)[number];
export type AnalyticsEvent = DomainEvent<AnalyticsTopic>;

/** One row of reco.analytics_fact, as the ingest writes it (revenue a decimal string). */
export interface AnalyticsFact {
  eventId: string;
  productId: string;
  kind: 'view' | 'cart_add' | 'purchase';
  day: string;
  quantity: number;
  revenue: string;
  currency: string | null;
  orderId: string | null;
}

/** What a batch of events amounts to: new facts, orders to take back, and product owners to learn. */
export interface AnalyticsBatch {
  facts: AnalyticsFact[];
  /** Orders cancelled or failed: their purchases are taken back (keyed by the status event). */
  voids: Array<{ eventId: string; orderId: string }>;
  sellers: ProductSeller[];
  /** Events left out because an id the tables key on is not a UUID (the registry allows any id; one such event must not block a whole batch). */
  unusable: number;
}

/** Statuses that undo a placed order's purchase (FAILED: its payment never went through). */
const VOIDING_STATUSES = new Set(['CANCELLED', 'FAILED']);

const utcDay = (iso: string) => new Date(iso).toISOString().slice(0, 10);

/** Splits events into facts, voids and owners; events of other topics (or statuses) add nothing. */
export function analyticsBatchOf(events: readonly AnalyticsEvent[]): AnalyticsBatch {
  const batch: AnalyticsBatch = { facts: [], voids: [], sellers: [], unusable: 0 };
  for (const event of events) {
    if (!usable(event)) {
      batch.unusable += 1;
      continue;
    }
    switch (event.topic) {
      case 'product.viewed':
        batch.facts.push(fact(event.id, event.payload.productId, 'view', utcDay(event.payload.viewedAt)));
        break;
      case 'cart.item_added':
        batch.facts.push(fact(event.id, event.payload.productId, 'cart_add', utcDay(event.occurredAt)));
        break;
      case 'order.placed': {
        // One fact per product of the order: its units and revenue over all its lines (variants).
        const byProduct = new Map<string, { quantity: number; revenue: Prisma.Decimal }>();
        for (const line of event.payload.lines) {
          const sum = byProduct.get(line.productId) ?? { quantity: 0, revenue: new Prisma.Decimal(0) };
          sum.quantity += line.quantity;
          sum.revenue = sum.revenue.plus(new Prisma.Decimal(line.unitPrice).times(line.quantity));
          byProduct.set(line.productId, sum);
        }
        const day = utcDay(event.payload.placedAt);
        for (const [productId, sum] of byProduct) {
          batch.facts.push({
            ...fact(event.id, productId, 'purchase', day),
            quantity: sum.quantity,
            revenue: sum.revenue.toFixed(2),
            currency: event.payload.currency,
            orderId: event.payload.orderId,
          });
        }
        break;
      }
      case 'order.status_changed':
        // One take-back per order, even when two voiding statuses share a batch.
        if (VOIDING_STATUSES.has(event.payload.status) && !batch.voids.some((v) => v.orderId === event.payload.orderId)) {
          batch.voids.push({ eventId: event.id, orderId: event.payload.orderId });
        }
        break;
      case 'product.changed': {
        const seller = productSellerOf(event.payload);
        if (seller) batch.sellers.push(seller);
        break;
      }
    }
  }
  return batch;
}

/** Whether the ids this event would be stored under are UUIDs (facts and owners are keyed by uuid columns). */
function usable(event: AnalyticsEvent): boolean {
  if (!isUuid(event.id)) return false;
  switch (event.topic) {
    case 'order.placed':
      return isUuid(event.payload.orderId) && event.payload.lines.every((l) => isUuid(l.productId));
    case 'order.status_changed':
      return isUuid(event.payload.orderId);
    default:
      return isUuid(event.payload.productId);
  }
}

function fact(eventId: string, productId: string, kind: AnalyticsFact['kind'], day: string): AnalyticsFact {
  return { eventId, productId, kind, day, quantity: 1, revenue: '0', currency: null, orderId: null };
}
