import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, SERVICE_PORTS } from '@shopgraph/kit';
import { postGraphQL } from '@shopgraph/kit/testing';
import { processAlive } from '../src/launch/embeddedPostgres.js';

/**
 * `npm start` as a user runs it: embedded PostgreSQL in a fresh data directory, migrate,
 * seed, five subgraphs and the gateway as processes; then Ctrl-C, and a restart that
 * reuses the data. Ports are moved by an offset so a developer's own stack can keep running.
 */
const PORT_OFFSET = 500;
const EMBEDDED_PG_PORT = 54829;
const gatewayUrl = `http://127.0.0.1:${SERVICE_PORTS.gateway + PORT_OFFSET}/graphql`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'shopgraph-start-'));
// As root, PostgreSQL runs as the "postgres" user, which must be able to enter the directory.
chmodSync(dataDir, 0o755);
let launcher: ChildProcess | undefined;

async function startLauncher(): Promise<{ output: string[] }> {
  const output: string[] = [];
  launcher = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/launch/startEmbedded.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: '',
      SHOPGRAPH_DATA_DIR: dataDir,
      SHOPGRAPH_PORT_OFFSET: String(PORT_OFFSET),
      EMBEDDED_PG_PORT: String(EMBEDDED_PG_PORT),
      SEED_PRODUCTS: '150',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
  launcher.stdout!.on('data', collect);
  launcher.stderr!.on('data', collect);
  const exited = new Promise((resolve) => launcher!.once('exit', resolve));
  const deadline = Date.now() + 60_000;
  while (!output.some((l) => l.includes('ready in'))) {
    if (Date.now() > deadline || launcher.exitCode !== null) throw new Error(`launcher did not get ready:\n${output.join('\n')}`);
    await Promise.race([new Promise((r) => setTimeout(r, 200)), exited]);
  }
  return { output };
}

async function stopLauncher(): Promise<void> {
  if (!launcher || launcher.exitCode !== null) return;
  const exited = new Promise((resolve) => launcher!.once('exit', resolve));
  launcher.kill('SIGINT');
  await exited;
}

afterAll(async () => {
  await stopLauncher();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start on the embedded default', () => {
  it('starts from nothing, serves the supergraph, and Ctrl-C leaves nothing running', async () => {
    const { output } = await startLauncher();
    expect(output.join('\n')).toContain('seeding a demo store');
    const res = await postGraphQL(gatewayUrl, '{ products(first: 5) { edges { node { name stock { available } } } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.products.edges).toHaveLength(5);
    const playground = await fetch(gatewayUrl.replace('/graphql', '/'));
    expect(await playground.text()).toContain('Shopgraph playground');

    const postgresPid = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(processAlive(postgresPid)).toBe(true);
    await stopLauncher();
    expect(launcher!.exitCode).toBe(0);
    expect(processAlive(postgresPid)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    await expect(fetch(gatewayUrl)).rejects.toThrow();
    for (const [, port] of Object.entries(SERVICE_PORTS)) {
      await expect(fetch(`http://127.0.0.1:${port + PORT_OFFSET}/health`)).rejects.toThrow();
    }
  }, 90_000);

  it('restarts on the same data without migrating or seeding again', async () => {
    const { output } = await startLauncher();
    const log = output.join('\n');
    expect(log).not.toContain('seeding');
    expect(log).not.toContain('applying');
    const res = await postGraphQL(gatewayUrl, '{ products(first: 1) { totalCount } }');
    expect(res.data!.products.totalCount).toBeGreaterThan(100);
    await stopLauncher();
    expect(launcher!.exitCode).toBe(0);
  }, 60_000);
});
