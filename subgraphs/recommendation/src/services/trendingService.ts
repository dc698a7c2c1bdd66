import { InputError } from '@shopgraph/kit';
import type { RecommendationLoaders } from '../loaders.js';
import type { TrendingProductModel } from '../models.js';

export const MAX_TRENDING = 50;

export interface RecommendationReadContext {
  loaders: RecommendationLoaders;
}

/** Trending products: what has the most recent activity (views, cart adds, purchases). */
export class TrendingService {
  trending(ctx: RecommendationReadContext, first: number): Promise<TrendingProductModel[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_TRENDING) {
      throw InputError.of('first', `must be an integer from 1 to ${MAX_TRENDING}`);
    }
    return ctx.loaders.trending.load(first);
  }
}
