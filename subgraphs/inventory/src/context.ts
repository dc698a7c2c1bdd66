import type { RequestContext } from '@shopgraph/kit';
import type { InventoryLoaders } from './loaders.js';
import type { AdjustmentService } from './services/adjustmentService.js';
import type { HoldService } from './services/holdService.js';
import type { StockService } from './services/stockService.js';

export interface InventoryServices {
  stock: StockService;
  holds: HoldService;
  adjustments: AdjustmentService;
}

export interface InventoryContext extends RequestContext {
  loaders: InventoryLoaders;
  services: InventoryServices;
}
