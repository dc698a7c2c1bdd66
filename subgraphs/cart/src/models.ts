import type { Connection, Prisma } from '@shopgraph/kit';
import type { Totals } from './services/totals.js';

export type CartModel = Prisma.CartGetPayload<object>;
export type CartItemRow = Prisma.CartItemGetPayload<object>;
export type CouponModel = Prisma.CouponGetPayload<object>;
/** A cart line with its cart's currency (lines are priced in the cart's currency). */
export type CartItemModel = CartItemRow & { currency: string; unitPrice: string };
export interface CreateCartPayloadModel {
  cart: CartModel;
  token: string | null;
}
export interface CartTotalsModel extends Totals {
  currency: string;
  region: string | null;
  taxRate: string | null;
}
export interface CheckoutCartModel {
  id: string;
  customerId: string | null;
  currency: string;
  stockOwner: string;
  lines: Array<{ productId: string; variantId: string; sku: string; quantity: number; unitPrice: string }>;
  subtotal: string;
  discount: string;
  tax: string;
  shipping: string;
  grandTotal: string;
  couponCode: string | null;
  version: number;
}

// ---- wishlists (issue 10)
export type WishlistItemRow = Prisma.WishlistItemGetPayload<object>;
/** A saved item with the variant's current price (the cart's price projection; the saved price if the variant is gone). */
export type WishlistItemModel = WishlistItemRow & { currentPrice: string };
export type WishlistConnectionModel = Connection<WishlistItemModel>;
