// `npm run bench -- checkout`: checkout throughput and latency through the gateway, without
// contention (every checkout buys a different SKU) and with contention (every checkout buys
// the same SKU), beside the baseline of a plain cart read measured in the same run with the
// same concurrency. Writes bench/results/checkout.{md,json}.
import { createHash, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { databaseNameOf, REPO_ROOT, SERVICE_PORTS, SUBGRAPH_NAMES } from '@shopgraph/kit';
import { subgraphUrlVariable } from '../../gateway/src/gatewayConfig.js';
import { spawnService, waitUntilHealthy, type ServiceProcess } from '../../gateway/src/launch/serviceProcess.js';

export interface CheckoutBenchTools {
  databaseUrl: string;
  products: number;
  /** Requests in flight at once (closed loop: each worker sends its next request when the last one answered). */
  concurrency: number;
  /** Checkouts per scenario. */
  checkouts: number;
  redisUrl: string;
  prepare: (url: string, products: number, say: (line: string) => void) => Promise<unknown>;
  /** Secrets and rate limits of the bench stack. */
  securityEnv: Record<string, string>;
  customerToken: (customerId: string) => Promise<string>;
}

const PORT_OFFSET = 750;
/** Checkouts measured one at a time (latency without queueing). */
const ONE_CLIENT_CHECKOUTS = 30;
const CHECKOUT = `mutation($input: CheckoutInput!, $key: String!) { checkout(input: $input, idempotencyKey: $key) { id status total { amount } } }`;
const CART_READ = `query($token: ID!) { cart(token: $token) { id totalQuantity items { quantity } } }`;
const ADDRESS = { name: 'Bench Customer', line1: '1 Main St', city: 'San Francisco', postalCode: '94105', region: 'US-CA', country: 'US' };

interface Job {
  body: string;
  headers: Record<string, string>;
}

interface Run {
  scenario: string;
  concurrency: number;
  requests: number;
  ok: number;
  errors: Record<string, number>;
  seconds: number;
  perSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

interface Prepared {
  customerId: string;
  cartId: string;
  cartToken: string;
}

export async function runCheckoutBench(tools: CheckoutBenchTools): Promise<void> {
  const loadAtStart = os.loadavg();
  const url = tools.databaseUrl;
  await tools.prepare(url, tools.products, (line) => console.log(`[checkout] ${line}`));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const stack = await startStack(url, tools);
  const runs: Run[] = [];
  try {
    const skus = await benchSkus(client, tools.checkouts + ONE_CLIENT_CHECKOUTS);
    // Carts only read (the baseline), never checked out, so the same carts can be read before and after.
    const readOnly = await prepareCarts(client, 200, (i) => skus[i % skus.length]!);
    // Many SKUs: checkout i buys one unit of SKU i, so no two checkouts touch the same stock row.
    const spread = await prepareCarts(client, tools.checkouts, (i) => skus[i % skus.length]!);
    const alone = await prepareCarts(client, ONE_CLIENT_CHECKOUTS, (i) => skus[(tools.checkouts + i) % skus.length]!);
    // One SKU: every checkout buys one unit of the same SKU (stock enough for all of them), so all contend for one row.
    const hot = skus[0]!;
    await client.query(`UPDATE inventory.stock_level SET on_hand = on_hand + $2 WHERE sku = $1`, [hot.sku, tools.checkouts * 2]);
    const contended = await prepareCarts(client, tools.checkouts, () => hot);
    const tokens = new Map<string, string>();
    for (const p of [...spread, ...alone, ...contended]) tokens.set(p.customerId, await tools.customerToken(p.customerId));
    const auth = (p: Prepared) => ({ authorization: `Bearer ${tokens.get(p.customerId)!}`, 'content-type': 'application/json' });

    const cartRead = (p: Prepared): Job => ({ body: JSON.stringify({ query: CART_READ, variables: { token: p.cartToken } }), headers: { 'content-type': 'application/json' } });
    const checkout = (p: Prepared): Job => ({
      body: JSON.stringify({ query: CHECKOUT, variables: { input: { cartId: p.cartId, shippingAddress: ADDRESS, paymentMethod: { cardToken: 'tok_approve' } }, key: randomUUID() } }),
      headers: auth(p),
    });
    const readJobs = (n: number) => Array.from({ length: n }, (_, i) => cartRead(readOnly[i % readOnly.length]!));
    // Warm-up: connections, query plans, JIT.
    await load(stack.gateway, readJobs(50), tools.concurrency);
    runs.push({ scenario: 'cart read (baseline), one client', concurrency: 1, ...(await load(stack.gateway, readJobs(ONE_CLIENT_CHECKOUTS), 1)) });
    runs.push({ scenario: 'checkout, no contention, one client', concurrency: 1, ...(await load(stack.gateway, alone.map(checkout), 1)) });
    runs.push({ scenario: 'cart read (baseline)', concurrency: tools.concurrency, ...(await load(stack.gateway, readJobs(tools.checkouts * 2), tools.concurrency)) });
    runs.push({ scenario: `checkout, no contention (${tools.checkouts} SKUs)`, concurrency: tools.concurrency, ...(await load(stack.gateway, spread.map(checkout), tools.concurrency)) });
    runs.push({ scenario: 'checkout, contention (one SKU)', concurrency: tools.concurrency, ...(await load(stack.gateway, contended.map(checkout), tools.concurrency)) });
    runs.push({ scenario: 'cart read (baseline, again after)', concurrency: tools.concurrency, ...(await load(stack.gateway, readJobs(tools.checkouts), tools.concurrency)) });
    for (const r of runs) {
      console.log(`[checkout] ${r.scenario}: ${r.perSecond}/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms; ${r.ok}/${r.requests} ok ${JSON.stringify(r.errors)}`);
    }
    const [sold] = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ordering."order" WHERE status = 'CONFIRMED' AND idempotency_key IS NOT NULL`)).rows;
    console.log(`[checkout] confirmed orders made by checkout in the bench database: ${sold!.n}`);
  } finally {
    await stack.stop();
    await client.end();
  }
  writeResults(runs, { tools, loadAtStart, loadAtEnd: os.loadavg(), database: databaseNameOf(url) });
}

/** SKUs of active products with stock, each given enough units for the run. */
async function benchSkus(client: pg.Client, count: number) {
  const { rows } = await client.query<{ sku: string; variantId: string; productId: string; price: string }>(
    `SELECT v.sku, v.id::text AS "variantId", v.product_id::text AS "productId", v.price::text AS price
     FROM catalog.product_variant v JOIN catalog.product p ON p.id = v.product_id JOIN inventory.inventory_item i ON i.sku = v.sku
     WHERE p.status = 'ACTIVE' ORDER BY v.sku LIMIT $1`,
    [count],
  );
  await client.query(`UPDATE inventory.stock_level SET on_hand = on_hand + 10, backorderable = false WHERE sku = ANY($1)`, [rows.map((r) => r.sku)]);
  return rows;
}

/** One signed-in customer and cart per checkout, each holding one unit of `skuOf(i)` (written straight to the cart tables, no hold yet). */
async function prepareCarts(client: pg.Client, count: number, skuOf: (i: number) => { sku: string; variantId: string; productId: string; price: string }): Promise<Prepared[]> {
  const out: Prepared[] = [];
  for (let i = 0; i < count; i++) {
    const sku = skuOf(i);
    const customerId = randomUUID();
    const cartToken = `bench-${randomUUID()}`;
    // Only the token's hash is stored (the cart subgraph's tokenKey); the baseline reads the cart by its token.
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO cart.cart (token_hash, customer_id, currency, expires_at) VALUES ($1, $2, 'USD', now() + interval '30 days') RETURNING id::text`,
      [createHash('sha256').update(cartToken).digest('base64url'), customerId],
    );
    await client.query(
      `INSERT INTO cart.cart_item (cart_id, product_id, variant_id, sku, quantity, unit_price_at_add) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, 1, $5::numeric)`,
      [rows[0]!.id, sku.productId, sku.variantId, sku.sku, sku.price],
    );
    out.push({ customerId, cartId: rows[0]!.id, cartToken });
  }
  return out;
}

/** Sends every job once, `concurrency` at a time, and measures each answer. */
async function load(url: string, jobs: Job[], concurrency: number): Promise<Omit<Run, 'scenario' | 'concurrency'>> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let ok = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const t0 = performance.now();
      try {
        const res = await fetch(url, { method: 'POST', headers: job.headers, body: job.body });
        const answer = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
        const code = answer.errors?.[0]?.extensions?.code;
        if (code) errors[code] = (errors[code] ?? 0) + 1;
        else ok++;
      } catch (err) {
        const key = `transport: ${(err as Error).message}`;
        errors[key] = (errors[key] ?? 0) + 1;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10;
  return { requests: jobs.length, ok, errors, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round((jobs.length / seconds) * 10) / 10, latencyMs: { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) } };
}

