// Usage: tsx prisma/seed/cli.ts [--products N] [--seed S]
// DATABASE_URL defaults to the local dev database.
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { MAX_PRODUCTS, seedDemoStore, type SeedProgress, type SeedSummary } from './seedDemoStore.js';

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

/** Progress bars on a terminal; one line per finished phase otherwise (CI logs, pipes). */
function progressReporter(): { onProgress: (p: SeedProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const multibar = new cliProgress.MultiBar(
      {
        format: ' {phase} [{bar}] {value}/{total} | {duration_formatted}',
        hideCursor: true,
        clearOnComplete: false,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    const bars = new Map<string, cliProgress.SingleBar>();
    return {
      onProgress: ({ phase, done, total }) => {
        const label = phase.padEnd(14);
        const bar = bars.get(phase) ?? multibar.create(total, 0, { phase: label });
        bars.set(phase, bar);
        bar.setTotal(total);
        bar.update(done, { phase: label });
      },
      stop: () => multibar.stop(),
    };
  }
  const startedAt = new Map<string, number>();
  const finished = new Set<string>();
  return {
    onProgress: ({ phase, done, total }) => {
      if (!startedAt.has(phase)) startedAt.set(phase, performance.now());
      if (done >= total && !finished.has(phase)) {
        finished.add(phase);
        const seconds = (performance.now() - startedAt.get(phase)!) / 1000;
        console.error(`${phase}: ${done}/${total} (${seconds.toFixed(1)}s)`);
      }
    },
    stop: () => undefined,
  };
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
