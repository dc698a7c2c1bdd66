// The order subgraph in a child process, for crash tests: SHOPGRAPH_CHECKOUT_CRASH_AFTER=<step>
// makes it exit right after the checkout saga recorded that step, as a crash there would.
// It prints {"url": ...} once it listens. Needs DATABASE_URL, CACHE_NAMESPACE and
// SUBGRAPH_URLS (JSON: the cart and inventory subgraphs of the test's supergraph).
import { createDatabase, createLogger, createSubgraphDeps, type SubgraphName } from '@shopgraph/kit';
import { createTestInternalAuth } from '@shopgraph/kit/testing';
import { createOrderSubgraph } from '../src/server.js';

const { DATABASE_URL, CACHE_NAMESPACE, SUBGRAPH_URLS } = process.env;
if (!DATABASE_URL || !CACHE_NAMESPACE || !SUBGRAPH_URLS) throw new Error('checkoutProcess needs DATABASE_URL, CACHE_NAMESPACE and SUBGRAPH_URLS');
const logger = createLogger('order-child', process.env.TEST_LOG_LEVEL ?? 'silent');
const database = createDatabase({ url: DATABASE_URL, poolSize: 2, logger });
const deps = createSubgraphDeps('order', {
  database,
  logger,
  cacheNamespace: CACHE_NAMESPACE,
  internalAuth: createTestInternalAuth(),
  subgraphUrls: JSON.parse(SUBGRAPH_URLS) as Partial<Record<SubgraphName, string>>,
});
const server = createOrderSubgraph(deps, { settings: { recoveryIntervalSeconds: 0 } });
const { url } = await server.listen(0, '127.0.0.1');
console.log(JSON.stringify({ url: `${url.replace('localhost', '127.0.0.1')}/graphql` }));
