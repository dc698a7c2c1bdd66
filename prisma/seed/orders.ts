// 90 days of order history, generated chronologically one 24-hour slot at a time so
// order numbers follow placed_at and daily signals can be written as each day closes.
import { BasketSampler } from './basket.js';
import { BufferGroup, type InsertQueue } from './bulkInsert.js';
import { CustomerInteractions } from './customerInteractions.js';
import { customersBefore, type CustomerIndex } from './customers.js';
import { formatCents, percentOf } from './money.js';
import { variantSku, type CatalogIndex } from './catalogIndex.js';
import { cumulative, pickCumulative, type Rng } from './random.js';
import { DailySignals } from './signals.js';
import { TABLES } from './tables.js';

const DAY_MS = 86_400_000;
export const HISTORY_DAYS = 90;
const TAX_PERCENT = 8;
const FREE_SHIPPING_FROM_CENTS = 7500;
const SHIPPING_CENTS = 499;
const FIRST_ORDER_NUMBER = 100001;

const LINE_COUNT_CDF = cumulative([40, 28, 17, 10, 5]);
const QUANTITY_CDF = cumulative([82, 13, 4, 1]);

export interface OrderCounts {
  orders: number;
  orderLines: number;
  productDailySignals: number;
}

export interface OrderProgress {
  orders: (done: number, total: number) => void;
  signals: (done: number, total: number) => void;
}

export async function writeOrders(
  rng: Rng,
  signalRng: Rng,
  interactionRng: Rng,
  catalog: CatalogIndex,
  customers: CustomerIndex,
  queue: InsertQueue,
  options: { orders: number; now: number; progress: OrderProgress },
): Promise<OrderCounts> {
  const { now, progress } = options;
  const basket = new BasketSampler(rng, catalog);
  const group = new BufferGroup(queue);
  const orderRows = group.add(TABLES.order);
  const lineRows = group.add(TABLES.orderLine);
  const signalRows = group.add(TABLES.signal);
  const signals = new DailySignals(signalRng, catalog, basket, signalRows);
  const interactions = new CustomerInteractions(interactionRng, catalog, basket, signals, group.add(TABLES.seedInteraction));

  const windowStart = now - HISTORY_DAYS * DAY_MS;
  const signalDays = (Date.parse(isoDay(now)) - Date.parse(isoDay(windowStart))) / DAY_MS + 1;
  const perSlot = slotCounts(rng, basket.size > 0 ? options.orders : 0, windowStart);
  let attempted = 0;

  for (let slot = 0; slot < HISTORY_DAYS; slot++) {
    const slotStart = windowStart + slot * DAY_MS;
    const times = new Float64Array(perSlot[slot]!);
    for (let i = 0; i < times.length; i++) times[i] = slotStart + Math.floor(rng.next() * DAY_MS);
    times.sort();

    for (const t of times) {
      attempted++;
      signals.advanceTo(t);
      const eligibleCustomers = customersBefore(customers, t);
      const products = eligibleCustomers > 0 ? pickBasket(rng, basket, catalog, t) : [];
      if (products.length === 0) continue;

      const orderId = rng.uuid();
      const status = orderStatus(rng, (now - t) / DAY_MS);
      let subtotal = 0;
      for (const p of products) {
        const position = rng.int(0, catalog.variantCount[p]! - 1);
        const variant = catalog.variantStart[p]! + position;
        const quantity = pickCumulative(QUANTITY_CDF, rng.next()) + 1;
        const unitPrice = catalog.variants.price(variant);
        subtotal += unitPrice * quantity;
        lineRows.push(
          rng.uuid(),
          orderId,
          catalog.ids.get(p),
          catalog.variants.id(variant),
          variantSku(p, position),
          `${catalog.names[p]} - ${catalog.variants.name(variant)}`,
          quantity,
          formatCents(unitPrice),
          formatCents(unitPrice * quantity),
        );
        // A cancelled order never became a sale.
        if (status !== 'CANCELLED') signals.recordPurchase(p, quantity);
      }
      const tax = percentOf(subtotal, TAX_PERCENT);
      const shipping = subtotal >= FREE_SHIPPING_FROM_CENTS ? 0 : SHIPPING_CENTS;
      const placedAt = new Date(t).toISOString();
      const customerId = customers.ids.get(rng.int(0, eligibleCustomers - 1));
      interactions.recordOrder(customerId, products, t);
      orderRows.push(
        orderId,
        `SG-${FIRST_ORDER_NUMBER + orderRows.written + orderRows.rows}`,
        customerId,
        status,
        'USD',
        formatCents(subtotal),
        formatCents(tax),
        formatCents(shipping),
        formatCents(subtotal + tax + shipping),
        placedAt,
        placedAt,
        // updated_at: seeded history was last touched when it was placed (deterministic, unlike the column's default).
        placedAt,
      );
    }
    await group.flushIfFull();
    progress.orders(attempted, options.orders);
    progress.signals(signals.daysWritten, signalDays);
  }
  signals.flush();
  await group.flush();
  progress.orders(options.orders, options.orders);
  progress.signals(signalDays, signalDays);
  return { orders: orderRows.written, orderLines: lineRows.written, productDailySignals: signalRows.written };
}

/** 1-5 distinct products that existed at time t, built around a popular anchor. */
function pickBasket(rng: Rng, basket: BasketSampler, catalog: CatalogIndex, t: number): number[] {
  const want = pickCumulative(LINE_COUNT_CDF, rng.next()) + 1;
  const chosen: number[] = [];
  for (let attempt = 0; chosen.length < want && attempt < want * 4 + 8; attempt++) {
    const p = chosen.length === 0 ? basket.popular(rng) : basket.companion(rng, chosen[0]!);
    if (catalog.createdAt[p]! <= t && !chosen.includes(p)) chosen.push(p);
  }
  return chosen;
}

/** Older orders have shipped and arrived; the last few days are confirmed (paid) or shipped. Seeded orders never
 *  stay PENDING: PENDING means a checkout saga is under way. */
function orderStatus(rng: Rng, ageDays: number): string {
  const r = rng.next();
  if (r < 0.025) return 'CANCELLED';
  if (ageDays >= 5 && r < 0.04) return 'REFUNDED';
  const s = rng.next();
  if (ageDays < 1) return 'CONFIRMED';
  if (ageDays < 3) return s < 0.5 ? 'CONFIRMED' : 'SHIPPED';
  if (ageDays < 7) return s < 0.55 ? 'SHIPPED' : 'DELIVERED';
  return 'DELIVERED';
}

/** Splits `total` over the 24-hour slots: a gentle upward trend, busier weekends, some noise. */
function slotCounts(rng: Rng, total: number, windowStart: number): number[] {
  const weights: number[] = [];
  for (let k = 0; k < HISTORY_DAYS; k++) {
    const weekday = new Date(windowStart + (k + 0.5) * DAY_MS).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? 1.15 : 1;
    weights.push((1 + (0.4 * k) / (HISTORY_DAYS - 1)) * weekend * (0.9 + 0.2 * rng.next()));
  }
  const cdf = cumulative(weights);
  // Rounding the running total keeps the slot counts summing to exactly `total`.
  let previous = 0;
  return Array.from(cdf, (share) => {
    const upTo = Math.round(total * share);
    const count = upTo - previous;
    previous = upTo;
    return count;
  });
}

function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}
