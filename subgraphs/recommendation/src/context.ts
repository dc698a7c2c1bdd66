import type { RequestContext } from '@shopgraph/kit';
import type { RecommendationLoaders } from './loaders.js';
import type { TrendingService } from './services/trendingService.js';

export interface RecommendationServices {
  trending: TrendingService;
}

export interface RecommendationContext extends RequestContext {
  loaders: RecommendationLoaders;
  services: RecommendationServices;
}
