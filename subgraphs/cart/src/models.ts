import type { Prisma } from '@shopgraph/kit';

export type CartModel = Prisma.CartGetPayload<object>;
/** A cart line with its cart's currency (lines are priced in the cart's currency). */
export type CartItemModel = Prisma.CartItemGetPayload<object> & { currency: string };
