import type { Prisma } from '@shopgraph/kit';

export type CartModel = Prisma.CartGetPayload<object>;
export type CartItemRow = Prisma.CartItemGetPayload<object>;
/** A cart line with its cart's currency (lines are priced in the cart's currency). */
export type CartItemModel = CartItemRow & { currency: string };
