import type { RequestContext } from '@shopgraph/kit';
import type { CartLoaders } from './loaders.js';
import type { CartService } from './services/cartService.js';

export interface CartServices {
  cart: CartService;
}

export interface CartContext extends RequestContext {
  loaders: CartLoaders;
  services: CartServices;
}
