import type { RequestContext } from '@shopgraph/kit';
import type { InventoryLoaders } from './loaders.js';
import type { StockService } from './services/stockService.js';

export interface InventoryServices {
  stock: StockService;
}

export interface InventoryContext extends RequestContext {
  loaders: InventoryLoaders;
  services: InventoryServices;
}
