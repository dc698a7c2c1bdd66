import { InputError, type PrismaClient } from '@shopgraph/kit';
import type { TrendingProductModel } from '../models.js';

export const MAX_TRENDING = 50;
/** Days of signals that count, and how fast an old day fades (score halves every 3 days). */
const WINDOW_DAYS = 14;
const HALF_LIFE_DAYS = 3;
/** A purchase says more than a cart add, which says more than a view. */
const WEIGHTS = { views: 1, cartAdds: 3, purchases: 10 };

/** Trending products from the daily behaviour counters, aggregated in one SQL statement. */
export class TrendingService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async trending(first: number): Promise<TrendingProductModel[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_TRENDING) {
      throw InputError.of('first', `must be an integer from 1 to ${MAX_TRENDING}`);
    }
    const today = this.now();
    const rows = await this.prisma.$queryRaw<Array<{ productId: string; score: number }>>`
      SELECT product_id::text AS "productId",
             sum((views * ${WEIGHTS.views} + cart_adds * ${WEIGHTS.cartAdds} + purchases * ${WEIGHTS.purchases})
                 * power(0.5, (${today}::date - day) / ${HALF_LIFE_DAYS}::float8))::float8 AS score
      FROM reco.product_daily_signal
      WHERE day > ${today}::date - ${WINDOW_DAYS}::int
      GROUP BY product_id
      ORDER BY score DESC, product_id
      LIMIT ${first}`;
    return rows;
  }
}
