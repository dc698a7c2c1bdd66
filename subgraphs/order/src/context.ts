import type { RequestContext } from '@shopgraph/kit';
import type { OrderLoaders } from './loaders.js';
import type { SalesService } from './services/salesService.js';

export interface OrderServices {
  sales: SalesService;
}

export interface OrderContext extends RequestContext {
  loaders: OrderLoaders;
  services: OrderServices;
}
