// `npm run bench -- subscriptions`: N concurrent WebSocket subscribers on one gateway, all
// watching one product's price with a selection from three subgraphs. Commits price changes
// (the row and its outbox event in one transaction, as the price service writes them) and
// measures commit -> receipt at every subscriber, the gateway's memory per connection and its
// CPU per event; beside a baseline in the same run: the same fan-out from the same bus with a
// precomputed payload (precomputedFanout.ts). Writes bench/results/subscriptions.{md,json}.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createDatabase, createLogger, databaseNameOf, recordEvents, REPO_ROOT, type Database } from '@shopgraph/kit';

export interface SubscriptionBenchTools {
  databaseUrl: string;
  products: number;
  redisUrl: string;
  prepare: (url: string, products: number, say: (line: string) => void) => Promise<unknown>;
  /** Subgraphs and the gateway as processes; `gatewayPid` for its CPU and memory. */
  startStack: (env: NodeJS.ProcessEnv) => Promise<{ endpoints: { gateway: string }; gatewayPid: number; stop(): Promise<void> }>;
}

const QUERY = `subscription($ids: [ID!]!) { priceChanged(productIds: $ids) {
  productId newPrice { amount } product { name priceRange { min { amount currency } } stock { available } unitsSold(days: 30) } } }`;
const EVENTS = Number(process.env.BENCH_LIVE_EVENTS ?? 30);
const EVENT_GAP_MS = Number(process.env.BENCH_LIVE_GAP_MS ?? 250);
const CONNECT_BATCH = 200;

interface Figures {
  target: string;
  subscribers: number;
  connected: number;
  /** Receipts / (subscribers x events). */
  delivered: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Server process RSS growth per connection (with its subscription). */
  rssPerConnectionKb: number;
  rssMb: { before: number; after: number };
  /** Server CPU per committed event (fanned out to every subscriber). */
  cpuMsPerEvent: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(2));
}

function processStats(pid: number): { rssKb: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return { rssKb, cpuMs: (ticks * 1000) / 100 };
}

/** N graphql-ws peers (raw ws, the protocol by hand: cheap enough for thousands in one process). */
async function connectSubscribers(url: string, n: number, productId: string, onResult: (amount: string) => void): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  const open = (): Promise<WebSocket | undefined> =>
    new Promise((resolve) => {
      const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
      let acked = false;
      ws.on('error', (err) => {
        if (process.env.BENCH_DEBUG) console.error(err);
        resolve(undefined);
      });
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      ws.on('message', (raw: Buffer) => {
        const message = JSON.parse(raw.toString()) as { type: string; payload?: { data?: { priceChanged?: { newPrice: { amount: string } } } } };
        if (message.type === 'connection_ack' && !acked) {
          acked = true;
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY, variables: { ids: [productId] } } }));
          resolve(ws);
        } else if (message.type === 'next') {
          const amount = message.payload?.data?.priceChanged?.newPrice.amount;
          if (amount) onResult(amount);
        } else if (message.type === 'ping') {
          ws.send(JSON.stringify({ type: 'pong' }));
        } else if (process.env.BENCH_DEBUG && message.type !== 'connection_ack') {
          console.error(raw.toString());
        }
      });
    });
  for (let i = 0; i < n; i += CONNECT_BATCH) {
    const batch = await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, n - i) }, open));
    for (const ws of batch) if (ws) sockets.push(ws);
  }
  return sockets;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** One run: connect, make sure every subscription hears, commit EVENTS changes, measure. */
