import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from '../paths.js';

/**
 * Applies prisma/migrations with Prisma's own `migrate deploy` (offline: Wasm schema
 * engine + driver adapter, see prisma.config.ts), exactly as an operator would.
 */
export function migrateDeploy(databaseUrl: string): Promise<void> {
  const cli = path.join(REPO_ROOT, 'node_modules', 'prisma', 'build', 'index.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (${code}):\n${output}`))));
  });
}

/** Migration folders in prisma/migrations, in the order Prisma applies them. */
export function migrationNames(): string[] {
  const dir = path.join(REPO_ROOT, 'prisma', 'migrations');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * Migrations not yet applied, read from Prisma's own `_prisma_migrations` table. Lets a
 * restart skip the CLI when there is nothing to do (its Wasm engine idles ~10 s per run).
 */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const exists = await client.query(`SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS present`);
    const applied = new Set<string>();
    if ((exists.rows[0] as { present: boolean }).present) {
      const { rows } = await client.query<{ migration_name: string }>(
        'SELECT migration_name FROM public._prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      );
      for (const r of rows) applied.add(r.migration_name);
    }
    return migrationNames().filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}

/** `migrate deploy` only when a migration is pending. */
export async function migrateIfPending(databaseUrl: string): Promise<string[]> {
  const pending = await pendingMigrations(databaseUrl);
  if (pending.length > 0) await migrateDeploy(databaseUrl);
  return pending;
}
