import { createSubgraphServer, type SubgraphDeps, type SubgraphServer } from '@shopgraph/kit';
import type { RecommendationContext } from './context.js';
import { resolvers } from './resolvers/index.js';
import { TrendingService } from './services/trendingService.js';

/** Builds the recommendation subgraph; index.ts decides where it listens. */
export function createRecommendationSubgraph({ database, logger, readiness, metrics, internalAuth }: SubgraphDeps): SubgraphServer {
  const services = { trending: new TrendingService(database.prisma) };
  return createSubgraphServer<RecommendationContext>({
    name: 'recommendation',
    resolvers,
    database,
    logger,
    readiness,
    metrics,
    internalAuth,
    perRequest: () => ({ services }),
  });
}
