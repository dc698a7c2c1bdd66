import { assertWithinReach, InputError, isUuid, Prisma, reachOf, type FieldError, type Identity, type PrismaClient, type Reach } from '@shopgraph/kit';
import type { AnalyticsFiguresModel, ProductAnalyticsModel, ProductRankingModel } from '../../models.js';

export type AnalyticsMetric = 'VIEWS' | 'CART_ADDS' | 'UNITS' | 'REVENUE' | 'CONVERSION';

/** Longest range one read covers (a year and a leap day). */
const MAX_RANGE_DAYS = 366;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_FIRST = 100;

interface SummedRow {
  productId: string;
  views: number;
  cartAdds: number;
  purchases: number;
  units: number;
  revenue: string;
  currency: string | null;
}

/** The ranking expression of each metric (CONVERSION only over products with views). */
const ORDER_BY: Record<AnalyticsMetric, string> = {
  VIEWS: 'sum(a.views)',
  CART_ADDS: 'sum(a.cart_adds)',
  UNITS: 'sum(a.units)',
  REVENUE: 'sum(a.revenue)',
  CONVERSION: 'sum(a.purchases)::numeric / nullif(sum(a.views), 0)',
};

/**
 * Analytics reads over the daily aggregates (AnalyticsIngest keeps them). Admins with the
 * catalog scope read the whole shop; a seller reads only products reco.product_seller says
 * are theirs (learnt from product.changed). Not cached: figures move with every event and are
 * read by few (dashboards), so a cache would mostly hold stale numbers.
 */
export class AnalyticsService {
  constructor(private readonly prisma: PrismaClient) {}

  async productAnalytics(ctx: { identity: Identity }, rawProductId: string, rawFrom: string, rawTo: string): Promise<ProductAnalyticsModel> {
    const reach = reachOf(ctx.identity, 'catalog');
    if (!isUuid(rawProductId)) throw InputError.of('productId', 'must be a product id (UUID)');
    const productId = rawProductId.toLowerCase();
    const { from, to } = parseRange(rawFrom, rawTo);
    if (reach.kind === 'seller') {
      const [owner] = await this.prisma.$queryRaw<Array<{ seller_id: string | null }>>`SELECT seller_id FROM reco.product_seller WHERE product_id = ${productId}::uuid`;
      assertWithinReach(reach, owner?.seller_id ?? null, 'This product');
    }
    const days = await this.prisma.$queryRaw<Array<Omit<SummedRow, 'productId'> & { day: string }>>`
      SELECT to_char(g.day, 'YYYY-MM-DD') AS day, coalesce(a.views, 0) AS views, coalesce(a.cart_adds, 0) AS "cartAdds",
             coalesce(a.purchases, 0) AS purchases, coalesce(a.units, 0) AS units, coalesce(a.revenue, 0)::text AS revenue,
             trim(coalesce(a.currency, f.currency))::text AS currency
      FROM generate_series(${from}::date, ${to}::date, interval '1 day') AS g(day)
      LEFT JOIN reco.product_daily_analytics a ON a.product_id = ${productId}::uuid AND a.day = g.day::date
      LEFT JOIN reco.product_facts f ON f.product_id = ${productId}::uuid
      ORDER BY g.day`;
    const currency = days.find((d) => d.currency)?.currency ?? null;
    const totals = days.reduce<SummedRow>(
      (sum, d) => ({
        ...sum,
        views: sum.views + d.views,
        cartAdds: sum.cartAdds + d.cartAdds,
        purchases: sum.purchases + d.purchases,
        units: sum.units + d.units,
        revenue: new Prisma.Decimal(sum.revenue).plus(d.revenue).toFixed(2),
      }),
      { productId, views: 0, cartAdds: 0, purchases: 0, units: 0, revenue: '0', currency },
    );
    return { productId, from, to, days: days.map((d) => ({ day: d.day, ...figures({ ...d, productId, currency }) })), totals: figures(totals) };
  }

  async topProducts(ctx: { identity: Identity }, metric: AnalyticsMetric, rawFrom: string, rawTo: string, rawFirst: number | null | undefined): Promise<ProductRankingModel[]> {
    const reach = reachOf(ctx.identity, 'catalog');
    const { from, to } = parseRange(rawFrom, rawTo);
    const first = rawFirst ?? 10;
    if (!Number.isInteger(first) || first < 1 || first > MAX_FIRST) throw InputError.of('first', `must be 1-${MAX_FIRST}`);
    const rows = await this.prisma.$queryRawUnsafe<SummedRow[]>(
      `SELECT a.product_id::text AS "productId", sum(a.views)::int AS views, sum(a.cart_adds)::int AS "cartAdds",
              sum(a.purchases)::int AS purchases, sum(a.units)::int AS units, sum(a.revenue)::text AS revenue,
              trim(coalesce(max(a.currency), max(f.currency)))::text AS currency
       FROM reco.product_daily_analytics a
       LEFT JOIN reco.product_facts f ON f.product_id = a.product_id
       WHERE a.day BETWEEN $1::date AND $2::date
         AND ($3::text IS NULL OR a.product_id IN (SELECT s.product_id FROM reco.product_seller s WHERE s.seller_id = $3::text))
       GROUP BY a.product_id
       HAVING ${metric === 'CONVERSION' ? 'sum(a.views) > 0' : 'true'}
       ORDER BY ${ORDER_BY[metric]} DESC NULLS LAST, a.product_id
       LIMIT $4`,
      from,
      to,
      sellerOf(reach),
      first,
    );
    return rows.map((r) => ({ productId: r.productId, totals: figures(r) }));
  }
}

function sellerOf(reach: Reach): string | null {
  return reach.kind === 'seller' ? reach.sellerId : null;
}

function figures(r: SummedRow): AnalyticsFiguresModel {
  return {
    views: r.views,
    cartAdds: r.cartAdds,
    purchases: r.purchases,
    units: r.units,
    revenue: r.currency ? { amount: new Prisma.Decimal(r.revenue).toFixed(2), currency: r.currency } : null,
    conversionRate: r.views > 0 ? r.purchases / r.views : null,
  };
}

/** ISO dates, from <= to, at most MAX_RANGE_DAYS days. */
function parseRange(from: string, to: string): { from: string; to: string } {
  const errors: FieldError[] = [];
  const fromDate = parseDay(from);
  const toDate = parseDay(to);
  if (!fromDate) errors.push({ field: 'from', message: 'must be an ISO date such as "2026-11-25"' });
  if (!toDate) errors.push({ field: 'to', message: 'must be an ISO date such as "2026-11-25"' });
  if (fromDate && toDate) {
    const days = (toDate.getTime() - fromDate.getTime()) / 86_400_000 + 1;
    if (days < 1) errors.push({ field: 'to', message: 'must not be before from' });
    else if (days > MAX_RANGE_DAYS) errors.push({ field: 'to', message: `must be at most ${MAX_RANGE_DAYS} days after from` });
  }
  if (errors.length > 0) throw new InputError(errors);
  return { from, to };
}

function parseDay(text: string): Date | undefined {
  if (!ISO_DATE.test(text)) return undefined;
  const date = new Date(`${text}T00:00:00.000Z`);
  // Rejects 2026-02-30 and the like: a real day prints back as itself.
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text ? date : undefined;
}
