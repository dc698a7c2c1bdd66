// `npm run bench`: starts the five subgraphs and the gateway as processes on a seeded
// benchmark database, loads each scenario with autocannon, and writes bench/results/.
import { randomBytes } from 'node:crypto';
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  ANONYMOUS,
  databaseNameOf,
  DEFAULT_DATABASE_URL,
  IDENTITY_HEADER,
  InternalSigner,
  REPO_ROOT,
  SERVICE_PORTS,
  SUBGRAPH_NAMES,
  withDatabase,
} from '@shopgraph/kit';
import { subgraphUrlVariable } from '../gateway/src/gatewayConfig.js';
import { prepareDatabase } from '../gateway/src/launch/prepareDatabase.js';
import { issueToken } from '../gateway/src/auth/issueToken.js';
import { spawnService, waitUntilHealthy, type ServiceProcess } from '../gateway/src/launch/serviceProcess.js';
import { measureEvictionLatency, type EvictionLatency } from './evictionLatency.js';
import { captureGatewayMetrics, writeGatewayMetrics, type GatewayMetricsCapture } from './gatewayMetrics.js';
import { runAnalyticsEventsBench } from './analytics/analyticsEventsBench.js';
import { runImagesBench } from './images/imagesBench.js';
import { runCheckoutBench } from './checkout/checkoutBench.js';
import { runRecoBench } from './reco/recoBench.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { runSubscriptionBench } from './subscriptions/subscriptionBench.js';
import { zipfSampler } from './zipf.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
/** BENCH_PORT_OFFSET moves the stack when another bench holds the default ports. */
const PORT_OFFSET = Number(process.env.BENCH_PORT_OFFSET ?? 700);
const databaseUrl =
  process.env.BENCH_DATABASE_URL ?? withDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, 'shopgraph_bench');
/** Gateway and subgraphs sign and verify as in production; direct subgraph scenarios sign each request. */
const INTERNAL_SIGNING_SECRET = randomBytes(32).toString('base64url');
const signer = new InternalSigner(INTERNAL_SIGNING_SECRET);
/** The rate limiter runs (its cost is part of the figures) with budgets the load never reaches. */
const UNREACHED_RATE_LIMIT = '1000000000';
/** Signed-in scenarios carry tokens signed with this. */
const JWT_SECRET = randomBytes(32).toString('base64url');
const SECURITY_ENV = {
  INTERNAL_SIGNING_SECRET,
  JWT_SECRET,
  RATE_LIMIT_PER_IP: UNREACHED_RATE_LIMIT,
  RATE_LIMIT_PER_USER: UNREACHED_RATE_LIMIT,
};

/** Each gateway scenario runs against the stack in every mode, so the cache's effect is measured, not assumed. */
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MODES = [
  { name: 'cache off', gateway: 'apollo', env: { SHOPGRAPH_CACHE: 'off', REDIS_URL: '' } },
  {
    name: 'entity caches (L1 + Redis), no response cache',
    gateway: 'apollo',
    env: { SHOPGRAPH_CACHE: 'on', SHOPGRAPH_RESPONSE_CACHE: 'off', REDIS_URL: REDIS },
  },
  {
    name: 'all caches (response cache + L1 + Redis)',
    gateway: 'apollo',
    env: { SHOPGRAPH_CACHE: 'on', SHOPGRAPH_RESPONSE_CACHE: 'on', REDIS_URL: REDIS },
  },
  // The gateway a user might pick instead, on the same subgraphs and supergraph (it has no response cache here).
  {
    name: 'entity caches, Hive Gateway instead of Apollo',
    gateway: 'hive',
    env: { SHOPGRAPH_CACHE: 'on', REDIS_URL: REDIS },
  },
] as const;
type GatewayImplementation = (typeof MODES)[number]['gateway'];

