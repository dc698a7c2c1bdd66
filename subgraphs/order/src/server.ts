import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createSubgraphServer, jobQueueMetrics, subscribeProductSellers, type SubgraphDeps, type SubgraphServer } from '@shopgraph/kit';
import { createOrderCaches } from './caches.js';
import type { OrderContext } from './context.js';
import { createAccountLoaders, createOrderLoaders } from './loaders.js';
import type { PaymentProvider } from './payments/paymentProvider.js';
import { TestPaymentProvider } from './payments/testPaymentProvider.js';
import { resolvers } from './resolvers/index.js';
import { CheckoutRecovery } from './services/checkoutRecovery.js';
import { CheckoutSaga } from './services/checkoutSaga.js';
import { CheckoutService } from './services/checkoutService.js';
import { internalCommercePorts, type CommercePorts } from './services/commercePorts.js';
import { IdempotencyGate } from './services/idempotencyGate.js';
import type { NotificationChannel } from './services/notifications/notificationChannel.js';
import { NotificationConsumer } from './services/notifications/notificationConsumer.js';
import { NotificationService } from './services/notifications/notificationService.js';
import { PasswordResetLinks } from './services/notifications/passwordResetLinks.js';
import { TableNotificationChannel } from './services/notifications/tableNotificationChannel.js';
import { OrderService } from './services/orderService.js';
import { OrderWatchService } from './services/orderWatchService.js';
import { SalesService } from './services/salesService.js';
import { PRODUCT_SELLERS_GROUP, SellerOrderLinesService } from './services/sellerOrderLines.js';
import { loadOrderSettings, type OrderSettings } from './settings.js';
import { createAccountServices, type AccountOverrides } from './services/account/accountServices.js';
import { createWebhooks } from './services/webhooks/createWebhooks.js';
import { loadArchiveSettings } from './services/archive/archiveSettings.js';
import { OrderArchiver } from './services/archive/orderArchiver.js';
import type { WebhookSettings } from './services/webhooks/webhookSettings.js';

/** What a test (or another deployment) may swap: the payment provider, the calls out, the settings. */
export interface OrderSubgraphOverrides {
  payments?: PaymentProvider;
  ports?: CommercePorts;
  settings?: Partial<OrderSettings>;
  /** Accounts (issue 10): token settings (the JWT secret), the cart merge. */
  account?: AccountOverrides;
  /** Notification channels besides the built-in table channel (email, push ...). */
  notificationChannels?: NotificationChannel[];
  /** Webhooks (issue 11): delivery settings (tests shorten the backoff). */
  webhookSettings?: Partial<WebhookSettings>;
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
  const account = createAccountServices(deps, overrides.account);
  const webhooks = createWebhooks(deps, overrides.webhookSettings);
  const services = {
    sales: new SalesService(),
    sellerLines: new SellerOrderLinesService(database.prisma),
    watch: new OrderWatchService(database.prisma),
    notifications: new NotificationService(database.prisma),
    orders: new OrderService(database.prisma, ports, payments, logger, orderCaches.evictSales),
    checkout: new CheckoutService(database.prisma, ports, saga, gate, logger, {
      instanceId,
      leaseSeconds: settings.leaseSeconds,
      inFlightWaitMs: settings.inFlightWaitMs,
      maxConcurrent: settings.maxConcurrent,
      paymentProvider: payments.name,
    }, account.addressBook),
    // accounts (issue 10)
    accounts: account.accounts,
    passwordResets: account.passwordResets,
    addressBook: account.addressBook,
    // webhooks (issue 11)
    webhooks: webhooks.endpoints,
  };
  const recovery = new CheckoutRecovery(database.prisma, saga, logger.child({ component: 'checkout-recovery' }), {
    instanceId,
    leaseSeconds: settings.leaseSeconds,
    metrics: jobQueueMetrics(deps.metrics.registry),
  });
  const notificationLogger = logger.child({ component: 'notifications' });
  const notifier = new NotificationConsumer(
    database.prisma,
    [new TableNotificationChannel(database.prisma, notificationLogger), ...(overrides.notificationChannels ?? [])],
    notificationLogger,
    account.resetTokenBox && new PasswordResetLinks(account.resetTokenBox, account.settings.storefrontUrl),
  );
  const archiveSettings = loadArchiveSettings();
  const archiver = new OrderArchiver(database.prisma, logger.child({ component: 'order-archive' }));
  const archival = archiver.periodic(archiveSettings);
  return { settings, orderCaches, services, recovery, saga, instanceId, notifier, account, webhooks, archiver, archival, archiveSettings };
}

/** Runtimes of the servers built in this process, so tests can run a recovery pass themselves. */
export const orderRuntimes = new WeakMap<SubgraphServer, ReturnType<typeof createOrderRuntime>>();

/** Builds the order subgraph; index.ts decides where it listens. */
export function createOrderSubgraph(deps: SubgraphDeps, overrides: OrderSubgraphOverrides = {}): SubgraphServer {
  const { database, logger, readiness, metrics, internalAuth } = deps;
  const runtime = createOrderRuntime(deps, overrides);
  const now = () => new Date();
  const notifications = runtime.notifier.subscribe(deps.events);
  const server = createSubgraphServer<OrderContext>({
    name: 'order',
    resolvers,
    database,
    logger,
    readiness,
    metrics,
    internalAuth,
    perRequest: () => ({
      loaders: { ...createOrderLoaders(database.prisma, runtime.orderCaches, now), ...createAccountLoaders(database.prisma) },
      services: runtime.services,
    }),
    onStop: async () => {
      await runtime.webhooks.stop();
      await runtime.archival.stop();
      await runtime.recovery.stop();
      await notifications.close();
      await runtime.account.sessionSweep.stop();
      await productSellers.close();
    },
  });
  // Which products are whose, for sellerOrderLines (one durable group across order instances).
  const productSellers = subscribeProductSellers(deps.events, database.prisma, 'ordering', PRODUCT_SELLERS_GROUP);
  runtime.recovery.start(runtime.settings.recoveryIntervalSeconds * 1000);
  runtime.account.sessionSweep.start(runtime.account.settings.sessionSweepIntervalSeconds * 1000);
  runtime.webhooks.start();
  runtime.archival.start(runtime.archiveSettings.intervalSeconds * 1000);
  orderRuntimes.set(server, runtime);
  return server;
}
