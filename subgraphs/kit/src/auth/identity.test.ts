import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { assertOwnerOrAdmin, requireAuthenticated, requireScope, satisfiesScopes } from './authorization.js';
import { ADMIN_SCOPES, ANONYMOUS, identityFor } from './identity.js';

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
