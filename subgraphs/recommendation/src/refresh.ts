// `npm run reco:refresh [-- --full]`: brings the precomputed recommendations up to date (or
// rebuilds them all) with a progress bar; what the subgraph's background loop does, by hand.
// Safe beside running subgraphs: the refresh lock lets one of them work at a time.
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { createDatabase, createLogger, createRedis, createSubgraphDeps, redisReady, databaseNameOf, loadServiceConfig, refusingInternalAuth } from '@shopgraph/kit';
import type { RefreshPhase, RefreshProgress } from './services/refresh/recommendationRefresher.js';
import { createRecommendationParts } from './server.js';

const { values } = parseArgs({ options: { full: { type: 'boolean', default: false } }, strict: true });
const config = loadServiceConfig('recommendation');
const logger = createLogger('reco-refresh', 'warn');
const database = createDatabase({ url: config.databaseUrl, poolSize: 2, logger });
// With Redis, what the refresh recomputes is evicted from the running subgraphs' caches too.
const redis = config.redisUrl ? createRedis(config.redisUrl, logger) : undefined;
const deps = createSubgraphDeps('recommendation', {
  database,
  logger,
  redis,
  cacheNamespace: databaseNameOf(config.databaseUrl),
  internalAuth: refusingInternalAuth(),
});
const { refresher } = createRecommendationParts(deps);

const LABELS: Record<RefreshPhase, string> = { neighbours: 'item neighbours', trending: 'trending', products: 'product rules', customers: 'customers' };
const bars = new cliProgress.MultiBar(
  { format: ' {phase} [{bar}] {value}/{total} | {duration_formatted}', hideCursor: true, clearOnComplete: false, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5_000 },
  cliProgress.Presets.shades_classic,
);
const byPhase = new Map<RefreshPhase, cliProgress.SingleBar>();
const onProgress = ({ phase, done, total }: RefreshProgress) => {
  const label = LABELS[phase].padEnd(16);
  const bar = byPhase.get(phase) ?? bars.create(total, 0, { phase: label });
  byPhase.set(phase, bar);
  bar.setTotal(total);
  bar.update(done, { phase: label });
};

try {
  // Evictions need a connected client; a Redis that does not answer within 2 s is skipped (caches expire by TTL).
  if (redis) await redisReady(redis, 2_000);
  const summary = await refresher.run({ full: values.full, onProgress });
  bars.stop();
  if (!summary.ran) console.log('Another instance is refreshing right now (it holds the lock); nothing done here.');
  else
    console.log(
      `Refreshed${summary.full ? ' everything' : ''}: ${summary.products} products' rules, ${summary.customers} customers' recommendations` +
        (summary.trending === null ? '' : `, ${summary.trending} trending scores`) +
        (summary.full ? `, neighbours of ${summary.neighbours} products` : ''),
    );
} catch (err) {
  bars.stop();
  console.error(`Refresh failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await deps.caches.close();
  await database.close();
  redis?.disconnect();
}