async function run(target: string, url: string, pid: number, n: number, database: Database, product: { id: string; variantId: string; sku: string; currency: string }): Promise<Figures> {
  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  const received = new Map<string, number>();
  let price = 1000 + Math.floor(Math.random() * 1e6);
  const commit = async (): Promise<string> => {
    const oldPrice = `${price}.00`;
    price += 1;
    const amount = `${price}.00`;
    await database.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE catalog.product_variant SET price = ${amount}::numeric WHERE id = ${product.variantId}::uuid`;
      await recordEvents(tx, 'catalog', [
        { topic: 'product.price_changed', payload: { productId: product.id, variantId: product.variantId, sku: product.sku, currency: product.currency, oldPrice, newPrice: amount } },
      ]);
    });
    committedAt.set(amount, performance.now());
    return amount;
  };
  const onResult = (amount: string) => {
    received.set(amount, (received.get(amount) ?? 0) + 1);
    const at = committedAt.get(amount);
    if (at !== undefined && measuring.has(amount)) latencies.push(performance.now() - at);
  };
  const measuring = new Set<string>();

  const before = processStats(pid);
  const sockets = await connectSubscribers(url, n, product.id, onResult);
  // Warm-up events until every subscriber heard one (every subscription is registered).
  for (let attempt = 0; attempt < 40; attempt++) {
    const amount = await commit();
    const deadline = performance.now() + 5_000;
    while ((received.get(amount) ?? 0) < sockets.length && performance.now() < deadline) await sleep(20);
    if ((received.get(amount) ?? 0) >= sockets.length) break;
  }
  await sleep(500);
  const after = processStats(pid);
  for (let i = 0; i < EVENTS; i++) {
    const amount = `${price + 1}.00`;
    measuring.add(amount);
    await commit();
    await sleep(EVENT_GAP_MS);
  }
  const last = `${price}.00`;
  const deadline = performance.now() + 20_000;
  while ((received.get(last) ?? 0) < sockets.length && performance.now() < deadline) await sleep(20);
  await sleep(200);
  const end = processStats(pid);
  for (const ws of sockets) ws.terminate();
  await sleep(500);
  latencies.sort((a, b) => a - b);
  const receipts = [...measuring].reduce((sum, amount) => sum + (received.get(amount) ?? 0), 0);
  return {
    target,
    subscribers: n,
    connected: sockets.length,
    delivered: Number((receipts / (n * EVENTS)).toFixed(4)),
    latencyMs: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
    rssPerConnectionKb: Number(((after.rssKb - before.rssKb) / Math.max(1, sockets.length)).toFixed(2)),
    rssMb: { before: Math.round(before.rssKb / 1024), after: Math.round(after.rssKb / 1024) },
    cpuMsPerEvent: Number(((end.cpuMs - after.cpuMs) / EVENTS).toFixed(2)),
  };
}

function startBaseline(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'bench/subscriptions/precomputedFanout.ts')], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
    child.stdout.on('data', (d: Buffer) => {
      const port = /listening (\d+)/.exec(d.toString())?.[1];
      if (port) resolve({ child, url: `ws://127.0.0.1:${port}/graphql` });
    });
  });
}

