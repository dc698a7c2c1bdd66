import { upsertProductSellers, type EventBus, type Logger, type PrismaClient, type Subscription } from '@shopgraph/kit';
import { analyticsBatchOf, ANALYTICS_TOPICS, type AnalyticsEvent, type AnalyticsFact } from './analyticsFacts.js';

/** The durable group that aggregates analytics (one delivery per event across recommendation instances). */
export const ANALYTICS_GROUP = 'recommendation.analytics';
/** Events read, gathered and written per transaction. */
export const ANALYTICS_BATCH_SIZE = 1_000;

/**
 * Adds the rows an INSERT ... RETURNING produced (`new_facts`) to the daily aggregates, in
 * key order so concurrent batches lock aggregate rows in the same order.
 */
const ADD_TO_DAILY = `
INSERT INTO reco.product_daily_analytics AS d (product_id, day, views, cart_adds, purchases, units, revenue, currency)
SELECT product_id, day,
       count(*) FILTER (WHERE kind = 'view'),
       count(*) FILTER (WHERE kind = 'cart_add'),
       coalesce(sum(sign(quantity)) FILTER (WHERE kind IN ('purchase', 'purchase_void')), 0),
       coalesce(sum(quantity) FILTER (WHERE kind IN ('purchase', 'purchase_void')), 0),
       coalesce(sum(revenue), 0),
       max(currency)
FROM new_facts GROUP BY product_id, day ORDER BY product_id, day
ON CONFLICT (product_id, day) DO UPDATE SET
  views = d.views + EXCLUDED.views, cart_adds = d.cart_adds + EXCLUDED.cart_adds, purchases = d.purchases + EXCLUDED.purchases,
  units = d.units + EXCLUDED.units, revenue = d.revenue + EXCLUDED.revenue, currency = coalesce(d.currency, EXCLUDED.currency)`;

/** New facts (a fact already recorded, by event and product, is skipped) and their sums, in one statement. */
const INGEST_FACTS = `
WITH new_facts AS (
  INSERT INTO reco.analytics_fact (event_id, product_id, kind, day, quantity, revenue, currency, order_id)
  SELECT f."eventId", f."productId", f.kind, f.day, f.quantity, f.revenue, f.currency, f."orderId"
  FROM jsonb_to_recordset($1::jsonb) AS f("eventId" uuid, "productId" uuid, kind text, day date, quantity int, revenue numeric, currency char(3), "orderId" uuid)
  ORDER BY f."eventId", f."productId"
  ON CONFLICT (event_id, product_id) DO NOTHING
  RETURNING product_id, day, kind, quantity, revenue, currency
)
${ADD_TO_DAILY}`;

/**
 * A cancelled or failed order's purchases, taken back on the days they were counted: negative
 * facts keyed by the status event, written once per order (a second voiding status adds
 * nothing; a unique index on (order, product) of take-backs settles two writers at once).
 */
const INGEST_VOIDS = `
WITH voids AS (
  SELECT v."eventId", v."orderId" FROM jsonb_to_recordset($1::jsonb) AS v("eventId" uuid, "orderId" uuid)
), new_facts AS (
  INSERT INTO reco.analytics_fact (event_id, product_id, kind, day, quantity, revenue, currency, order_id)
  SELECT v."eventId", p.product_id, 'purchase_void', p.day, -p.quantity, -p.revenue, p.currency, p.order_id
  FROM voids v JOIN reco.analytics_fact p ON p.order_id = v."orderId" AND p.kind = 'purchase'
  WHERE NOT EXISTS (SELECT 1 FROM reco.analytics_fact x WHERE x.order_id = v."orderId" AND x.kind = 'purchase_void')
  ORDER BY v."eventId", p.product_id
  -- Either key: this event already applied, or this order already taken back (a racing writer: analytics_fact_order_void_key).
  ON CONFLICT DO NOTHING
  RETURNING product_id, day, kind, quantity, revenue, currency
)
${ADD_TO_DAILY}`;

export interface IngestResult {
  /** Facts offered (new or not), voids asked for, events left out (ids that are not UUIDs). */
  facts: number;
  voids: number;
  unusable: number;
}

/**
 * Analytics, aggregated incrementally: each batch of events becomes raw facts (keyed by event
 * and product, so a redelivered event adds nothing) and additions to the per-product daily
 * aggregates, in ONE transaction, so the aggregates always equal a recount of the facts,
 * whichever instance wrote them and however often an event came. Views arrive as
 * product.viewed events (recorded by trackProductView with its signal), so every source goes
 * the same way: the outbox, the bus, this batch writer.
 */
export class AnalyticsIngest {
  constructor(private readonly prisma: PrismaClient) {}

  async ingest(events: readonly AnalyticsEvent[]): Promise<IngestResult> {
    const { facts, voids, sellers, unusable } = analyticsBatchOf(events);
    if (facts.length === 0 && voids.length === 0 && sellers.length === 0) return { facts: 0, voids: 0, unusable };
    await this.prisma.$transaction(
      async (tx) => {
        if (facts.length > 0) await tx.$executeRawUnsafe(INGEST_FACTS, JSON.stringify(facts satisfies AnalyticsFact[]));
        // After the facts: an order placed and cancelled within one batch is taken back too.
        if (voids.length > 0) await tx.$executeRawUnsafe(INGEST_VOIDS, JSON.stringify(voids));
        await upsertProductSellers(tx, 'reco', sellers);
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
    return { facts: facts.length, voids: voids.length, unusable };
  }

  /**
   * The durable consumer: the handler only gathers; the bus's flush writes each read (up to
   * ANALYTICS_BATCH_SIZE events) in one transaction before acknowledging it.
   */
  subscribe(events: EventBus, logger: Logger): Subscription {
    const gathered: AnalyticsEvent[] = [];
    return events.subscribe({
      group: ANALYTICS_GROUP,
      topics: ANALYTICS_TOPICS,
      batchSize: ANALYTICS_BATCH_SIZE,
      handler: (event) => void gathered.push(event),
      flush: async () => {
        const batch = gathered.splice(0);
        const result = await this.ingest(batch);
        if (result.unusable > 0) logger.warn({ events: batch.length, ...result }, 'analytics left out events whose ids are not UUIDs');
        else logger.debug({ events: batch.length, ...result }, 'analytics batch written');
      },
    });
  }
}
