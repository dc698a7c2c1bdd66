import { childrenLoader, isUuid, type PrismaClient } from '@shopgraph/kit';
import type { Prisma } from '@shopgraph/kit';

export function createCartLoaders(prisma: PrismaClient) {
  return {
    itemsByCartId: childrenLoader<string, Prisma.CartItemGetPayload<object>>(
      (ids) => prisma.cartItem.findMany({ where: { cartId: { in: [...ids] } }, orderBy: [{ addedAt: 'asc' }, { id: 'asc' }] }),
      (i) => i.cartId,
      { isValidKey: isUuid },
    ),
  };
}

export type CartLoaders = ReturnType<typeof createCartLoaders>;
