import { ANONYMOUS, identityFor, type AuthenticatedIdentity, type Identity } from '../auth/identity.js';
import { createInternalAuth, type InternalAuth } from '../auth/internalAuth.js';
import type { InternalSignerOptions } from '../auth/internalSignature.js';

/** Fixed secrets for tests (never used outside them). */
export const TEST_INTERNAL_SIGNING_SECRET = 'test-only-internal-signing-secret-0123456789';
export const TEST_JWT_SECRET = 'test-only-jwt-secret-0123456789-0123456789';

/** Callers tests act as; admins get every admin scope unless told otherwise. */
export const testIdentities = {
  anonymous: ANONYMOUS as Identity,
  customer: (subject = 'customer-1'): AuthenticatedIdentity => identityFor(subject, 'CUSTOMER'),
  admin: (scopes?: readonly string[], subject = 'admin-1'): AuthenticatedIdentity => identityFor(subject, 'ADMIN', scopes),
  seller: (subject = 'seller-1'): AuthenticatedIdentity => identityFor(subject, 'SELLER'),
};

export interface TestInternalAuthOptions extends InternalSignerOptions {
  /** SHOPGRAPH_INSECURE_SUBGRAPHS on (the relaxed development mode). */
  insecure?: boolean;
}

/** The subgraph side of the gateway signature, with the test secret. */
export function createTestInternalAuth(options: TestInternalAuthOptions = {}): InternalAuth {
  return createInternalAuth({ ...options, secret: TEST_INTERNAL_SIGNING_SECRET, insecure: options.insecure ?? false });
}
