import { createSubgraphServer, jobQueueMetrics, type SubgraphDeps, type SubgraphServer } from '@shopgraph/kit';
import { createInventoryCaches } from './caches.js';
import type { InventoryContext } from './context.js';
import { createInventoryLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { AdjustmentService } from './services/adjustmentService.js';
import { CatalogSkus } from './services/catalogSkus.js';
import { HoldService } from './services/holdService.js';
import { StockExpiryJob } from './services/stockExpiryJob.js';
import { StockService } from './services/stockService.js';

/** Builds the inventory subgraph (stock per SKU per warehouse, holds, movements); index.ts decides where it listens. */
export function createInventorySubgraph({ database, logger, readiness, metrics, caches, internalAuth, commerce, events }: SubgraphDeps): SubgraphServer {
  const inventoryCaches = createInventoryCaches(caches);
  const holds = new HoldService(database.prisma, inventoryCaches, { holdTtlSeconds: commerce.stockHoldTtlSeconds });
  const services = { stock: new StockService(database.prisma), holds, adjustments: new AdjustmentService(database.prisma, inventoryCaches) };
  const expiry = new StockExpiryJob(holds, logger.child({ component: 'stock-expiry' }), undefined, jobQueueMetrics(metrics.registry));
  expiry.start(commerce.stockExpiryIntervalSeconds);
  // New catalog variants become inventory items (product.changed snapshots list the variants).
  const catalogSkus = new CatalogSkus(database.prisma).subscribe(events, logger.child({ component: 'catalog-skus' }));
  return createSubgraphServer<InventoryContext>({
    name: 'inventory',
    resolvers,
    database,
    logger,
    readiness,
    metrics,
    internalAuth,
    perRequest: (_req, { responseTags }) => ({ loaders: createInventoryLoaders(database.prisma, inventoryCaches, responseTags), services }),
    onStop: async () => {
      await catalogSkus.close();
      await expiry.stop();
    },
  });
}