interface Result {
  mode: string;
  scenario: string;
  target: Scenario['target'];
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number };
  /** One client at a time: latency without queueing, the figure design.md's targets mean. */
  unloadedLatencyMs: { p50: number; p95: number; p99: number };
  errors: number;
  non2xx: number;
  targetMs?: number;
}

/** Real values for the scenarios' variables: a product page and the largest root category. */
async function scenarioVariables(): Promise<{ slug: string; category: string; id: string }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    catalogueSize = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM catalog.product')).rows[0]!.n);
    const product = await client.query<{ slug: string; id: string }>(
      `SELECT slug, id::text FROM catalog.product WHERE status = 'ACTIVE' ORDER BY sku LIMIT 1`,
    );
    const category = await client.query<{ id: string }>(
      `SELECT r.id::text FROM catalog.category r JOIN catalog.category c ON c.path LIKE r.path || '/%' JOIN catalog.product p ON p.category_id = c.id
       WHERE r.parent_id IS NULL GROUP BY r.id ORDER BY count(*) DESC LIMIT 1`,
    );
    return { slug: product.rows[0]!.slug, category: category.rows[0]!.id, id: product.rows[0]!.id };
  } finally {
    await client.end();
  }
}

/** Headers of one request; a subgraph called directly needs a fresh gateway signature each time (it refuses a replay). */
function headersFor(url: string, body: string | undefined, signed: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signed)
    headers[IDENTITY_HEADER] = signer.sign(ANONYMOUS, {
      method: body ? 'POST' : 'GET',
      search: new URL(url).search,
      body: body ?? '',
    });
  return headers;
}

function load(
  url: string,
  body: string | undefined,
  connections = CONNECTIONS,
  duration = DURATION_S,
  signed = false,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    duration,
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    ...(body && { body }),
    ...(signed && { requests: [{ setupRequest: (req) => ({ ...req, headers: headersFor(url, body, true) }) }] }),
  });
}

