import { InputError, isUuid } from '@shopgraph/kit';
import type { RecommendationLoaders } from '../loaders.js';
import type { TrendingProductModel, TrendingRow } from '../models.js';

export const MAX_TRENDING = 50;

export interface RecommendationReadContext {
  loaders: RecommendationLoaders;
}

/** Trending products: the precomputed ranking, only active and in-stock products, optionally within a category. */
export class TrendingService {
  async trending(ctx: RecommendationReadContext, category: string | null | undefined, first: number): Promise<TrendingProductModel[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_TRENDING) {
      throw InputError.of('first', `must be an integer from 1 to ${MAX_TRENDING}`);
    }
    if (category != null && !isUuid(category)) throw InputError.of('category', 'must be a category id (UUID)');
    const key = category?.toLowerCase() ?? null;
    const rows = await ctx.loaders.trending.load({ category: key, first });
    return rows.map((row) => toTrending(row, key));
  }
}

/** "Trending in Dresses" when asked within a category (the name of that category, not the product's leaf). */
export function toTrending(row: TrendingRow, category: string | null): TrendingProductModel {
  const index = category === null ? -1 : row.categoryIds.indexOf(category);
  return {
    productId: row.productId,
    score: row.score,
    reason:
      index >= 0
        ? { kind: 'TRENDING_IN_CATEGORY', productId: null, category: row.categoryNames[index] ?? null }
        : { kind: 'TRENDING', productId: null, category: null },
  };
}
