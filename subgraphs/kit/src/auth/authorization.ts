import { DomainError, ErrorCode } from '../errors.js';
import { describeIdentity, hasScope, type AuthenticatedIdentity, type Identity } from './identity.js';

/**
 * Checks services make themselves (owner rules cannot be declared in the schema). They
 * throw DomainErrors, so clients get UNAUTHENTICATED or FORBIDDEN in extensions.code.
 */

export function requireAuthenticated(identity: Identity): AuthenticatedIdentity {
  if (identity.kind !== 'user') throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in to do this');
  return identity;
}

export function requireScope(identity: Identity, scope: string): AuthenticatedIdentity {
  const user = requireAuthenticated(identity);
  if (!hasScope(user, scope)) {
    throw new DomainError(ErrorCode.FORBIDDEN, `Requires the "${scope}" scope`, { requiredScopes: [[scope]] });
  }
  return user;
}

/**
 * The owner of a thing (a cart, an order) or an admin with `scope` may go on; anyone else
 * is refused. A thing without an owner (a guest's) is nobody's to claim by identity.
 */
export function assertOwnerOrAdmin(identity: Identity, ownerId: string | null | undefined, scope: string): AuthenticatedIdentity {
  const user = requireAuthenticated(identity);
  if (ownerId != null && user.subject === ownerId) return user;
  if (hasScope(user, 'admin') && hasScope(user, scope)) return user;
  throw new DomainError(ErrorCode.FORBIDDEN, `Not yours: ${describeIdentity(user)} may not do this`);
}

/**
 * `@requiresScopes` semantics: the outer list is OR, each inner list is AND
 * ([["admin", "catalog"], ["support"]] = admin AND catalog, or support).
 */
export function satisfiesScopes(identity: Identity, anyOf: readonly (readonly string[])[]): boolean {
  return anyOf.some((allOf) => allOf.every((scope) => hasScope(identity, scope)));
}

/** Whose things a caller may see or change: the whole shop's (an admin), or one seller's own. */
export type Reach = { readonly kind: 'shop' } | { readonly kind: 'seller'; readonly sellerId: string };

/**
 * An admin with `scope` reaches the whole shop; a SELLER reaches their own things; anyone
 * else is refused (UNAUTHENTICATED, then FORBIDDEN).
 */
export function reachOf(identity: Identity, scope: string): Reach {
  const user = requireAuthenticated(identity);
  if (hasScope(user, 'admin') && hasScope(user, scope)) return { kind: 'shop' };
  if (user.role === 'SELLER') return { kind: 'seller', sellerId: user.subject };
  throw new DomainError(ErrorCode.FORBIDDEN, `Requires the "${scope}" scope or a seller`, { requiredScopes: [[scope], ['seller']] });
}

/**
 * A seller may touch only what they own (`ownerSellerId`; null = the shop's own, which no
 * seller owns). Another seller's thing is FORBIDDEN: the catalog is public, so hiding that
 * it exists (NOT_FOUND) would protect nothing.
 */
export function assertWithinReach(reach: Reach, ownerSellerId: string | null | undefined, what: string): void {
  if (reach.kind === 'shop' || (ownerSellerId != null && ownerSellerId === reach.sellerId)) return;
  throw new DomainError(ErrorCode.FORBIDDEN, `${what} belongs to another seller`);
}