/** The five subgraphs and the gateway as processes (as `npm start` runs them); subgraphs reach each other on the bench ports. */
async function startStack(databaseUrl: string, tools: CheckoutBenchTools): Promise<{ gateway: string; stop: () => Promise<void> }> {
  const urls = Object.fromEntries(SUBGRAPH_NAMES.map((n) => [subgraphUrlVariable(n), `http://127.0.0.1:${SERVICE_PORTS[n] + PORT_OFFSET}/graphql`]));
  const env = {
    ...process.env,
    ...tools.securityEnv,
    ...urls,
    DATABASE_URL: databaseUrl,
    REDIS_URL: tools.redisUrl,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    RECO_REFRESH_INTERVAL_SECONDS: '0',
  };
  const services: ServiceProcess[] = SUBGRAPH_NAMES.map((name) => spawnService(name, { ...env, PORT: String(SERVICE_PORTS[name] + PORT_OFFSET) }, (l) => console.log(l)));
  const stop = async () => {
    for (const s of [...services].reverse()) await s.stop();
  };
  try {
    await Promise.all(services.map((s) => waitUntilHealthy(s)));
    const gateway = spawnService('gateway', { ...env, PORT: String(SERVICE_PORTS.gateway + PORT_OFFSET) }, (l) => console.log(l));
    services.push(gateway);
    await waitUntilHealthy(gateway);
  } catch (err) {
    await stop();
    throw err;
  }
  return { gateway: `http://127.0.0.1:${SERVICE_PORTS.gateway + PORT_OFFSET}/graphql`, stop };
}

