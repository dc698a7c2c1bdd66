import type { CommerceSettings, RequestContext } from '@shopgraph/kit';
import type { CartLoaders } from './loaders.js';
import type { CartService } from './services/cartService.js';
import type { CouponService } from './services/couponService.js';
import type { WishlistService } from './services/wishlistService.js';

export interface CartServices {
  cart: CartService;
  coupons: CouponService;
  settings: CommerceSettings;
  wishlist: WishlistService;
}

export interface CartContext extends RequestContext {
  loaders: CartLoaders;
  services: CartServices;
}
