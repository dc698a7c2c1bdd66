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