function writeResults(runs: Run[], meta: { tools: CheckoutBenchTools; loadAtStart: number[]; loadAtEnd: number[]; database: string }): void {
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  const json = {
    when: new Date().toISOString(),
    machine,
    loadAverage: { atStart: meta.loadAtStart, atEnd: meta.loadAtEnd },
    database: meta.database,
    products: meta.tools.products,
    concurrency: meta.tools.concurrency,
    checkoutsPerScenario: meta.tools.checkouts,
    runs,
  };
  writeFileSync(path.join(dir, 'checkout.json'), `${JSON.stringify(json, null, 2)}\n`);
  const lines = [
    '# Checkout bench',
    '',
    `Run ${json.when} on ${machine.cpus} CPUs (${machine.cpuModel ?? 'unknown'}), ${machine.memoryGiB} GiB, Node ${machine.node}; load average ${meta.loadAtStart.map((l) => l.toFixed(2)).join(' / ')} at start, ${meta.loadAtEnd.map((l) => l.toFixed(2)).join(' / ')} at the end (the machine is shared: only comparisons within this run hold).`,
    '',
    `Five subgraphs and the gateway as processes, Redis on, the test payment provider (tok_approve). Closed loop: one client, then ${meta.tools.concurrency} requests in flight; ${meta.tools.checkouts} checkouts per loaded scenario, each by its own signed-in customer with its own one-item cart (its stock not yet held, so every checkout holds, authorises, sells and closes). The baseline is a plain cart read (\`cart(token)\`) through the same gateway, at the same concurrency, in the same run (x baseline compares with the first cart read at that concurrency).`,
    '',
    '| scenario | in flight | requests | ok | per second | x baseline throughput | p50 ms | p95 ms | p99 ms | max ms | errors |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...runs.map((r) => {
      const base = runs.find((b) => b.scenario.startsWith('cart read') && b.concurrency === r.concurrency)!;
      return `| ${r.scenario} | ${r.concurrency} | ${r.requests} | ${r.ok} | ${r.perSecond} | ${(r.perSecond / base.perSecond).toFixed(3)} | ${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.latencyMs.p99} | ${r.latencyMs.max} | ${JSON.stringify(r.errors)} |`;
    }),
    '',
  ];
  writeFileSync(path.join(dir, 'checkout.md'), lines.join('\n'));
  console.log(`[checkout] wrote bench/results/checkout.md and checkout.json`);
}
