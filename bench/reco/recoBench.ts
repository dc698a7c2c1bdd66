// `npm run bench -- reco`: the offline evaluation of the personal recommender against the
// popularity baseline, then alsoBought and recommendedForMe through the gateway (warm) beside
// the primary-key product read of the same run. Writes bench/results/reco-evaluation.{json,md}.
import { Agent, request as httpRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { REPO_ROOT, createDatabase, createLogger, createSubgraphDeps, databaseNameOf, refusingInternalAuth } from '@shopgraph/kit';
import { createRecommendationParts } from '../../subgraphs/recommendation/src/server.js';
import { DEFAULT_DATASET, generateDataset } from './evaluationDataset.js';
import { evaluate, type EvaluationResult } from './offlineEvaluation.js';

export interface Stack {
  endpoints: { gateway: string };
  stop(): Promise<void>;
}

export interface RecoBenchTools {
  databaseUrl: string;
  products: number;
  durationSeconds: number;
  connections: number;
  redisUrl: string;
  prepare: (url: string, products: number, say: (line: string) => void) => Promise<unknown>;
  startStack: (env: NodeJS.ProcessEnv) => Promise<Stack>;
  /** A bearer token the bench gateway accepts for this customer. */
  customerToken: (customerId: string) => Promise<string>;
}

interface LatencyResult {
  mode: string;
  scenario: string;
  requestsPerSecond: number;
  /** Under load (autocannon, `connections` clients). */
  latencyMs: { p50: number; p99: number };
  /** One client, one request at a time: exact percentiles. */
  oneClientMs: { p50: number; p99: number };
  errors: number;
}

const QUERIES = {
  baseline: 'query($id: ID) { product(id: $id) { id name priceRange { min { amount currency } } } }',
  alsoBought: `query($id: ID) { product(id: $id) { id name priceRange { min { amount currency } }
    alsoBought(first: 5) { confidence lift product { id name priceRange { min { amount currency } } } } } }`,
  recommendedForMe: `{ recommendedForMe(first: 10) { score reason { kind } product { id name priceRange { min { amount currency } } } } }`,
};

export async function runRecoBench(tools: RecoBenchTools): Promise<void> {
  const loadAtStart = os.loadavg();
  console.log('[reco] offline evaluation on a generated shop with hidden tastes');
  const dataset = generateDataset(DEFAULT_DATASET);
  const evaluation = evaluate(dataset);
  for (const [name, m] of Object.entries(evaluation.models)) {
    console.log(`[reco]   ${name}: precision@10 ${m.precisionAt10.toFixed(4)} (±${m.precisionStdErr.toFixed(4)}), recall@10 ${m.recallAt10.toFixed(4)} (±${m.recallStdErr.toFixed(4)})`);
  }

  const url = tools.databaseUrl;
  await tools.prepare(url, tools.products, (line) => console.log(`[reco] ${line}`));
  console.log('[reco] refreshing the precomputed recommendations (full rebuild)');
  const refreshStarted = performance.now();
  await refreshAll(url);
  const refreshSeconds = (performance.now() - refreshStarted) / 1000;
  const { products, customers } = await benchInputs(url);
  const customerTokens = await Promise.all(customers.map((id) => tools.customerToken(id)));

  const latency: LatencyResult[] = [];
  const modes = [
    { name: 'entity caches (L1 + Redis), no response cache', env: { SHOPGRAPH_CACHE: 'on', SHOPGRAPH_RESPONSE_CACHE: 'off', REDIS_URL: tools.redisUrl } },
    { name: 'all caches (response cache + L1 + Redis)', env: { SHOPGRAPH_CACHE: 'on', SHOPGRAPH_RESPONSE_CACHE: 'on', REDIS_URL: tools.redisUrl } },
  ];
  for (const mode of modes) {
    // No background refresh while measuring: a trending recompute would retire warm entries mid-run.
    const stack = await tools.startStack({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', NODE_ENV: 'production', RECO_REFRESH_INTERVAL_SECONDS: '0', ...mode.env });
    try {
      const scenarios: [string, (i: number) => { body: string; headers: Record<string, string> }][] = [
        ['product by id (primary-key read, the baseline)', (i) => ({ body: JSON.stringify({ query: QUERIES.baseline, variables: { id: products[i % products.length] } }), headers: {} })],
        ['product by id with alsoBought(first: 5)', (i) => ({ body: JSON.stringify({ query: QUERIES.alsoBought, variables: { id: products[i % products.length] } }), headers: {} })],
        [
          'recommendedForMe(first: 10), signed in',
          (i) => ({ body: JSON.stringify({ query: QUERIES.recommendedForMe }), headers: { authorization: `Bearer ${customerTokens[i % customerTokens.length]!}` } }),
        ],
      ];
      for (const [scenario, nth] of scenarios) {
        const result = await measure(stack.endpoints.gateway, nth, Math.max(products.length, customers.length), tools);
        latency.push({ mode: mode.name, scenario, ...result });
        console.log(
          `[reco ${mode.name}] ${scenario}: ${result.requestsPerSecond} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms; one client p50 ${result.oneClientMs.p50} ms, p99 ${result.oneClientMs.p99} ms; ${result.errors} errors`,
        );
      }
    } finally {
      await stack.stop();
    }
  }
  writeResults(evaluation, latency, { refreshSeconds, products: tools.products, loadAtStart, loadAtEnd: os.loadavg(), tools, database: databaseNameOf(url), anchors: products.length, customers: customers.length });
}

async function refreshAll(url: string): Promise<void> {
  const logger = createLogger('reco-bench', 'warn');
  const database = createDatabase({ url, poolSize: 2, logger });
  const deps = createSubgraphDeps('recommendation', { database, logger, cacheNamespace: databaseNameOf(url), internalAuth: refusingInternalAuth() });
  try {
    await createRecommendationParts(deps).refresher.run({ full: true });
  } finally {
    await deps.caches.close();
    await database.close();
  }
}

/** Products that have also-bought rules and customers with recommendations: what the scenarios rotate over. */
async function benchInputs(url: string): Promise<{ products: string[]; customers: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const products = (await client.query<{ id: string }>(`SELECT DISTINCT product_id::text AS id FROM reco.also_bought ORDER BY 1 LIMIT 300`)).rows.map((r) => r.id);
    const customers = (await client.query<{ id: string }>(`SELECT DISTINCT customer_id::text AS id FROM reco.customer_recommendation ORDER BY 1 LIMIT 300`)).rows.map((r) => r.id);
    if (products.length === 0 || customers.length === 0) throw new Error('the refresh left no recommendations to measure');
    return { products, customers };
  } finally {
    await client.end();
  }
}

/** A warm-up pass over every input (so each is cached), then load and one-client latency rotating over them. */
async function measure(url: string, nth: (i: number) => { body: string; headers: Record<string, string> }, inputs: number, tools: RecoBenchTools) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (i: number) =>
    new Promise<number>((resolve, reject) => {
      const { body, headers } = nth(i);
      const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(res.statusCode === 200 && !text.includes('"errors"') ? 0 : 1));
      });
      req.on('error', reject);
      req.end(body);
    }).catch(() => 1);
  let errors = 0;
  try {
    for (let i = 0; i < inputs; i++) errors += await send(i);
    let counter = 0;
    const loaded = await autocannon({
      url,
      connections: tools.connections,
      duration: tools.durationSeconds,
      method: 'POST',
      requests: [{ setupRequest: (req) => ({ ...req, ...withHeaders(nth(counter++)) }) }],
    });
    errors += loaded.errors + loaded.non2xx;
    const samples: number[] = [];
    const until = performance.now() + 3_000;
    for (let i = 0; performance.now() < until; i++) {
      const started = performance.now();
      errors += await send(i);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => Number((samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)] ?? 0).toFixed(2));
    return {
      requestsPerSecond: Math.round(loaded.requests.average),
      latencyMs: { p50: loaded.latency.p50, p99: loaded.latency.p99 },
      oneClientMs: { p50: at(0.5), p99: at(0.99) },
      errors,
    };
  } finally {
    agent.destroy();
  }
}

