import type { RequestContext } from '@shopgraph/kit';
import type { TrendingService } from './services/trendingService.js';

export interface RecommendationServices {
  trending: TrendingService;
}

export interface RecommendationContext extends RequestContext {
  services: RecommendationServices;
}
