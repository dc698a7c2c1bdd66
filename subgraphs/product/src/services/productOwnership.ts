import { assertWithinReach, DomainError, ErrorCode, type Prisma, type Reach } from '@shopgraph/kit';
import type { ChangeActor } from './pricingService.js';

/**
 * The catalog's seller rule, applied by the services inside their write transactions: a
 * seller changes only the products they own (their variants, prices and images too); another
 * seller's product, or the shop's own, is FORBIDDEN and nothing changes. Admins (an actor
 * without a sellerId) change everything.
 */
export function reachOfActor(actor: ChangeActor): Reach {
  return actor.sellerId === undefined ? { kind: 'shop' } : { kind: 'seller', sellerId: actor.sellerId };
}

/** Refuses a seller acting on a product that is not theirs; `ownerSellerId` as read under the caller's row lock. */
export function assertMayChange(actor: ChangeActor, ownerSellerId: string | null): void {
  assertWithinReach(reachOfActor(actor), ownerSellerId, 'This product');
}

/**
 * assertMayChange for a product known by id, read inside the caller's transaction (the caller
 * holds a lock on the row that names it). An admin reaches every product, so for them no owner is read.
 */
export async function assertMayChangeProduct(tx: Prisma.TransactionClient, actor: ChangeActor, productId: string): Promise<void> {
  if (actor.sellerId === undefined) return;
  const [row] = await tx.$queryRaw<Array<{ seller_id: string | null }>>`SELECT seller_id FROM catalog.product WHERE id = ${productId}::uuid`;
  assertMayChange(actor, row?.seller_id ?? null);
}

/** Categories and brands are the shop's: sellers file their products under them but never change them. */
export function assertShopActor(actor: ChangeActor): void {
  if (actor.sellerId !== undefined) throw new DomainError(ErrorCode.FORBIDDEN, 'Only the shop changes categories and brands');
}
