import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, SERVICE_PORTS } from '@shopgraph/kit';
import { postGraphQL, sendGraphQL } from '@shopgraph/kit/testing';
import {
  descendantsOf,
  processAlive,
  processesMentioning,
  stillRunning,
  type ProcessInfo,
} from '../src/launch/processTable.js';
import { playgroundConfigOf } from './playgroundPage.js';

/**
 * END-TO-END (about 35 s). `npm start` as a user runs it: embedded PostgreSQL in a fresh
 * data directory, migrate, seed, five subgraphs and the gateway as processes; then Ctrl-C,
 * a restart that reuses the data, and a service that dies during startup. Ports are moved
 * to free ones, so a developer's own stack (or another test run) can keep running.
 */
function portFree(port: number, host = '0.0.0.0'): Promise<number | undefined> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(undefined));
    probe.listen(port, host, () => {
      const { port: bound } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(bound));
    });
  });
}

async function freePortOffset(): Promise<number> {
  for (let offset = 500; offset < 10_000; offset += 100) {
    const free = await Promise.all(Object.values(SERVICE_PORTS).map((port) => portFree(port + offset)));
    if (free.every((port) => port !== undefined)) return offset;
  }
  throw new Error('no free block of service ports');
}

const PORT_OFFSET = await freePortOffset();
const EMBEDDED_PG_PORT = (await portFree(0, '127.0.0.1'))!;
const gatewayUrl = `http://127.0.0.1:${SERVICE_PORTS.gateway + PORT_OFFSET}/graphql`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'shopgraph-start-'));
// As root, PostgreSQL runs as the "postgres" user, which must be able to enter the directory.
chmodSync(dataDir, 0o755);
let launcher: ChildProcess | undefined;
/** The development admin token the first start printed. */
let devToken = '';

function spawnLauncher(extraEnv: NodeJS.ProcessEnv = {}): { output: string[]; exited: Promise<unknown> } {
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
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
  launcher.stdout!.on('data', collect);
  launcher.stderr!.on('data', collect);
  const exited = new Promise((resolve) => launcher!.once('exit', resolve));
  return { output, exited };
}

async function startLauncher(): Promise<{ output: string[] }> {
  const { output, exited } = spawnLauncher();
  const deadline = Date.now() + 60_000;
  while (!output.some((l) => l.includes('ready in'))) {
    if (Date.now() > deadline || launcher!.exitCode !== null)
      throw new Error(`launcher did not get ready:\n${output.join('\n')}`);
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
    const playground = await (await fetch(gatewayUrl.replace('/graphql', '/'))).text();
    expect(playground).toContain('Shopgraph playground');
    // `npm start` is development mode: the page this machine's browser gets has an admin token.
    const pageConfig = playgroundConfigOf(playground)!;
    const pageToken = pageConfig.developmentToken;
    expect(pageToken).toEqual(expect.any(String));
    // The example tabs name a product of the seeded store (the gateway looked it up through itself).
    expect(pageConfig.exampleOperations.filter((t) => t.note)).toEqual([]);
    const productTab = pageConfig.exampleOperations.find((t) => t.query.includes('query ProductPage'))!;
    const productPage = await postGraphQL(gatewayUrl, productTab.query, JSON.parse(productTab.variables!) as Record<string, unknown>);
    expect(productPage.errors).toBeUndefined();
    expect(productPage.data!.product.variants.length).toBeGreaterThan(0);
    const viaPage = await postGraphQL(gatewayUrl, '{ lowStock(first: 1) { sku } }', undefined, { authorization: `Bearer ${pageToken}` });
    expect(viaPage.errors).toBeUndefined();

    // Secrets generated once, owner-only; the printed development token is an admin's.
    expect(statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    const printed = output.find((l) => l.includes('Authorization: Bearer '));
    expect(output.join('\n')).toContain('for development only');
    devToken = printed!.slice(printed!.indexOf('Bearer ') + 'Bearer '.length).trim();
    const admin = await postGraphQL(gatewayUrl, '{ lowStock(first: 1) { sku } }', undefined, { authorization: `Bearer ${devToken}` });
    expect(admin.errors).toBeUndefined();
    expect((await postGraphQL(gatewayUrl, '{ lowStock(first: 1) { sku } }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // A customer signs up and in: the launcher gave the order subgraph the key the gateway checks tokens with.
    const email = `launch-${process.pid}@example.com`;
    const registered = await postGraphQL(gatewayUrl, 'mutation($e: String!) { register(input: { email: $e, password: "correct horse battery", name: "Ada" }) { id } }', { e: email });
    expect(registered.errors).toBeUndefined();
    const session = await postGraphQL(gatewayUrl, 'mutation($e: String!) { signIn(email: $e, password: "correct horse battery") { accessToken } }', { e: email });
    const me = await postGraphQL(gatewayUrl, '{ me { email } }', undefined, { authorization: `Bearer ${session.data!.signIn.accessToken}` });
    expect(me.data!.me.email).toBe(email);
    // A subgraph port reached directly grants nothing.
    const direct = await sendGraphQL(`http://127.0.0.1:${SERVICE_PORTS.inventory + PORT_OFFSET}/graphql`, { query: '{ warehouses { code } }' });
    expect(direct.status).toBe(401);

    const postgresPid = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(processAlive(postgresPid)).toBe(true);
    // PostgreSQL (and its workers), five subgraphs and the gateway, at least.
    const started = descendantsOf(launcher!.pid!);
    expect(started.length).toBeGreaterThanOrEqual(8);
    await stopLauncher();
    expect(launcher!.exitCode).toBe(0);
    expect(processAlive(postgresPid)).toBe(false);
    // Helpers such as tsx's esbuild service notice their parent is gone a moment later.
    expect(await stillRunning(started, 3_000)).toEqual([]);
    expect(processesMentioning(dataDir)).toEqual([]);
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
    // The same secrets: the token the first start printed still opens admin fields.
    expect(log).not.toContain('generated a JWT secret');
    const admin = await postGraphQL(gatewayUrl, '{ lowStock(first: 1) { sku } }', undefined, { authorization: `Bearer ${devToken}` });
    expect(admin.errors).toBeUndefined();
    const started = descendantsOf(launcher!.pid!);
    await stopLauncher();
    expect(launcher!.exitCode).toBe(0);
    // Helpers such as tsx's esbuild service notice their parent is gone a moment later.
    expect(await stillRunning(started, 3_000)).toEqual([]);
  }, 60_000);

  it('tears everything down and exits non-zero when a service dies during startup', async () => {
    // An invalid pool size makes every subgraph stop at its configuration check.
    const { output, exited } = spawnLauncher({ DATABASE_POOL_SIZE: '0' });
    const started: ProcessInfo[] = [];
    while (launcher!.exitCode === null) {
      for (const p of descendantsOf(launcher!.pid!)) if (!started.some((s) => s.pid === p.pid)) started.push(p);
      await Promise.race([new Promise((r) => setTimeout(r, 50)), exited]);
    }
    await exited;
    expect(launcher!.exitCode).toBe(1);
    const log = output.join('\n');
    expect(log).toMatch(
      /start failed: (product|inventory|cart|order|recommendation) exited \(code 1\) before answering \/health/,
    );
    expect(log).toContain('DATABASE_POOL_SIZE');
    // Helpers such as tsx's esbuild service notice their parent is gone a moment later.
    expect(await stillRunning(started, 3_000)).toEqual([]);
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 60_000);
});