async function main(): Promise<void> {
  if (process.argv.slice(2).includes('zipf')) {
    // `npm run bench -- zipf`: only the Zipf product-page workload (the cache hit rates).
    const zipf = await zipfWorkload();
    const dir = path.join(REPO_ROOT, 'bench', 'results');
    const at = new Date().toISOString();
    writeFileSync(
      path.join(dir, 'zipf-product-pages.json'),
      `${JSON.stringify({ at, loadAverage: os.loadavg(), connections: CONNECTIONS, ...zipf }, null, 2)}\n`,
    );
    writeFileSync(
      path.join(dir, 'zipf-product-pages.md'),
      [
        `# Zipf workload ${at}`,
        '',
        `Load average at the end: ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(', ')} on ${os.cpus().length} cores.`,
        '',
        ...zipfSection(zipf),
      ].join('\n'),
    );
    console.log('wrote bench/results/zipf-product-pages.md and .json');
    return;
  }
  if (process.argv.slice(2).includes('images')) {
    // `npm run bench -- images`: rendering and serving product images (no database).
    await runImagesBench({ durationSeconds: DURATION_S, connections: CONNECTIONS });
    return;
  }
  if (process.argv.slice(2).includes('checkout')) {
    // `npm run bench -- checkout`: checkout with and without contention beside a plain cart read, on its own database.
    await runCheckoutBench({
      databaseUrl: process.env.BENCH_DATABASE_URL ?? withDatabase(databaseUrl, 'shopgraph_bench_checkout'),
      products: Number(process.env.BENCH_PRODUCTS ?? 2000),
      concurrency: Number(process.env.BENCH_CHECKOUT_CONCURRENCY ?? 16),
      checkouts: Number(process.env.BENCH_CHECKOUTS ?? 400),
      redisUrl: REDIS,
      prepare: prepareDatabase,
      securityEnv: SECURITY_ENV,
      customerToken: (customerId) => issueToken(JWT_SECRET, { role: 'CUSTOMER', subject: customerId, ttl: '1h' }),
    });
    return;
  }
  if (process.argv.slice(2).includes('subscriptions')) {
    // `npm run bench -- subscriptions`: WebSocket subscribers on one gateway (BENCH_SUBSCRIBERS=5000,10000).
    await runSubscriptionBench({
      // Its own database: the relay lock of another bench's stack on shopgraph_bench would hold its events.
      databaseUrl: process.env.BENCH_DATABASE_URL ?? withDatabase(databaseUrl, 'shopgraph_bench_subs'),
      products: Number(process.env.BENCH_PRODUCTS ?? 2000),
      redisUrl: REDIS,
      prepare: prepareDatabase,
      startStack: async (env) => {
        const stack = await startStack({ ...env, ...SECURITY_ENV }, 'apollo');
        return { ...stack, gatewayPid: stack.gatewayPid! };
      },
    });
    return;
  }
  if (process.argv.slice(2).includes('events')) {
    // `npm run bench -- events`: analytics events/s through outbox, bus and the batch consumer (`npm run bench:events` is the bus alone).
    await runAnalyticsEventsBench({
      databaseUrl: process.env.BENCH_DATABASE_URL ?? withDatabase(databaseUrl, 'shopgraph_bench_analytics'),
      redisUrl: REDIS,
      durationSeconds: DURATION_S,
    });
    return;
  }
  if (process.argv.slice(2).includes('reco')) {
    // `npm run bench -- reco`: recommendations only, on their own database (seeded with the reco tables).
    await runRecoBench({
      databaseUrl: process.env.BENCH_DATABASE_URL ?? withDatabase(databaseUrl, 'shopgraph_bench_reco'),
      products: Number(process.env.BENCH_PRODUCTS ?? 2000),
      durationSeconds: DURATION_S,
      connections: CONNECTIONS,
      redisUrl: REDIS,
      prepare: prepareDatabase,
      startStack: (env) => startStack({ ...env, ...SECURITY_ENV }, 'apollo'),
      customerToken: (customerId) => issueToken(JWT_SECRET, { role: 'CUSTOMER', subject: customerId, ttl: '1h' }),
    });
    return;
  }
  console.log(
    `bench database ${databaseNameOf(databaseUrl)}; ${DURATION_S} s per scenario, ${CONNECTIONS} connections`,
  );
  await prepareDatabase(databaseUrl, Number(process.env.BENCH_PRODUCTS ?? 2000), (l) => console.log(l));

  const baseline = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"data":{"ok":true}}');
  });
  await new Promise<void>((r) => baseline.listen(0, '127.0.0.1', r));
  const baselineUrl = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}/`;

  const known = await scenarioVariables();
  const results: Result[] = [];
  /** Each gateway scenario's request and answer, for the bare server that returns the same JSON. */
  const sameJson = new Map<string, { body: string; answer: string }>();
  const baselineResult = await measure(
    'bare node:http',
    SCENARIOS.find((sc) => sc.target === 'baseline')!,
    baselineUrl,
    undefined,
  );
  results.push(baselineResult);
  const gatewayMetrics: GatewayMetricsCapture[] = [];
  for (const mode of MODES) {
    const stack = await startStack(
      {
        ...process.env,
        ...SECURITY_ENV,
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        ...mode.env,
      },
      mode.gateway,
    );
    try {
      const targets = mode.gateway === 'hive' ? ['gateway'] : ['product', 'gateway'];
      for (const scenario of SCENARIOS.filter((sc) => targets.includes(sc.target))) {
        const variables = {
          ...scenario.variables,
          ...(scenario.query?.includes('$slug') && { slug: known.slug }),
          ...(scenario.query?.includes('$category') && { category: known.category }),
          ...(scenario.query?.includes('$id') && { id: known.id }),
        };
        const body = JSON.stringify({ query: scenario.query, variables });
        const keepAnswer = (text: string) => {
          if (scenario.target === 'gateway' && !sameJson.has(scenario.name))
            sameJson.set(scenario.name, { body, answer: text });
        };
        results.push(
          await measure(
            mode.name,
            scenario,
            stack.endpoints[scenario.target as 'product' | 'gateway'],
            body,
            keepAnswer,
          ),
        );
      }
      if (mode.gateway === 'apollo') gatewayMetrics.push(await captureGatewayMetrics(stack.endpoints.gateway, mode.name));
    } finally {
      await stack.stop();
    }
  }
  writeGatewayMetrics(path.join(REPO_ROOT, 'bench', 'results'), gatewayMetrics);
  baseline.close();
  // The machine's limit for each scenario: a bare node:http server answering the very bytes the gateway answered.
  const answers = [...sameJson.values()];
  const sameJsonServer = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answers[Number(req.url?.slice(1))]?.answer ?? '{}');
    });
  });
  await new Promise<void>((r) => sameJsonServer.listen(0, '127.0.0.1', r));
  const sameJsonPort = (sameJsonServer.address() as AddressInfo).port;
  for (const [i, [name, { body }]] of [...sameJson.entries()].entries()) {
    const scenario = SCENARIOS.find((sc) => sc.name === name)!;
    results.push(await measure('bare node:http, same JSON', scenario, `http://127.0.0.1:${sameJsonPort}/${i}`, body));
  }
  sameJsonServer.close();
  const eviction = await measureEvictionLatency(REDIS);
  console.log(
    `[eviction] publish to evict on another instance: p50 ${eviction.publishToEvictMs.p50} ms, p99 ${eviction.publishToEvictMs.p99} ms (Redis PING p50 ${eviction.redisPingMs.p50} ms)`,
  );
  const zipf = process.env.BENCH_ZIPF === 'off' ? undefined : await zipfWorkload();
  writeReport(results, zipf, eviction);
}

