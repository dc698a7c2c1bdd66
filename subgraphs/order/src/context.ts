import type { RequestContext } from '@shopgraph/kit';
import type { OrderLoaders } from './loaders.js';
import type { CheckoutService } from './services/checkoutService.js';
import type { OrderService } from './services/orderService.js';
import type { OrderWatchService } from './services/orderWatchService.js';
import type { SalesService } from './services/salesService.js';
import type { SellerOrderLinesService } from './services/sellerOrderLines.js';

export interface OrderServices {
  sales: SalesService;
  orders: OrderService;
  checkout: CheckoutService;
  watch: OrderWatchService;
  sellerLines: SellerOrderLinesService;
}

export interface OrderContext extends RequestContext {
  loaders: OrderLoaders;
  services: OrderServices;
}