export async function runSubscriptionBench(tools: SubscriptionBenchTools): Promise<void> {
  const loadAtStart = os.loadavg();
  const counts = (process.env.BENCH_SUBSCRIBERS ?? '5000,10000').split(',').map(Number);
  await tools.prepare(tools.databaseUrl, tools.products, (line) => console.log(`[subscriptions] ${line}`));
  const database = createDatabase({ url: tools.databaseUrl, poolSize: 2, logger: createLogger('bench', 'warn') });
  const [row] = await database.prisma.$queryRawUnsafe<Array<{ id: string; variant_id: string; sku: string; currency: string }>>(
    `SELECT p.id::text, v.id::text AS variant_id, v.sku, v.currency FROM catalog.product p JOIN catalog.product_variant v ON v.product_id = p.id
     WHERE p.status = 'ACTIVE' ORDER BY p.created_at, v.position LIMIT 1`,
  );
  const product = { id: row!.id, variantId: row!.variant_id, sku: row!.sku, currency: row!.currency };
  const env = { ...process.env, DATABASE_URL: tools.databaseUrl, REDIS_URL: tools.redisUrl, LIVE_MAX_CONNECTIONS: '100000', LOG_LEVEL: 'warn', NODE_ENV: 'production' };
  const results: Figures[] = [];
  const stack = await tools.startStack(env);
  let samplePayload: unknown;
  try {
    const gatewayWs = stack.endpoints.gateway.replace(/^http/, 'ws');
    // One result as the gateway completes it: the baseline sends this shape, precomputed.
    const probe = await connectSubscribers(gatewayWs, 1, product.id, () => undefined);
    probe[0]!.on('message', (raw: Buffer) => {
      const m = JSON.parse(raw.toString()) as { type: string; payload?: unknown };
      if (m.type === 'next') samplePayload ??= m.payload;
    });
    await sleep(500);
    for (let i = 0; i < 40 && !samplePayload; i++) {
      await database.prisma.$transaction(async (tx) => {
        await recordEvents(tx, 'catalog', [{ topic: 'product.price_changed', payload: { productId: product.id, variantId: product.variantId, sku: product.sku, currency: product.currency, oldPrice: '1.00', newPrice: '2.00' } }]);
      });
      await sleep(250);
    }
    for (const ws of probe) ws.terminate();
    for (const n of counts) {
      console.log(`[subscriptions] gateway, ${n} subscribers`);
      const figures = await run('gateway (federated completion)', gatewayWs, stack.gatewayPid, n, database, product);
      console.log(`[subscriptions]   ${JSON.stringify(figures)}`);
      results.push(figures);
      if (figures.connected < n || figures.delivered < 0.999) break;
    }
    // The stack stays up (its relays publish the commits; its gateway then has no subscribers).
    const baseline = await startBaseline({ ...process.env, DATABASE_URL: tools.databaseUrl, REDIS_URL: tools.redisUrl, EVENTS_NAMESPACE: databaseNameOf(tools.databaseUrl), PAYLOAD: JSON.stringify(samplePayload) });
    try {
      for (const n of counts) {
        console.log(`[subscriptions] baseline, ${n} subscribers`);
        const figures = await run('baseline (same bus and fan-out, precomputed payload)', baseline.url, baseline.child.pid!, n, database, product);
        console.log(`[subscriptions]   ${JSON.stringify(figures)}`);
        results.push(figures);
      }
    } finally {
      baseline.child.kill('SIGTERM');
    }
  } finally {
    await stack.stop();
    await database.close();
  }
  const loadAtEnd = os.loadavg();
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, memoryGb: Math.round(os.totalmem() / 2 ** 30) };
  const held = Math.max(...results.filter((r) => r.target.startsWith('gateway') && r.connected === r.subscribers && r.delivered >= 0.999).map((r) => r.subscribers), 0);
  const report = { date: new Date().toISOString(), machine, loadAverage: { start: loadAtStart, end: loadAtEnd }, events: EVENTS, eventGapMs: EVENT_GAP_MS, query: QUERY, mostHeld: held, results };
  writeFileSync(path.join(REPO_ROOT, 'bench/results/subscriptions.json'), `${JSON.stringify(report, null, 2)}\n`);
  const lines = [
    `# Subscriptions benchmark ${report.date}`,
    '',
    `${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}; load average ${loadAtStart.map((l) => l.toFixed(2)).join(' / ')} at start, ${loadAtEnd.map((l) => l.toFixed(2)).join(' / ')} at end (the machine is shared).`,
    `Subgraphs and the gateway as processes; the bus is Redis Streams; the subscribers are raw graphql-ws peers in the bench process (same machine).`,
    `Every subscriber watches one product's price with \`product { name priceRange stock unitsSold }\` (product, inventory and order subgraphs), anonymously, so each event is completed once for all of them.`,
    `${EVENTS} price changes, ${EVENT_GAP_MS} ms apart, each committed with its outbox event in one transaction; latency is from COMMIT returning to the subscriber reading the message.`,
    `Baseline: the same bus, the same graphql-ws server and per-subscriber queues, with a precomputed payload (no validation, admission or federated completion).`,
    '',
    `Most subscribers the gateway held with every event delivered: **${held.toLocaleString('en-US')}** (of ${counts.join(', ')} tried).`,
    '',
    '| target | subscribers | connected | delivered | commit -> receipt p50 / p90 / p99 / max ms | server RSS before -> after MB | RSS per connection KB | server CPU ms per event |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.target} | ${r.subscribers} | ${r.connected} | ${(100 * r.delivered).toFixed(2)} % | ${r.latencyMs.p50} / ${r.latencyMs.p90} / ${r.latencyMs.p99} / ${r.latencyMs.max} | ${r.rssMb.before} -> ${r.rssMb.after} | ${r.rssPerConnectionKb} | ${r.cpuMsPerEvent} |`,
    ),
    '',
  ];
  writeFileSync(path.join(REPO_ROOT, 'bench/results/subscriptions.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}
