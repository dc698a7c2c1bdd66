import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createDatabaseIfMissing, databaseExists, dropDatabase, withAdminClient, withDatabase } from '../database/admin.js';
import { migrateDeploy } from '../database/migrate.js';
import { REPO_ROOT } from '../paths.js';

/** The PostgreSQL server tests run against: the machine's real one. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Products in the seeded test store: small enough to build in seconds, big enough to page through. */
export const TEST_STORE_PRODUCTS = 60;
export const TEST_STORE_SEED = 7;
const TEST_DB_PREFIX = 'shopgraph_t_';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Template name changes whenever migrations or the seed change, so a stale template is never reused. */
export function templateDatabaseName(): string {
  const hash = createHash('sha256');
  const sources = [...filesUnder(path.join(REPO_ROOT, 'prisma', 'migrations')), ...filesUnder(path.join(REPO_ROOT, 'prisma', 'seed'))]
    .filter((f) => !f.endsWith('.test.ts'))
    .sort();
  for (const file of sources) hash.update(path.relative(REPO_ROOT, file)).update(readFileSync(file));
  hash.update(String(TEST_STORE_PRODUCTS)).update(String(TEST_STORE_SEED));
  return `shopgraph_tpl_${hash.digest('hex').slice(0, 12)}`;
}

/**
 * Builds the migrated, seeded template once (vitest globalSetup). It is built under a
 * temporary name and renamed when complete, so an interrupted build is never used.
 */
export async function ensureTemplateDatabase(): Promise<string> {
  const template = templateDatabaseName();
  // Leftovers of crashed runs: test databases over an hour old (the name carries its birth
  // time, so a run going on beside this one keeps its databases), and templates of other
  // migration sets, or half-built copies of this one, over an hour old (another checkout may
  // be testing its own right now).
  await withAdminClient(TEST_SERVER_URL, async (c) => {
    const { rows } = await c.query<{ datname: string; created: Date | null }>(
      `SELECT datname, (pg_stat_file('base/' || oid || '/PG_VERSION', true)).modification AS created FROM pg_database
       WHERE datname LIKE 'shopgraph\\_t\\_%' OR (datname LIKE 'shopgraph\\_tpl\\_%' AND datname <> $1)`,
      [template],
    );
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    for (const { datname, created } of rows) {
      const born = datname.startsWith(TEST_DB_PREFIX) ? Number(/^shopgraph_t_(\d+)_/.exec(datname)?.[1] ?? 0) : Math.floor((created?.getTime() ?? 0) / 1000);
      if (born > hourAgo) continue;
      // Another branch's template may still be in use by a run beside this one: drop it only when idle.
      const force = datname.startsWith(TEST_DB_PREFIX) ? ' WITH (FORCE)' : '';
      await c.query(`DROP DATABASE IF EXISTS "${datname}"${force}`).catch(() => undefined);
    }
  });
  // A run on another branch (other migrations, so another template) may drop this one's
  // template while it is being built: build again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await buildTemplate(template);
    } catch (err) {
      if (attempt >= 3 || !isMissingDatabase(err)) throw err;
    }
  }
}

function isMissingDatabase(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === '3D000' || /database .* does not exist/.test(String(err));
}

async function buildTemplate(template: string): Promise<string> {
  if (await databaseExists(TEST_SERVER_URL, template)) return template;
  // One build name per process: two runs of the same migrations (two checkouts, two vitest
  // runs) may build at once, and must not drop each other's half-built copy.
  const building = `${template}_b${process.pid}`;
  await dropDatabase(TEST_SERVER_URL, building);
  await createDatabaseIfMissing(TEST_SERVER_URL, building);
  const url = withDatabase(TEST_SERVER_URL, building);
  await migrateDeploy(url);
  const { seedDemoStore } = await import('../../../../prisma/seed/seedDemoStore.js');
  await seedDemoStore(url, { products: TEST_STORE_PRODUCTS, seed: TEST_STORE_SEED });
  try {
    await withAdminClient(TEST_SERVER_URL, async (c) => {
      await c.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    });
  } catch (err) {
    // Another run finished the same template first (42P04: duplicate database): use theirs.
    await dropDatabase(TEST_SERVER_URL, building);
    if ((err as { code?: string } | null)?.code !== '42P04') throw err;
  }
  return template;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A private copy of the seeded template for one test file: tests never share rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${TEST_DB_PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  try {
    await createDatabaseIfMissing(TEST_SERVER_URL, name, templateDatabaseName());
  } catch (err) {
    if (!isMissingDatabase(err)) throw err;
    // The template was dropped under this run (see ensureTemplateDatabase): make it again.
    await createDatabaseIfMissing(TEST_SERVER_URL, name, await ensureTemplateDatabase());
  }
  return { name, url: withDatabase(TEST_SERVER_URL, name), drop: () => dropDatabase(TEST_SERVER_URL, name) };
}
