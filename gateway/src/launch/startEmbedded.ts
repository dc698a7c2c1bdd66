// `npm start`: the whole supergraph on one machine with no configuration. Embedded
// PostgreSQL unless DATABASE_URL is set; migrations; a demo store seeded once; five
// subgraphs and the gateway as child processes; Ctrl-C stops everything in reverse order.
import path from 'node:path';
import { REPO_ROOT, SERVICE_PORTS, SUBGRAPH_NAMES, withDatabase } from '@shopgraph/kit';
import { subgraphUrlVariable } from '../gatewayConfig.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embeddedPostgres.js';
import { prepareDatabase } from './prepareDatabase.js';
import { spawnService, waitUntilHealthy, type ServiceProcess } from './serviceProcess.js';

const started = performance.now();
const say = (line: string) => console.log(`[shopgraph] ${line}`);
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

const dataDir = process.env.SHOPGRAPH_DATA_DIR ?? path.join(REPO_ROOT, '.data');
const embeddedPort = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
const seedProducts = Number(process.env.SEED_PRODUCTS ?? 2000);
// Moves every service port by the same amount, so a second stack (or a test) can run beside one.
const portOffset = Number(process.env.SHOPGRAPH_PORT_OFFSET ?? 0);
const portOf = (name: keyof typeof SERVICE_PORTS) => SERVICE_PORTS[name] + portOffset;
const gatewayPort = portOf('gateway');

let embedded: EmbeddedPostgresHandle | undefined;
const services: ServiceProcess[] = [];
let shuttingDown: Promise<void> | undefined;

/** Gateway first (stop taking requests), then subgraphs, then the database they use. */
function shutdown(exitCode: number): Promise<void> {
  shuttingDown ??= (async () => {
    say('stopping');
    for (const s of [...services].reverse()) await s.stop();
    if (embedded) await embedded.stop().catch((err: unknown) => say(`postgres stop failed: ${String(err)}`));
    say('stopped');
    process.exit(exitCode);
  })();
  return shuttingDown;
}
// `on`, not `once`: a second Ctrl-C must not fall back to Node's default (exit at once,
// leaving children behind); shutdown() is idempotent.
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main(): Promise<void> {
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    say(`starting embedded PostgreSQL on port ${embeddedPort} (data in ${path.relative(process.cwd(), dataDir) || dataDir})`);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: embeddedPort });
    databaseUrl = withDatabase(embedded.serverUrl, 'shopgraph');
  }
  const { seeded } = await prepareDatabase(databaseUrl, seedProducts, say);
  say(`database ready${seeded ? ' and seeded' : ''} (${elapsed()})`);

  const baseEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };
  const subgraphUrls = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [subgraphUrlVariable(name), `http://127.0.0.1:${portOf(name)}/graphql`]),
  );
  const subgraphs = SUBGRAPH_NAMES.map((name) => spawnService(name, { ...baseEnv, PORT: String(portOf(name)) }, console.log));
  services.push(...subgraphs);
  await Promise.all(subgraphs.map((s) => waitUntilHealthy(s)));
  const gateway = spawnService('gateway', { ...baseEnv, ...subgraphUrls, PORT: String(gatewayPort) }, console.log);
  services.push(gateway);
  await waitUntilHealthy(gateway);

  // A service that dies later takes the whole stack down rather than leaving it half up.
  for (const s of services) {
    void s.exited.then((code) => {
      if (!shuttingDown) {
        say(`${s.name} exited (code ${code}); stopping everything`);
        void shutdown(1);
      }
    });
  }
  say(`ready in ${elapsed()}`);
  say(`GraphQL:    http://localhost:${gatewayPort}/graphql`);
  say(`Playground: http://localhost:${gatewayPort}/`);
  say('Ctrl-C stops everything');
}

main().catch((err: unknown) => {
  say(`start failed: ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
