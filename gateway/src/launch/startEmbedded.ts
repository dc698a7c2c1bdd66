// `npm start`: the whole supergraph on one machine with no configuration. Embedded
// PostgreSQL unless DATABASE_URL is set; migrations; a demo store seeded once; five
// subgraphs and the gateway as child processes; Ctrl-C stops everything in reverse order.
import path from 'node:path';
import { withDatabase } from '@shopgraph/kit';
import { issueToken } from '../auth/issueToken.js';
import { assertPortsFree } from './assertPortsFree.js';
import { startEmbeddedPostgres } from './embeddedPostgres.js';
import { loadOrCreateSecrets } from './launchSecrets.js';
import { readLaunchSettings } from './launchSettings.js';
import { prepareDatabase } from './prepareDatabase.js';
import { RunningStack, StackStoppingError } from './RunningStack.js';
import { planServices } from './servicePlan.js';
import { waitUntilHealthy, type ServiceProcess } from './serviceProcess.js';

const started = performance.now();
const say = (line: string) => console.log(`[shopgraph] ${line}`);
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

const stack = new RunningStack(say);
let exitCode = 0;

function stopAndExit(code: number): void {
  exitCode = Math.max(exitCode, code);
  if (stack.isStopping) return;
  say('stopping');
  void stack.stop().then(() => {
    say('stopped');
    process.exit(exitCode);
  });
}

// `on`, not `once`: a signal with no listener would kill the launcher at once and leave
// the services behind. One Ctrl-C can arrive twice (the terminal, and `tsx` relaying it),
// so only a second one a moment later means "stop waiting".
let firstSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (!stack.isStopping) {
      firstSignalAt = Date.now();
      return stopAndExit(0);
    }
    if (Date.now() - firstSignalAt > 1_000) {
      say(`${signal} again: killing the services without waiting`);
      stack.kill();
    }
  });
}

/**
 * Once everything is up, a service that exits on its own takes the whole stack down
 * rather than leaving it half up. (During startup, waitUntilHealthy reports it, with its
 * last output.)
 */
function stopWhenAnyExits(services: readonly ServiceProcess[]): void {
  const dead = services.find((s) => s.child.exitCode !== null || s.child.signalCode !== null);
  if (dead) {
    const output = dead.recentOutput.slice(-15).join('\n') || '(no output)';
    throw new Error(`${dead.name} exited during startup. Its last output:\n${output}`);
  }
  for (const service of services) {
    void service.exited.then((code) => {
      if (stack.isStopping) return;
      say(`${service.name} exited (${service.child.signalCode ?? `code ${code}`}); stopping everything`);
      stopAndExit(1);
    });
  }
}

async function main(): Promise<void> {
  const settings = readLaunchSettings();
  const plan = planServices(settings.portOffset);
  const allServices = [...plan.subgraphs, plan.gateway];
  await assertPortsFree(
    allServices.map((s) => ({ owner: s.name, port: s.port, host: settings.serviceHost })),
    'Is another `npm start` running? Stop it, or set SHOPGRAPH_PORT_OFFSET to move every port.',
  );

  let databaseUrl = settings.databaseUrl;
  if (databaseUrl) {
    say(`using the PostgreSQL server in DATABASE_URL (${new URL(databaseUrl).host})`);
  } else {
    const dataDir = path.join(settings.dataDir, 'postgres');
    say(
      `starting embedded PostgreSQL on port ${settings.embeddedPostgresPort} (data in ${path.relative(process.cwd(), dataDir) || dataDir})`,
    );
    const postgres = await stack.startPostgres(() =>
      startEmbeddedPostgres({ dataDir, port: settings.embeddedPostgresPort, say }),
    );
    void postgres.exited.then(() => {
      if (stack.isStopping) return;
      say(`PostgreSQL exited unexpectedly; see ${postgres.logFile}`);
      stopAndExit(1);
    });
    databaseUrl = withDatabase(postgres.serverUrl, 'shopgraph');
  }
  const { seeded } = await prepareDatabase(databaseUrl, settings.seedProducts, say);
  say(`database ready${seeded ? ' and seeded' : ''} (${elapsed()})`);

  const secrets = loadOrCreateSecrets(settings.dataDir);
  if (secrets.created) say(`generated a JWT secret and an internal signing secret in ${path.relative(process.cwd(), secrets.file) || secrets.file} (mode 0600)`);

  // REDIS_URL, OPENSEARCH_URL, HOST and the rest pass through from our own environment.
  const baseEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: settings.logLevel,
    INTERNAL_SIGNING_SECRET: secrets.internalSigningSecret,
    // Product images: the gateway and the product subgraph share one directory.
    MEDIA_DIR: process.env.MEDIA_DIR?.trim() || path.join(settings.dataDir, 'media'),
  };
  // The order subgraph signs customers' access tokens at sign-in with the key the gateway checks them with.
  const jwtEnv = secrets.jwtSecret ? { JWT_SECRET: secrets.jwtSecret } : {};
  const subgraphs = plan.subgraphs.map((s) => stack.spawn(s.name, { ...baseEnv, ...s.env, ...(s.name === 'order' && jwtEnv) }, console.log));
  await Promise.all(subgraphs.map((s) => waitUntilHealthy(s, settings.healthTimeoutMs)));
  // Only the gateway checks tokens (the order subgraph only signs them).
  const gatewayEnv = { ...baseEnv, ...plan.gateway.env, ...jwtEnv };
  const gateway = stack.spawn(plan.gateway.name, gatewayEnv, console.log);
  await waitUntilHealthy(gateway, settings.healthTimeoutMs);
  stopWhenAnyExits(stack.running);

  say(`ready in ${elapsed()}`);
  say(`GraphQL:    http://localhost:${plan.gateway.port}/graphql`);
  say(`Playground: http://localhost:${plan.gateway.port}/`);
  await printDevelopmentToken(secrets.jwtSecret);
  say('Ctrl-C stops everything');
}

/** An admin token for the playground, so a developer can try admin fields at once. */
async function printDevelopmentToken(jwtSecret: string | undefined): Promise<void> {
  if (!jwtSecret) {
    say('JWT_JWKS_URL is set: get tokens from your identity provider');
    return;
  }
  const token = await issueToken(jwtSecret, {
    role: 'ADMIN',
    subject: 'dev-admin',
    ttl: '7d',
    issuer: process.env.JWT_ISSUER?.trim() || undefined,
    audience: process.env.JWT_AUDIENCE?.trim() || undefined,
  });
  say('Development admin token (for development only: whoever holds it is an admin; valid 7 days).');
  say('The playground on this machine has it one click away (the "admin" button in its toolbar); elsewhere send:');
  say(`Authorization: Bearer ${token}`);
  say('Other callers: npm run token -- --role customer --sub customer-1');
}

main().catch((err: unknown) => {
  if (err instanceof StackStoppingError || stack.isStopping) return; // a signal or a crash got there first
  say(`start failed: ${err instanceof Error ? err.message : String(err)}`);
  stopAndExit(1);
});