function withHeaders({ body, headers }: { body: string; headers: Record<string, string> }) {
  return { body, headers: { 'content-type': 'application/json', ...headers } };
}

interface RunInfo {
  refreshSeconds: number;
  products: number;
  loadAtStart: number[];
  loadAtEnd: number[];
  tools: RecoBenchTools;
  database: string;
  anchors: number;
  customers: number;
}

function writeResults(evaluation: EvaluationResult, latency: LatencyResult[], info: RunInfo): void {
  const at = new Date().toISOString();
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, loadAverage: { atStart: info.loadAtStart.map((l) => Number(l.toFixed(2))), atEnd: info.loadAtEnd.map((l) => Number(l.toFixed(2))) } };
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  const json = { at, machine, dataset: DEFAULT_DATASET, evaluation, latency: { database: info.database, products: info.products, connections: info.tools.connections, durationSeconds: info.tools.durationSeconds, fullRefreshSeconds: Number(info.refreshSeconds.toFixed(1)), results: latency } };
  writeFileSync(path.join(dir, 'reco-evaluation.json'), `${JSON.stringify(json, null, 2)}\n`);
  const pct = (x: number) => (100 * x).toFixed(2);
  const base = evaluation.models['popularity baseline (best sellers before the cutoff)']!;
  const lines = [
    `# Recommendations: offline evaluation and latency, ${at}`,
    '',
    '## Offline evaluation (split by time)',
    '',
    `A generated shop (bench/reco/evaluationDataset.ts, seed ${DEFAULT_DATASET.seed}): ${DEFAULT_DATASET.products} products in 72 leaf categories under 6 roots, 36 brands, price bands and styles; ${DEFAULT_DATASET.customers} customers, each with a hidden taste (two favourite leaf categories, two brands, a price band, a style) that drives 65-70 % of what they view and buy, the rest following overall popularity. ${DEFAULT_DATASET.days} days of sessions (views, cart adds, purchases).`,
    `The recommenders learn from the first ${DEFAULT_DATASET.days - DEFAULT_DATASET.testDays} days (${evaluation.trainEvents.toLocaleString('en-US')} events) and are scored on the products each customer bought in the last ${DEFAULT_DATASET.testDays} days that they had not bought before: ${evaluation.customers} customers with a history and such a purchase, ${evaluation.heldOutPurchases} held-out products. precision@10 = hits / 10, recall@10 = hits / held-out products of the customer, averaged over customers (± one standard error).`,
    'The personal recommender is the production code (algorithms/personalised.ts: item-to-item CF blended 0.7/0.3 with content similarity, trending fill) on the inputs the refresh job gives it; the ablations change only the blend.',
    '',
    '| recommender | precision@10 | recall@10 | hits | precision vs popularity |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...Object.entries(evaluation.models).map(
      ([name, m]) =>
        `| ${name} | ${pct(m.precisionAt10)} % ± ${pct(m.precisionStdErr)} | ${pct(m.recallAt10)} % ± ${pct(m.recallStdErr)} | ${m.hits} | ${(m.precisionAt10 / base.precisionAt10).toFixed(2)}x |`,
    ),
    '',
    '## Latency through the gateway (warm)',
    '',
    `Database ${info.database} (the demo store, ${info.products.toLocaleString('en-US')} products), precomputed by a full refresh that took ${info.refreshSeconds.toFixed(1)} s. Every service runs as its own process, as \`npm start\` runs them; the load generator runs on the same machine. Each scenario first reads every input once (warm), then rotates over ${info.anchors} products with also-bought rules, or ${info.customers} customers with recommendations, for ${info.tools.durationSeconds} s with ${info.tools.connections} connections, then 3 s with one client (exact percentiles). The primary-key product read over the same products, in the same stack, is the baseline.`,
    `**The machine is shared with other work**: load average ${machine.loadAverage.atStart.join(' / ')} (1/5/15 min) at the start and ${machine.loadAverage.atEnd.join(' / ')} at the end, on ${machine.cpus} cores (${machine.cpuModel}). Read every figure against the baseline beside it, not as an absolute.`,
    '',
    `| mode | scenario | req/s (${info.tools.connections} conn.) | p50 ms | p99 ms | one client p50 ms | one client p99 ms | errors |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...latency.map((r) => `| ${r.mode} | ${r.scenario} | ${r.requestsPerSecond} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.oneClientMs.p50} | ${r.oneClientMs.p99} | ${r.errors} |`),
    '',
    'With the response cache on, the two public scenarios repeat queries the gateway has stored, so they are answered from stored bytes (what a popular product page costs until a write evicts it). recommendedForMe is private (cache scope PRIVATE, a caller identity): the response cache never serves or stores it, so both modes read it through the entity caches.',
    'Through the entity caches, alsoBought costs three subgraph fetches (the product, its recommendations, then the recommended products\' names and prices) where the baseline costs one.',
    '',
  ];
  writeFileSync(path.join(dir, 'reco-evaluation.md'), lines.join('\n'));
  console.log('\nwrote bench/results/reco-evaluation.md and reco-evaluation.json');
}
