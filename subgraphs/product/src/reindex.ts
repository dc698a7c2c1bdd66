// `npm run reindex`: rebuilds the search projection in PostgreSQL and, when OPENSEARCH_URL
// is set, a new OpenSearch index swapped in behind the alias, with a progress bar.
import cliProgress from 'cli-progress';
import { createDatabase, createLogger, databaseNameOf, loadServiceConfig } from '@shopgraph/kit';
import { openSearchClient } from './services/search/createSearch.js';
import { productAlias } from './services/search/openSearchIndex.js';
import { reindexAll, type ReindexProgress } from './services/search/reindexAll.js';

const config = loadServiceConfig('product');
const logger = createLogger('reindex', 'warn');
const database = createDatabase({ url: config.databaseUrl, poolSize: 2, logger });
const client = config.openSearchUrl ? openSearchClient(config.openSearchUrl) : undefined;
const alias = productAlias(databaseNameOf(config.databaseUrl));

const bars = new cliProgress.MultiBar(
  { format: ' {phase} [{bar}] {value}/{total} | {duration_formatted}', hideCursor: true, clearOnComplete: false, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5_000 },
  cliProgress.Presets.shades_classic,
);
const byPhase = new Map<string, cliProgress.SingleBar>();
const onProgress = ({ phase, done, total }: ReindexProgress) => {
  const label = phase === 'postgres' ? 'PostgreSQL' : `OpenSearch ${alias}`;
  const bar = byPhase.get(phase) ?? bars.create(total, 0, { phase: label.padEnd(12) });
  byPhase.set(phase, bar);
  bar.setTotal(total);
  bar.update(done, { phase: label.padEnd(12) });
};

try {
  const result = await reindexAll(database.prisma, { ...(client && { openSearch: { client, alias } }), onProgress });
  bars.stop();
  console.log(
    `Reindexed ${result.products.toLocaleString('en-US')} products (${result.searchable.toLocaleString('en-US')} searchable) in PostgreSQL` +
      (result.openSearchIndex ? ` and OpenSearch index ${result.openSearchIndex} behind alias ${alias}` : '; OPENSEARCH_URL is not set, so no OpenSearch index'),
  );
} catch (err) {
  bars.stop();
  console.error(`Reindex failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await client?.close();
  await database.close();
}
