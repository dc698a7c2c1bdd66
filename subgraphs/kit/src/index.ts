export * from './auth/index.js';
export * from './config.js';
export * from './rateLimiter.js';
export * from './environmentReaders.js';
export * from './context.js';
export * from './database.js';
export * from './errors.js';
export * from './ids.js';
export * from './logger.js';
export * from './metrics.js';
export * from './money.js';
export * from './pagination.js';
export * from './paths.js';
export * from './readiness.js';
export * from './periodicTask.js';
export * from './redis.js';
export * from './scalars.js';
export * from './subgraphServer.js';
export * from './http/serviceHttpServer.js';
export * from './http/apolloHandler.js';
export * from './metricsPlugin.js';
export * from './requestLogPlugin.js';
export * from './responseTagsPlugin.js';
export * from './serviceMain.js';
export * from './loaders.js';
export * from './database/admin.js';
export * from './database/migrate.js';
export * from './cache/index.js';
export * from './http/apolloLifecycle.js';
export * from './events/index.js';
// Retry waits for loops outside the bus too (the gateway's ended-sessions backfill).
export { backoffDelay, Wakeup } from './events/waiting.js';
export * from './internal/internalClient.js';

export * from './media/index.js';
export * from './liveSubscriptions.js';

// Sellers (issue 11): product -> seller projections fed by product.changed.
export * from './sellers/productSellers.js';
export * from './jobs/jobQueueMetrics.js';
export * from './webhooks/webhookSignature.js';
export * from './crypto/sealedBox.js';
export * from './newestFirstKeyset.js';
export * from './metricsPerRegistry.js';
