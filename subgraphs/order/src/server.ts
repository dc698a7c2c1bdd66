import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createSubgraphServer, subscribeProductSellers, type SubgraphDeps, type SubgraphServer } from '@shopgraph/kit';
import { createOrderCaches } from './caches.js';
import type { OrderContext } from './context.js';
import { createOrderLoaders } from './loaders.js';
import type { PaymentProvider } from './payments/paymentProvider.js';
import { TestPaymentProvider } from './payments/testPaymentProvider.js';
import { resolvers } from './resolvers/index.js';
import { CheckoutRecovery } from './services/checkoutRecovery.js';
import { CheckoutSaga } from './services/checkoutSaga.js';
import { CheckoutService } from './services/checkoutService.js';
import { internalCommercePorts, type CommercePorts } from './services/commercePorts.js';
import { IdempotencyGate } from './services/idempotencyGate.js';
import { OrderService } from './services/orderService.js';
import { OrderWatchService } from './services/orderWatchService.js';
import { SalesService } from './services/salesService.js';
import { PRODUCT_SELLERS_GROUP, SellerOrderLinesService } from './services/sellerOrderLines.js';
import { loadOrderSettings, type OrderSettings } from './settings.js';

/** What a test (or another deployment) may swap: the payment provider, the calls out, the settings. */
export interface OrderSubgraphOverrides {
  payments?: PaymentProvider;
  ports?: CommercePorts;
  settings?: Partial<OrderSettings>;
}

/** The order subgraph's long-lived parts, made once at boot (the recovery job is one of them). */
export function createOrderRuntime(deps: SubgraphDeps, overrides: OrderSubgraphOverrides = {}) {
  const { database, logger } = deps;
  const settings = { ...loadOrderSettings(), ...overrides.settings };
  const instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const orderCaches = createOrderCaches(deps.caches);
  const payments = overrides.payments ?? new TestPaymentProvider({ approveDelayMs: settings.testPaymentDelayMs });
  const ports = overrides.ports ?? internalCommercePorts(deps.internal);
  const saga = new CheckoutSaga(
    database.prisma,
    ports,
    payments,
    logger.child({ component: 'checkout' }),
    { instanceId, leaseSeconds: settings.leaseSeconds, paymentTimeoutMs: settings.paymentTimeoutMs, crashAfter: settings.crashAfter },
    orderCaches.evictSales,
  );
  const gate = new IdempotencyGate(deps.redis, deps.namespace, logger);
  const services = {
    sales: new SalesService(),
    sellerLines: new SellerOrderLinesService(database.prisma),
    watch: new OrderWatchService(database.prisma),
    orders: new OrderService(database.prisma, ports, payments, logger, orderCaches.evictSales),
    checkout: new CheckoutService(database.prisma, ports, saga, gate, logger, {
      instanceId,
      leaseSeconds: settings.leaseSeconds,
      inFlightWaitMs: settings.inFlightWaitMs,
      maxConcurrent: settings.maxConcurrent,
      paymentProvider: payments.name,
    }),
  };
  const recovery = new CheckoutRecovery(database.prisma, saga, logger.child({ component: 'checkout-recovery' }), { instanceId, leaseSeconds: settings.leaseSeconds });
  return { settings, orderCaches, services, recovery, saga, instanceId };
}

/** Runtimes of the servers built in this process, so tests can run a recovery pass themselves. */
export const orderRuntimes = new WeakMap<SubgraphServer, ReturnType<typeof createOrderRuntime>>();

/** Builds the order subgraph; index.ts decides where it listens. */
export function createOrderSubgraph(deps: SubgraphDeps, overrides: OrderSubgraphOverrides = {}): SubgraphServer {
  const { database, logger, readiness, metrics, internalAuth } = deps;
  const runtime = createOrderRuntime(deps, overrides);
  const now = () => new Date();
  const server = createSubgraphServer<OrderContext>({
    name: 'order',
    resolvers,
    database,
    logger,
    readiness,
    metrics,
    internalAuth,
    perRequest: () => ({ loaders: createOrderLoaders(database.prisma, runtime.orderCaches, now), services: runtime.services }),
    onStop: async () => {
      await runtime.recovery.stop();
      await productSellers.close();
    },
  });
  // Which products are whose, for sellerOrderLines (one durable group across order instances).
  const productSellers = subscribeProductSellers(deps.events, database.prisma, 'ordering', PRODUCT_SELLERS_GROUP);
  runtime.recovery.start(runtime.settings.recoveryIntervalSeconds * 1000);
  orderRuntimes.set(server, runtime);
  return server;
}