interface LayerHitRate {
  lookups: number;
  l1: number;
  l2: number;
  overall: number;
}

interface ZipfRun {
  mode: string;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number };
  errors: number;
  /** Gateway response cache: hits / anonymous requests (absent when it is off). */
  responseCacheHitRate?: number;
  /** Per entity type and layer, for the requests that reached the product subgraph. */
  hitRate: Record<string, LayerHitRate>;
}

interface ZipfResult {
  products: number;
  exponent: number;
  warmupSeconds: number;
  measuredSeconds: number;
  runs: ZipfRun[];
}

type Counters = Record<string, number>;

/** Every `name{labels} value` sample of the given metric names, keyed by the whole sample name. */
async function scrape(url: string, names: string[]): Promise<Counters> {
  const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
  const out: Counters = {};
  for (const line of text.split('\n')) {
    if (names.some((n) => line.startsWith(`${n}{`))) {
      const at = line.lastIndexOf(' ');
      out[line.slice(0, at)] = Number(line.slice(at + 1));
    }
  }
  return out;
}

/** Each Zipf mode starts from an empty cache: the previous mode's Redis entries would otherwise serve it. */
async function dropCachedEntries(namespace: string): Promise<void> {
  const redis = new Redis(REDIS, { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `sg:${namespace}:*`, 'COUNT', 1000);
      // Cached entries only: the event streams stay.
      const cached = keys.filter((k) => !k.startsWith(`sg:${namespace}:events`));
      if (cached.length > 0) await redis.unlink(...cached);
      cursor = nextCursor;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

function sum(after: Counters, before: Counters, match: (sample: string) => boolean): number {
  return Object.keys(after)
    .filter(match)
    .reduce((total, k) => total + (after[k]! - (before[k] ?? 0)), 0);
}

/**
 * Product pages over a Zipf-distributed catalogue of 10,000 products (s = 1) through the
 * gateway, with the response cache off (entity caches only) and on, each from an empty cache:
 * a timed warm-up then a measured pass (a shop just after a restart: the long tail still
 * misses), then one request for every product and a second measured pass (a warm shop: every
 * product was asked for within its TTL, as in a shop with more views per TTL than products).
 * Hit rates per layer are the difference of the services' /metrics counters across a pass.
 */
async function zipfWorkload(): Promise<ZipfResult> {
  const products = Number(process.env.BENCH_ZIPF_PRODUCTS ?? 10_000);
  const exponent = 1;
  const warmupSeconds = DURATION_S;
  const measuredSeconds = DURATION_S * 2;
  const zipfUrl = withDatabase(databaseUrl, 'shopgraph_bench_zipf');
  await prepareDatabase(zipfUrl, products, (l) => console.log(`[zipf] ${l}`));
  const client = new pg.Client({ connectionString: zipfUrl });
  await client.connect();
  // Popularity rank is unrelated to id order: shuffle deterministically by md5.
  const ids = (
    await client.query<{ id: string }>(
      `SELECT id::text FROM catalog.product WHERE status = 'ACTIVE' ORDER BY md5(id::text)`,
    )
  ).rows.map((r) => r.id);
  await client.end();
  const query =
    'query($id: ID) { product(id: $id) { name priceRange { min { amount } } variants { sku price { amount } } } }';
  const runs: ZipfRun[] = [];
  for (const [mode, responseCache] of [
    ['entity caches, no response cache', 'off'],
    ['all caches', 'on'],
  ] as const) {
    await dropCachedEntries(databaseNameOf(zipfUrl));
    const stack = await startStack(
      {
        ...process.env,
        ...SECURITY_ENV,
        DATABASE_URL: zipfUrl,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        SHOPGRAPH_CACHE: 'on',
        SHOPGRAPH_RESPONSE_CACHE: responseCache,
        REDIS_URL: REDIS,
      },
      'apollo',
    );
    try {
      const sample = zipfSampler(ids.length, exponent);
      const pages = (seconds: number) =>
        autocannon({
          url: stack.endpoints.gateway,
          connections: CONNECTIONS,
          duration: seconds,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          requests: [
            { setupRequest: (req) => ({ ...req, body: JSON.stringify({ query, variables: { id: ids[sample()] } }) }) },
          ],
        });
      await pages(warmupSeconds);
      for (const phase of ['from cold', 'warm shop'] as const) {
        if (phase === 'warm shop') {
          let next = 0;
          await autocannon({
            url: stack.endpoints.gateway,
            connections: CONNECTIONS,
            amount: ids.length,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            requests: [
              {
                setupRequest: (req) => ({
                  ...req,
                  body: JSON.stringify({ query, variables: { id: ids[next++ % ids.length] } }),
                }),
              },
            ],
          });
        }
        const names = ['cache_lookups_total', 'response_cache_requests_total'];
        const before = {
          product: await scrape(stack.endpoints.product, names),
          gateway: await scrape(stack.endpoints.gateway, names),
        };
        const r = await pages(measuredSeconds);
        const after = {
          product: await scrape(stack.endpoints.product, names),
          gateway: await scrape(stack.endpoints.gateway, names),
        };
        const hitRate: Record<string, LayerHitRate> = {};
        for (const type of ['product', 'product-variants']) {
          const count = (layer: string, results: string[]) =>
            sum(
              after.product,
              before.product,
              (k) =>
                k.includes(`layer="${layer}"`) &&
                k.includes(`type="${type}"`) &&
                results.some((res) => k.includes(`result="${res}"`)),
            );
          const l1Hits = count('l1', ['hit', 'negative_hit']);
          const l1Lookups = l1Hits + count('l1', ['miss']);
          const l2Hits = count('l2', ['hit', 'negative_hit']);
          const l2Lookups = l2Hits + count('l2', ['miss']);
          hitRate[type] = {
            lookups: l1Lookups,
            l1: l1Lookups ? l1Hits / l1Lookups : 0,
            l2: l2Lookups ? l2Hits / l2Lookups : 0,
            overall: l1Lookups ? (l1Hits + l2Hits) / l1Lookups : 0,
          };
        }
        const responses = (result: string) =>
          sum(after.gateway, before.gateway, (k) => k.includes(`result="${result}"`));
        const anonymous = responses('hit') + responses('miss') + responses('uncacheable');
        const run: ZipfRun = {
          mode: `${mode}, ${phase}`,
          requestsPerSecond: Math.round(r.requests.average),
          latencyMs: { p50: r.latency.p50, p99: r.latency.p99 },
          errors: r.errors + r.non2xx,
          ...(responseCache === 'on' && { responseCacheHitRate: anonymous ? responses('hit') / anonymous : 0 }),
          hitRate,
        };
        console.log(
          `[zipf ${run.mode}] ${run.requestsPerSecond} req/s, p50 ${run.latencyMs.p50} ms; ${JSON.stringify(run)}`,
        );
        runs.push(run);
      }
    } finally {
      await stack.stop();
    }
  }
  return { products: ids.length, exponent, warmupSeconds, measuredSeconds, runs };
}

async function startStack(env: NodeJS.ProcessEnv, gatewayImplementation: GatewayImplementation) {
  // Hive Gateway cannot sign for our subgraphs: they then serve its unsigned requests as anonymous.
  const subgraphEnv = gatewayImplementation === 'hive' ? { ...env, SHOPGRAPH_INSECURE_SUBGRAPHS: '1' } : env;
  const services: ServiceProcess[] = SUBGRAPH_NAMES.map((name) =>
    spawnService(name, { ...subgraphEnv, PORT: String(SERVICE_PORTS[name] + PORT_OFFSET) }, () => undefined),
  );
  const stop = async () => {
    for (const s of [...services].reverse()) await s.stop();
  };
  try {
    await Promise.all(services.map((s) => waitUntilHealthy(s)));
    const urls = Object.fromEntries(
      SUBGRAPH_NAMES.map((n) => [subgraphUrlVariable(n), `http://127.0.0.1:${SERVICE_PORTS[n] + PORT_OFFSET}/graphql`]),
    );
    if (gatewayImplementation === 'apollo') {
      const gateway = spawnService(
        'gateway',
        { ...env, ...urls, PORT: String(SERVICE_PORTS.gateway + PORT_OFFSET) },
        () => undefined,
      );
      services.push(gateway);
      await waitUntilHealthy(gateway);
    } else {
      const hive = startHiveGateway(SERVICE_PORTS.gateway + PORT_OFFSET);
      services.push(hive);
      await waitUntilHealthy(hive);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    /** The gateway's process (ours: spawned through setpriv, which execs it in place). */
    gatewayPid: services.at(-1)?.child.pid,
    endpoints: {
      product: `http://127.0.0.1:${SERVICE_PORTS.product + PORT_OFFSET}/graphql`,
      gateway: `http://127.0.0.1:${SERVICE_PORTS.gateway + PORT_OFFSET}/graphql`,
    },
    stop,
  };
}

/** Hive Gateway on the checked-in supergraph, its subgraph URLs moved to the bench ports. */
function startHiveGateway(port: number): ServiceProcess {
  let supergraph = readFileSync(path.join(REPO_ROOT, 'schema', 'supergraph.graphql'), 'utf8');
  for (const name of SUBGRAPH_NAMES) {
    supergraph = supergraph.replaceAll(
      `http://localhost:${SERVICE_PORTS[name]}/graphql`,
      `http://127.0.0.1:${SERVICE_PORTS[name] + PORT_OFFSET}/graphql`,
    );
  }
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'shopgraph-bench-')), 'supergraph.graphql');
  writeFileSync(file, supergraph);
  const bin = path.join(REPO_ROOT, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');
  const child = spawn(process.execPath, [bin, 'supergraph', file, '--port', String(port)], {
    cwd: REPO_ROOT,
    stdio: 'ignore',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    name: 'gateway',
    port,
    healthPath: '/healthcheck',
    child,
    recentOutput: [],
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A scenario that answers with GraphQL errors (a refused signature, a limit) would measure the error path: stop. */
async function assertAnswers(
  scenario: Scenario,
  url: string,
  body: string | undefined,
  signed: boolean,
): Promise<string | undefined> {
  if (!body) return undefined;
  const res = await fetch(url, { method: 'POST', headers: headersFor(url, body, signed), body });
  const text = await res.text();
  const answer = JSON.parse(text) as { errors?: unknown[] };
  if (!res.ok || answer.errors) throw new Error(`${scenario.name} answered ${res.status}: ${text.slice(0, 500)}`);
  return text;
}

async function measure(
  mode: string,
  scenario: Scenario,
  url: string,
  body: string | undefined,
  onAnswer?: (text: string) => void,
): Promise<Result> {
  const signed = scenario.target === 'product';
  const answer = await assertAnswers(scenario, url, body, signed);
  if (answer !== undefined) onAnswer?.(answer);
  // A short warm-up so the figures do not include JIT, pool start-up or a cold cache.
  await load(url, body, 4, 2, signed);
  const r = await load(url, body, CONNECTIONS, DURATION_S, signed);
  const single = await sequentialLatency(url, body, 3, signed);
  console.log(
    `[${mode}] ${scenario.name}: ${Math.round(r.requests.average)} req/s (p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms); one client p50 ${single.p50} ms, p95 ${single.p95} ms, p99 ${single.p99} ms`,
  );
  return {
    mode,
    scenario: scenario.name,
    target: scenario.target,
    requestsPerSecond: Math.round(r.requests.average),
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, mean: Number(r.latency.mean.toFixed(2)) },
    unloadedLatencyMs: { p50: single.p50, p95: single.p95, p99: single.p99 },
    errors: r.errors + single.errors,
    non2xx: r.non2xx + single.non2xx,
    ...(scenario.target_ms !== undefined && { targetMs: scenario.target_ms }),
  };
}

/**
 * One client, one request at a time for `seconds`, over one keep-alive connection: exact
 * percentiles (autocannon reports p97.5, not the p95 the search figures are held to).
 */
async function sequentialLatency(url: string, body: string | undefined, seconds: number, signed = false) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const until = performance.now() + seconds * 1000;
  try {
    while (performance.now() < until) {
      const started = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          url,
          { method: body ? 'POST' : 'GET', agent, headers: headersFor(url, body, signed) },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(body);
      }).catch(() => -1);
      if (status === -1) errors++;
      else if (status < 200 || status >= 300) non2xx++;
      samples.push(performance.now() - started);
    }
  } finally {
    agent.destroy();
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    Number((samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)] ?? 0).toFixed(2));
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), errors, non2xx };
}

