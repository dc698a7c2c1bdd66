import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, withDatabase } from '@shopgraph/kit';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/launch/embeddedPostgres.js';
import { postgresBinary } from '../src/launch/initialiseCluster.js';
import { prepareDatabase } from '../src/launch/prepareDatabase.js';
import { processAlive, processesMentioning, waitForExit } from '../src/launch/processTable.js';

/**
 * The launcher's database half, against real PostgreSQL binaries in a temporary data
 * directory on a free port: first start (initdb, migrate, seed), restart, the leftovers a
 * crash can leave, and that stopping leaves no process behind. `npm start` as a whole is
 * covered by embeddedStart.e2e.test.ts.
 */
const root = mkdtempSync(path.join(tmpdir(), 'shopgraph-launcher-'));
// As root, PostgreSQL runs as the "postgres" user, which must be able to enter the directory.
chmodSync(root, 0o755);
const dataDir = path.join(root, 'postgres');
const running: EmbeddedPostgresHandle[] = [];
const said: string[] = [];
const say = (line: string) => said.push(line);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function start(port?: number): Promise<EmbeddedPostgresHandle> {
  const handle = await startEmbeddedPostgres({ dataDir, port: port ?? (await freePort()), say });
  running.push(handle);
  return handle;
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const handle of running) await handle.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('embedded PostgreSQL for npm start', () => {
  it('initialises an empty directory, migrates and seeds once, and stops without leaving a process', async () => {
    const postgres = await start();
    expect(said.join('\n')).toContain('initialising a new PostgreSQL cluster');
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);

    const databaseUrl = withDatabase(postgres.serverUrl, 'shopgraph');
    const first = await prepareDatabase(databaseUrl, 20, say);
    expect(first.seeded).toBe(true);
    const [row] = await query<{ count: string }>(databaseUrl, 'SELECT count(*) FROM catalog.product');
    expect(Number(row!.count)).toBe(20);
    said.length = 0;
    const again = await prepareDatabase(databaseUrl, 20, say);
    expect(again.seeded).toBe(false);
    expect(said).toEqual([]); // nothing to migrate, nothing to seed

    expect(processAlive(postgres.pid)).toBe(true);
    await postgres.stop();
    await postgres.stop(); // twice is fine
    expect(processAlive(postgres.pid)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 60_000);

  it('restarts on the same data without initialising again', async () => {
    said.length = 0;
    const postgres = await start();
    expect(said.join('\n')).not.toContain('initialising');
    const [row] = await query<{ count: string }>(
      withDatabase(postgres.serverUrl, 'shopgraph'),
      'SELECT count(*) FROM catalog.product',
    );
    expect(Number(row!.count)).toBe(20);
    await postgres.stop();
    expect(processesMentioning(dataDir)).toEqual([]);
  });

  it('starts over a postmaster.pid left by a crash, without signalling whoever has that PID now', async () => {
    // A PID that is gone, then one that a live, unrelated process holds (PIDs are reused).
    for (const pid of [2 ** 22 + 1, process.pid]) {
      writeFileSync(path.join(dataDir, 'postmaster.pid'), `${pid}\n${dataDir}\n`);
      const postgres = await start();
      expect(postgres.pid).not.toBe(pid);
      await postgres.stop();
    }
    expect(processAlive(process.pid)).toBe(true);
  });

  it('stops a PostgreSQL orphaned by a crashed launcher before starting its own', async () => {
    // What an older launcher (or one without setpriv) could leave: a server nobody owns.
    const owner = statSync(dataDir);
    const port = await freePort();
    const orphan = spawn(await postgresBinary(), ['-D', dataDir, '-p', String(port)], {
      ...(process.getuid?.() === 0 && { uid: owner.uid, gid: owner.gid }),
      detached: true,
      stdio: 'ignore',
    });
    orphan.unref();
    const deadline = Date.now() + 15_000;
    const lockFile = path.join(dataDir, 'postmaster.pid');
    while (!(existsSync(lockFile) && readFileSync(lockFile, 'utf8').includes('ready'))) {
      if (Date.now() > deadline) throw new Error('orphan PostgreSQL did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const postgres = await start();
    expect(said.join('\n')).toContain(`stopping PostgreSQL left running by an earlier start (pid ${orphan.pid})`);
    expect(processAlive(orphan.pid!)).toBe(false);
    await postgres.stop();
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 30_000);

  it.runIf(process.platform === 'linux')(
    'never outlives a launcher killed with SIGKILL',
    async () => {
      const script = `
      const { startEmbeddedPostgres } = await import(${JSON.stringify(path.join(REPO_ROOT, 'gateway/src/launch/embeddedPostgres.ts'))});
      const pg = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${await freePort()} });
      console.log('pid ' + pg.pid);
      setInterval(() => undefined, 1000);`;
      const launcher = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const pid = await new Promise<number>((resolve, reject) => {
        launcher.stdout.on('data', (chunk: Buffer) => {
          const match = /pid (\d+)/.exec(chunk.toString());
          if (match) resolve(Number(match[1]));
        });
        launcher.once('exit', (code) => reject(new Error(`launcher stand-in exited with ${code}`)));
      });
      expect(processAlive(pid)).toBe(true);
      launcher.kill('SIGKILL');
      expect(await waitForExit(pid, 10_000)).toBe(true);
      expect(processesMentioning(dataDir)).toEqual([]);
      // and the next start is clean
      const postgres = await start();
      await postgres.stop();
    },
    30_000,
  );

  it('names the port when it is taken', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    try {
      await expect(start(port)).rejects.toThrow(`port already in use: ${port} (embedded PostgreSQL)`);
    } finally {
      blocker.close();
    }
    expect(processesMentioning(dataDir)).toEqual([]);
  });
});
