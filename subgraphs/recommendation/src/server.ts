import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '@shopgraph/kit';
import { createRecommendationCaches } from './caches.js';
import type { RecommendationContext } from './context.js';
import { createRecommendationLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { TrendingService } from './services/trendingService.js';

/** Builds the recommendation subgraph; index.ts decides where it listens. */
export function createRecommendationSubgraph({ database, logger, readiness, metrics, caches, internalAuth }: SubgraphDeps): SubgraphServer {
  const services = { trending: new TrendingService() };
  const recommendationCaches = createRecommendationCaches(caches);
  const now = () => new Date();
  return createSubgraphServer<RecommendationContext>({
    name: 'recommendation',
    resolvers,
    database,
    logger,
    readiness,
    metrics,
    internalAuth,
    perRequest: () => ({ loaders: createRecommendationLoaders(database.prisma, recommendationCaches, now), services }),
  });
}
