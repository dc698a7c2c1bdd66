// `node --import tsx gateway/src/launch/prepareDatabaseCli.ts`: what `npm start` does to
// its database, for a server you run yourself (docker-compose's one-shot "seed" service):
// create the database if missing, apply pending migrations, seed the demo store once.
// Exits 0 when there is nothing to do, non-zero on a real failure.
import { DEFAULT_DATABASE_URL } from '@shopgraph/kit';
import { readLaunchSettings } from './launchSettings.js';
import { prepareDatabase } from './prepareDatabase.js';

const say = (line: string) => console.log(`[prepare-database] ${line}`);

try {
  const settings = readLaunchSettings();
  const databaseUrl = settings.databaseUrl ?? DEFAULT_DATABASE_URL;
  const { seeded } = await prepareDatabase(databaseUrl, settings.seedProducts, say);
  say(seeded ? 'done' : 'already migrated and seeded: nothing to do');
} catch (err) {
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
