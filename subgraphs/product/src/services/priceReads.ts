import { InputError, Prisma, money, type Money } from '@shopgraph/kit';
import type { CatalogLoaders } from '../loaders.js';
import type { PriceChangeModel, ProductModel, VariantModel } from '../models.js';
import { PriceTimeline } from './priceTimeline.js';

export interface PriceReadContext {
  loaders: CatalogLoaders;
}

/** What a price read shows, and until when it holds (the next window boundary, if any). */
export interface PriceRead<T> {
  value: T;
  validUntil?: number;
}

const MAX_HISTORY = 200;
const MAX_DAYS = 365;

/**
 * Prices as shoppers see them, computed at read time from the cached base prices, price
 * history and scheduled windows: the effective price switches exactly at a window's
 * boundary on every instance, with no job to run late. Only lowestPrice reads the history;
 * the price and the range read the windows only while the row's scheduled_until says one
 * is open or coming, so a catalogue without sales reads exactly what it read before.
 */
export class PriceReads {
  async variantPrice(ctx: PriceReadContext, variant: VariantModel, now = Date.now()): Promise<PriceRead<Money>> {
    // Most variants never had a window, or their last one has ended: nothing more to read.
    if (!variant.scheduledUntil || variant.scheduledUntil.getTime() <= now) return { value: money(variant.price, variant.currency) };
    const windows = (await ctx.loaders.scheduledPricesByProductId.load(variant.productId)).filter((w) => w.variantId === variant.id);
    const timeline = new PriceTimeline(variant.price, [], windows);
    return { value: money(timeline.windowAt(now)?.price ?? variant.price, variant.currency), validUntil: timeline.nextChangeAfter(now) };
  }

  /** The product's stored range, unless a window of one of its variants is open now or opens later. */
  async priceRange(ctx: PriceReadContext, product: ProductModel, now = Date.now()): Promise<PriceRead<{ min: Money; max: Money }>> {
    const stored = { min: money(product.minPrice, product.currency), max: money(product.maxPrice, product.currency) };
    if (!product.scheduledUntil || product.scheduledUntil.getTime() <= now) return { value: stored };
    const variants = await ctx.loaders.variantsByProductId.load(product.id);
    const prices = await Promise.all(variants.map((v) => this.variantPrice(ctx, v, now)));
    if (prices.length === 0) return { value: stored };
    const amounts = prices.map((p) => new Prisma.Decimal(p.value.amount));
    const validUntil = Math.min(...prices.map((p) => p.validUntil ?? Infinity));
    return {
      value: { min: money(Prisma.Decimal.min(...amounts), product.currency), max: money(Prisma.Decimal.max(...amounts), product.currency) },
      ...(Number.isFinite(validUntil) && { validUntil }),
    };
  }

  async variantLowestPrice(ctx: PriceReadContext, variant: VariantModel, days: number, now = Date.now()): Promise<PriceRead<Money>> {
    const timeline = await this.timelineOf(ctx, variant);
    return { value: money(timeline.lowestBefore(now, checkDays(days)), variant.currency), validUntil: timeline.nextChangeAfter(now) };
  }

  async productLowestPrice(ctx: PriceReadContext, product: ProductModel, days: number, now = Date.now()): Promise<PriceRead<Money>> {
    checkDays(days);
    const variants = await ctx.loaders.variantsByProductId.load(product.id);
    const reads = await Promise.all(variants.map((v) => this.variantLowestPrice(ctx, v, days, now)));
    if (reads.length === 0) return { value: money(product.minPrice, product.currency) };
    const lowest = Prisma.Decimal.min(...reads.map((r) => new Prisma.Decimal(r.value.amount)));
    const validUntil = Math.min(...reads.map((r) => r.validUntil ?? Infinity));
    return { value: money(lowest, product.currency), ...(Number.isFinite(validUntil) && { validUntil }) };
  }

  async priceHistory(ctx: PriceReadContext, product: ProductModel, first: number): Promise<PriceChangeModel[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_HISTORY) throw InputError.of('first', `must be 1-${MAX_HISTORY}`);
    const changes = await ctx.loaders.priceChangesByProductId.load(product.id);
    return changes.slice(-first).reverse();
  }

  private async timelineOf(ctx: PriceReadContext, variant: VariantModel): Promise<PriceTimeline> {
    const [changes, windows] = await Promise.all([
      ctx.loaders.priceChangesByProductId.load(variant.productId),
      ctx.loaders.scheduledPricesByProductId.load(variant.productId),
    ]);
    return new PriceTimeline(
      variant.price,
      changes.filter((c) => c.variantId === variant.id),
      windows.filter((w) => w.variantId === variant.id),
    );
  }
}

function checkDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw InputError.of('days', `must be 1-${MAX_DAYS}`);
  return days;
}
