import type { RequestContext } from '@shopgraph/kit';
import type { RecommendationLoaders } from './loaders.js';
import type { AnalyticsService } from './services/analytics/analyticsService.js';
import type { RecommendationService } from './services/recommendationService.js';
import type { SignalService } from './services/signalService.js';
import type { TrendingService } from './services/trendingService.js';

export interface RecommendationServices {
  trending: TrendingService;
  recommendations: RecommendationService;
  signals: SignalService;
  analytics: AnalyticsService;
}

export interface RecommendationContext extends RequestContext {
  loaders: RecommendationLoaders;
  services: RecommendationServices;
}
