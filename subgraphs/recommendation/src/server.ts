import { createSubgraphServer, EVENT_TOPICS, type SubgraphDeps, type SubgraphServer, type TopicName } from '@shopgraph/kit';
import { createRecommendationCaches } from './caches.js';
import type { RecommendationContext, RecommendationServices } from './context.js';
import { createRecommendationLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { AnalyticsIngest } from './services/analytics/analyticsIngest.js';
import { AnalyticsService } from './services/analytics/analyticsService.js';
import { RecommendationService } from './services/recommendationService.js';
import { RecommendationRefresher } from './services/refresh/recommendationRefresher.js';
import { RefreshLoop } from './services/refresh/refreshLoop.js';
import { CONSUMED_TOPICS, handleRecommendationEvent, type ConsumedTopic } from './services/eventSubscriptions.js';
import { SignalService } from './services/signalService.js';
import { TrendingService } from './services/trendingService.js';
import { ViewLimiter } from './services/viewLimiter.js';

/**
 * The long-lived parts of the recommendation side, made once from the boot-time clients:
 * its caches, its services (the event consumers are `services.signals.on*`) and the
 * refresh job. Tests and the refresh CLI build the same parts over the same clients.
 */
export function createRecommendationParts(deps: Pick<SubgraphDeps, 'database' | 'logger' | 'caches' | 'redis' | 'namespace'>, now?: () => Date) {
  const prisma = deps.database.prisma;
  const caches = createRecommendationCaches(deps.caches);
  const limiter = new ViewLimiter({ namespace: deps.namespace, ...(deps.redis && { redis: deps.redis }) });
  const services: RecommendationServices = {
    trending: new TrendingService(),
    recommendations: new RecommendationService(),
    signals: new SignalService({ prisma, caches, limiter, logger: deps.logger, ...(now && { now }) }),
    analytics: new AnalyticsService(prisma),
  };
  const refresher = new RecommendationRefresher({ prisma, caches, logger: deps.logger, ...(now && { now }) });
  const analyticsIngest = new AnalyticsIngest(prisma);
  return { caches, services, refresher, analyticsIngest };
}

/** Topics the recommendation side consumes that the registry has (orders, carts and ratings arrive with the work that produces them). */
const isTopicName = (topic: ConsumedTopic): topic is Extract<ConsumedTopic, TopicName> => Object.hasOwn(EVENT_TOPICS, topic);

/** Builds the recommendation subgraph; index.ts decides where it listens. With an interval, it refreshes in the background once listening. */
export function createRecommendationSubgraph(deps: SubgraphDeps): SubgraphServer {
  const { database, logger, readiness, metrics, internalAuth } = deps;
  const { caches, services, refresher, analyticsIngest } = createRecommendationParts(deps);
  // Orders, carts, product facts, stock and ratings feed the signals: one durable group, each event once.
  const signalsFromEvents = deps.events.subscribe({
    group: 'recommendation.signals',
    topics: CONSUMED_TOPICS.filter(isTopicName),
    handler: async (event) => {
      await handleRecommendationEvent(services.signals, event);
    },
  });
  // Views, cart adds and orders feed analytics: one durable group, written a read batch at a time.
  const analyticsFromEvents = analyticsIngest.subscribe(deps.events, logger.child({ component: 'analytics' }));
  const loop = deps.recoRefreshIntervalSeconds ? new RefreshLoop(refresher, logger, deps.recoRefreshIntervalSeconds * 1000) : undefined;
  const server = createSubgraphServer<RecommendationContext>({
    name: 'recommendation',
    resolvers,
    database,
    logger,
    readiness,
    metrics,
    internalAuth,
    perRequest: (_req, { responseTags }) => ({ loaders: createRecommendationLoaders(database.prisma, caches, responseTags), services }),
  });
  return {
    ...server,
    async listen(port, host) {
      const address = await server.listen(port, host);
      loop?.start();
      return address;
    },
    async stop() {
      // The loop first: a run in progress finishes before the pool closes.
      await loop?.stop();
      await signalsFromEvents.close();
      await analyticsFromEvents.close();
      await server.stop();
    },
  };
}
