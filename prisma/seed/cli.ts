// Usage: tsx prisma/seed/cli.ts [--products N] [--seed S]
// DATABASE_URL defaults to the local dev database.
import { parseArgs } from 'node:util';
import { progressReporter } from './progressReporter.js';
import { MAX_PRODUCTS, seedDemoStore, type SeedSummary } from './seedDemoStore.js';

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/shopgraph';
const USAGE = 'Usage: tsx prisma/seed/cli.ts [--products N] [--seed S]';

function parseOptions(argv: string[]): { products: number; seed: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      products: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '42' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const products = Number(values.products);
  if (!/^\d+$/.test(values.products) || products < 1 || products > MAX_PRODUCTS) {
    throw new Error(
      `--products must be an integer from 1 to ${MAX_PRODUCTS.toLocaleString('en-US')}, got "${values.products}"`,
    );
  }
  const seed = Number(values.seed);
  if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(seed)) {
    throw new Error(`--seed must be a non-negative integer, got "${values.seed}"`);
  }
  return { products, seed };
}

function printSummary(summary: SeedSummary): void {
  const { durationMs, seed, ...counts } = summary;
  console.log(`Seeded demo store (seed ${seed}) in ${(durationMs / 1000).toFixed(1)}s:`);
  const width = Math.max(...Object.keys(counts).map((k) => k.length));
  for (const [name, count] of Object.entries(counts))
    console.log(`  ${name.padEnd(width)}  ${count.toLocaleString('en-US')}`);
}

/** The URL without its password, for messages. */
function describe(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

async function main(): Promise<void> {
  const { products, seed } = parseOptions(process.argv.slice(2));
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  console.error(`Seeding ${products.toLocaleString('en-US')} products into ${describe(databaseUrl)}`);
  const progress = progressReporter();
  let summary: SeedSummary;
  try {
    summary = await seedDemoStore(databaseUrl, { products, seed, onProgress: progress.onProgress });
  } finally {
    progress.stop();
  }
  printSummary(summary);
}

main().catch((error: unknown) => {
  console.error(`Seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
