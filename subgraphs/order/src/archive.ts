// `npm run orders:archive [-- --after-days N --batch-size N]`: moves orders older than
// ORDER_ARCHIVE_AFTER_DAYS in a final state to the archive, batch by batch, with a progress
// bar; what the periodic job (ORDER_ARCHIVE_INTERVAL_SECONDS) does, by hand. Safe beside
// running subgraphs and other archivers: each batch takes its orders with SKIP LOCKED.
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { createDatabase, createLogger, loadServiceConfig } from '@shopgraph/kit';
import { loadArchiveSettings } from './services/archive/archiveSettings.js';
import { archiveCutoff, OrderArchiver } from './services/archive/orderArchiver.js';

const settings = loadArchiveSettings();
const { values } = parseArgs({ options: { 'after-days': { type: 'string' }, 'batch-size': { type: 'string' } }, strict: true });
const positive = (text: string | undefined, fallback: number, name: string) => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};
const afterDays = positive(values['after-days'], settings.afterDays, 'after-days');
const batchSize = positive(values['batch-size'], settings.batchSize, 'batch-size');

const config = loadServiceConfig('order');
const logger = createLogger('orders-archive', 'warn');
const database = createDatabase({ url: config.databaseUrl, poolSize: 2, logger });
const archiver = new OrderArchiver(database.prisma, logger);
const bar = new cliProgress.SingleBar(
  { format: ' archiving orders [{bar}] {value}/{total} | {duration_formatted}', hideCursor: true, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5_000 },
  cliProgress.Presets.shades_classic,
);

try {
  const now = new Date();
  const eligible = await archiver.countEligible(archiveCutoff(afterDays, now));
  bar.start(eligible, 0);
  let done = 0;
  const moved = await archiver.run({
    afterDays,
    batchSize,
    now,
    onBatch: (n) => {
      done += n;
      // Orders that became eligible since the count (or another archiver's) keep the bar honest.
      if (done > eligible) bar.setTotal(done);
      bar.update(done);
    },
  });
  bar.stop();
  console.log(`Archived ${moved} orders placed more than ${afterDays} days ago (DELIVERED, CANCELLED, FAILED, REFUNDED), in batches of ${batchSize}.`);
} catch (err) {
  bar.stop();
  console.error(`Archival failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
