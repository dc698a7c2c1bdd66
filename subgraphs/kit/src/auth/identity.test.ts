import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { assertOwnerOrAdmin, assertWithinReach, reachOf, requireAuthenticated, requireScope, satisfiesScopes } from './authorization.js';
import { ADMIN_SCOPES, ANONYMOUS, identityFor, sellerIdOf } from './identity.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof DomainError ? err.code : 'not a DomainError';
  }
};

describe('roles and scopes', () => {
  it('gives an admin without a scope claim every admin scope, and one with a claim only those', () => {
    expect(identityFor('a', 'ADMIN').scopes).toEqual(['admin', ...ADMIN_SCOPES]);
    expect(identityFor('a', 'ADMIN', ['catalog', 'openid']).scopes).toEqual(['admin', 'catalog']);
    expect(identityFor('a', 'ADMIN', []).scopes).toEqual(['admin']);
  });

  it('never lets a customer claim an admin scope', () => {
    expect(identityFor('c', 'CUSTOMER', ['catalog', 'orders']).scopes).toEqual(['customer']);
  });

  it('gives a seller only the seller scope, whatever the token asks for', () => {
    expect(identityFor('seller-1', 'SELLER').scopes).toEqual(['seller']);
    expect(identityFor('seller-1', 'SELLER', ['catalog', 'admin', 'service']).scopes).toEqual(['seller']);
    expect(sellerIdOf(identityFor('seller-1', 'SELLER'))).toBe('seller-1');
    expect(sellerIdOf(identityFor('admin-1', 'ADMIN'))).toBeUndefined();
    expect(satisfiesScopes(identityFor('seller-1', 'SELLER'), [['catalog']])).toBe(false);
    expect(satisfiesScopes(identityFor('seller-1', 'SELLER'), [['catalog'], ['seller']])).toBe(true);
  });
});

describe('service helpers', () => {
  const customer = identityFor('customer-1', 'CUSTOMER');
  const ordersAdmin = identityFor('admin-1', 'ADMIN', ['orders']);
  const catalogAdmin = identityFor('admin-2', 'ADMIN', ['catalog']);

  it('requireAuthenticated and requireScope answer UNAUTHENTICATED, then FORBIDDEN', () => {
    expect(codeOf(() => requireAuthenticated(ANONYMOUS))).toBe('UNAUTHENTICATED');
    expect(requireAuthenticated(customer)).toBe(customer);
    expect(codeOf(() => requireScope(ANONYMOUS, 'orders'))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => requireScope(customer, 'orders'))).toBe('FORBIDDEN');
    expect(requireScope(ordersAdmin, 'orders')).toBe(ordersAdmin);
  });

  it('assertOwnerOrAdmin lets the owner and an admin with the scope through, nobody else', () => {
    expect(assertOwnerOrAdmin(customer, 'customer-1', 'orders')).toBe(customer);
    expect(codeOf(() => assertOwnerOrAdmin(identityFor('customer-2', 'CUSTOMER'), 'customer-1', 'orders'))).toBe('FORBIDDEN');
    expect(codeOf(() => assertOwnerOrAdmin(ANONYMOUS, 'customer-1', 'orders'))).toBe('UNAUTHENTICATED');
    expect(assertOwnerOrAdmin(ordersAdmin, 'customer-1', 'orders')).toBe(ordersAdmin);
    expect(codeOf(() => assertOwnerOrAdmin(catalogAdmin, 'customer-1', 'orders'))).toBe('FORBIDDEN');
    // A guest's thing has no owner to match.
    expect(codeOf(() => assertOwnerOrAdmin(customer, null, 'orders'))).toBe('FORBIDDEN');
  });

  it('reads @requiresScopes lists as OR of ANDs', () => {
    expect(satisfiesScopes(ordersAdmin, [['admin', 'orders']])).toBe(true);
    expect(satisfiesScopes(ordersAdmin, [['admin', 'catalog']])).toBe(false);
    expect(satisfiesScopes(ordersAdmin, [['admin', 'catalog'], ['orders']])).toBe(true);
    expect(satisfiesScopes(ANONYMOUS, [['admin']])).toBe(false);
  });
});

describe('seller reach', () => {
  const seller = identityFor('seller-1', 'SELLER');
  const catalogAdmin = identityFor('admin-1', 'ADMIN', ['catalog']);

  it('an admin with the scope reaches the shop, a seller their own things, others nothing', () => {
    expect(reachOf(catalogAdmin, 'catalog')).toEqual({ kind: 'shop' });
    expect(reachOf(seller, 'catalog')).toEqual({ kind: 'seller', sellerId: 'seller-1' });
    expect(codeOf(() => reachOf(identityFor('admin-2', 'ADMIN', ['orders']), 'catalog'))).toBe('FORBIDDEN');
    expect(codeOf(() => reachOf(identityFor('c', 'CUSTOMER'), 'catalog'))).toBe('FORBIDDEN');
    expect(codeOf(() => reachOf(ANONYMOUS, 'catalog'))).toBe('UNAUTHENTICATED');
  });

  it('a seller passes only for their own thing; the shop passes for all', () => {
    const mine = reachOf(seller, 'catalog');
    expect(() => assertWithinReach(mine, 'seller-1', 'Product')).not.toThrow();
    expect(codeOf(() => assertWithinReach(mine, 'seller-2', 'Product'))).toBe('FORBIDDEN');
    expect(codeOf(() => assertWithinReach(mine, null, 'Product'))).toBe('FORBIDDEN');
    expect(() => assertWithinReach({ kind: 'shop' }, 'seller-2', 'Product')).not.toThrow();
  });
});
