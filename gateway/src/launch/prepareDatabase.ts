import {
  createDatabaseIfMissing,
  databaseNameOf,
  migrateIfPending,
  pendingMigrations,
  withDatabase,
} from '@shopgraph/kit';
import { progressReporter } from '../../../prisma/seed/progressReporter.js';
import { isSeeded, seedDemoStore } from '../../../prisma/seed/seedDemoStore.js';

export interface PreparedDatabase {
  databaseUrl: string;
  seeded: boolean;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Creates the database if missing, applies migrations, and seeds the demo store once. */
export async function prepareDatabase(
  databaseUrl: string,
  seedProducts: number,
  say: (line: string) => void,
): Promise<PreparedDatabase> {
  await createDatabaseIfMissing(withDatabase(databaseUrl, 'postgres'), databaseNameOf(databaseUrl));
  const pending = await pendingMigrations(databaseUrl);
  if (pending.length > 0) {
    say(`applying ${pending.length} migration(s) with prisma migrate deploy`);
    const started = performance.now();
    await migrateIfPending(databaseUrl);
    say(`migrations applied (${seconds(started)})`);
  }
  if (await isSeeded(databaseUrl)) return { databaseUrl, seeded: false };
  say(`seeding a demo store with ${seedProducts.toLocaleString('en-US')} products (first start only)`);
  const progress = progressReporter();
  const started = performance.now();
  try {
    await seedDemoStore(databaseUrl, { products: seedProducts, onProgress: progress.onProgress });
  } finally {
    progress.stop();
  }
  say(`demo store seeded (${seconds(started)})`);
  return { databaseUrl, seeded: true };
}