let catalogueSize = 0;

function writeReport(results: Result[], zipf: ZipfResult | undefined, eviction: EvictionLatency): void {
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
  const run = {
    at,
    durationSeconds: DURATION_S,
    connections: CONNECTIONS,
    products: catalogueSize,
    machine,
    results,
    zipf,
    eviction,
  };
  writeFileSync(
    path.join(dir, 'cross-instance-eviction.json'),
    `${JSON.stringify({ at, machine, ...eviction }, null, 2)}\n`,
  );
  if (zipf)
    writeFileSync(
      path.join(dir, 'zipf-product-pages.json'),
      `${JSON.stringify({ at, machine, connections: CONNECTIONS, ...zipf }, null, 2)}\n`,
    );
  writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(run, null, 2)}\n`);
  // One file per scenario, every mode and the baseline beside it, for comparing runs over time.
  for (const name of new Set(results.map((r) => r.scenario))) {
    const slug = name
      .replace(/[^a-z0-9]+/gi, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase();
    const baseline = results.find((r) => r.target === 'baseline');
    const perScenario = {
      at,
      machine,
      connections: CONNECTIONS,
      durationSeconds: DURATION_S,
      baseline,
      results: results.filter((r) => r.scenario === name),
    };
    writeFileSync(path.join(dir, `${slug}.json`), `${JSON.stringify(perScenario, null, 2)}\n`);
  }
  const base = results.find((r) => r.target === 'baseline')!;
  const lines = [
    `# Benchmark ${at}`,
    '',
    `${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}; load generator on the same machine; ${CONNECTIONS} connections, ${DURATION_S} s per scenario.`,
    "Subgraphs and gateway each run as their own process (as `npm start` runs them). Each scenario runs in every mode in the same run: no cache; the subgraphs' entity caches (every read: L1 in-process, then Redis) with the gateway's response cache off; every cache; and Hive Gateway over the same subgraphs with their entity caches.",
    'A scenario repeats one query, so with the response cache on it measures hits: the figure for a popular page or listing that no write has touched since it was stored.',
    'Search and suggest answers are cached by normalised request and index generation; with the cache off every search runs its SQL (cold).',
    `Catalogue: ${catalogueSize.toLocaleString('en-US')} products. Search runs on PostgreSQL (no OPENSEARCH_URL).`,
    '',
    `| mode | scenario | req/s (${CONNECTIONS} conn.) | % of baseline req/s | p50 ms | p99 ms | one client p50 ms | one client p95 ms | one client p99 ms | design target ms | errors |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.mode} | ${r.scenario} | ${r.requestsPerSecond} | ${((100 * r.requestsPerSecond) / base.requestsPerSecond).toFixed(1)} % | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.unloadedLatencyMs.p50} | ${r.unloadedLatencyMs.p95} | ${r.unloadedLatencyMs.p99} | ${r.targetMs ?? ''} | ${r.errors + r.non2xx} |`,
    ),
    '',
    '## Cross-instance eviction',
    '',
    `A write on one instance to the eviction of its entry on another (Redis pub/sub, ${eviction.messages} writes): p50 ${eviction.publishToEvictMs.p50} ms, p99 ${eviction.publishToEvictMs.p99} ms, max ${eviction.publishToEvictMs.max} ms; baseline of the same run, one Redis PING: p50 ${eviction.redisPingMs.p50} ms, p99 ${eviction.redisPingMs.p99} ms.`,
    '',
    ...(zipf ? zipfSection(zipf) : []),
  ];
  writeFileSync(path.join(dir, 'latest.md'), lines.join('\n'));
  console.log(`\nwrote bench/results/latest.md and latest.json`);
}

