import type { Prisma } from '@shopgraph/kit';

type Decimal = Prisma.Decimal;

/** One change of a variant's base price (a price_change row). */
export interface BasePriceChange {
  effectiveAt: Date;
  /** Null for the first price the variant was given (before it, the variant did not exist). */
  oldPrice: Decimal | null;
  newPrice: Decimal;
}

/** A scheduled price: in effect for startsAt <= t < endsAt. */
export interface PriceWindow {
  startsAt: Date;
  endsAt: Date;
  price: Decimal;
}

/**
 * A variant's price as a function of time, from its base price history and its scheduled
 * windows. Everything is computed from the rows at the moment of reading, so a window starts
 * and ends exactly at its boundary whatever any job or cache does.
 */
export class PriceTimeline {
  private readonly changes: BasePriceChange[];

  constructor(
    /** The variant's base price now (catalog.product_variant.price). */
    private readonly currentBase: Decimal,
    changes: readonly BasePriceChange[],
    private readonly windows: readonly PriceWindow[],
  ) {
    this.changes = [...changes].sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime());
  }

  /** The base price at `t`; undefined before the variant existed. */
  baseAt(t: number): Decimal | undefined {
    let last: BasePriceChange | undefined;
    for (const change of this.changes) {
      if (change.effectiveAt.getTime() > t) {
        return last ? last.newPrice : (change.oldPrice ?? undefined);
      }
      last = change;
    }
    return last ? last.newPrice : this.currentBase;
  }

  /** The window covering `t`, if any (windows of a variant never overlap). */
  windowAt(t: number): PriceWindow | undefined {
    return this.windows.find((w) => w.startsAt.getTime() <= t && t < w.endsAt.getTime());
  }

  /** The price a shopper pays at `t`. */
  effectiveAt(t: number): Decimal | undefined {
    return this.windowAt(t)?.price ?? this.baseAt(t);
  }

  /** Instants at which the effective price may change, ascending. */
  private breakpoints(): number[] {
    const points = new Set<number>();
    for (const c of this.changes) points.add(c.effectiveAt.getTime());
    for (const w of this.windows) {
      points.add(w.startsAt.getTime());
      points.add(w.endsAt.getTime());
    }
    return [...points].sort((a, b) => a - b);
  }

  /** The next instant after `now` at which the effective price changes (a window boundary), if any. */
  nextChangeAfter(now: number): number | undefined {
    return this.breakpoints().find((p) => p > now);
  }

  /**
   * The lowest price in the `days` before the current price took effect (EU Omnibus): the
   * current price started at `start` (the earliest instant since which it has not changed);
   * the answer is the minimum over [start - days, start). With no price before `start` in
   * that period (a new variant, or no change ever), the current price.
   */
  lowestBefore(now: number, days: number): Decimal {
    const current = this.effectiveAt(now) ?? this.currentBase;
    const points = this.breakpoints().filter((p) => p <= now);
    let start: number | undefined;
    for (let i = points.length - 1; i >= 0; i--) {
      const before = this.effectiveAt(points[i]! - 1);
      if (before === undefined) break;
      if (!before.equals(current)) {
        start = points[i];
        break;
      }
    }
    if (start === undefined) return current;
    const from = start - days * 86_400_000;
    let lowest: Decimal | undefined;
    for (const t of [from, ...points.filter((p) => p > from && p < start)]) {
      const price = this.effectiveAt(t);
      if (price !== undefined && (lowest === undefined || price.lessThan(lowest))) lowest = price;
    }
    return lowest ?? current;
  }
}