/** The Zipf workload's part of a report. */
function zipfSection(zipf: ZipfResult): string[] {
  return [
    `## Zipf workload: product pages over ${zipf.products.toLocaleString('en-US')} products (s = ${zipf.exponent}) through the gateway`,
    '',
    `Each mode starts from an empty cache. "From cold": ${zipf.warmupSeconds} s of warm-up, then ${zipf.measuredSeconds} s measured (a shop just after a restart, its long tail still missing). "Warm shop": then one request for every product, and ${zipf.measuredSeconds} s measured again (every product asked for within its TTL). Hit rates are counted over the measured parts only.`,
    '',
    '| mode | req/s | p50 ms | p99 ms | errors | response cache hit rate | entity | lookups at L1 | L1 hit rate | L2 hit rate (of L1 misses) | entity overall hit rate |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
    ...zipf.runs.flatMap((run) =>
      Object.entries(run.hitRate).map(
        ([type, h]) =>
          `| ${run.mode} | ${run.requestsPerSecond} | ${run.latencyMs.p50} | ${run.latencyMs.p99} | ${run.errors} | ${run.responseCacheHitRate === undefined ? 'off' : `${(100 * run.responseCacheHitRate).toFixed(1)} %`} | ${type} | ${h.lookups} | ${h.lookups ? `${(100 * h.l1).toFixed(1)} %` : '-'} | ${h.lookups ? `${(100 * h.l2).toFixed(1)} %` : '-'} | ${h.lookups ? `${(100 * h.overall).toFixed(1)} %` : '-'} |`,
      ),
    ),
    '',
  ];
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
