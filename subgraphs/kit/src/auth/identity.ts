/**
 * Who is calling, as every subgraph's request context carries it. The gateway turns a
 * verified JWT into an identity and forwards it, signed, to the subgraphs (internalSignature.ts).
 */

/**
 * Roles a token may carry. A SELLER's `sub` is the seller's id: the products they create are
 * theirs, and they may change, see the stock, order lines and analytics of those only.
 */
export const ROLES = ['CUSTOMER', 'ADMIN', 'SELLER'] as const;
export type Role = (typeof ROLES)[number];

/** Finer admin rights; an ADMIN token without a `scope` claim gets all of them. */
export const ADMIN_SCOPES = ['catalog', 'inventory', 'orders'] as const;
export type AdminScope = (typeof ADMIN_SCOPES)[number];

/** A seller's role scope: `@requiresScopes(scopes: [["catalog"], ["seller"]])` lets sellers in, and the service then limits them to their own things. */
export const SELLER_SCOPE = 'seller';

/**
 * How roles map to the scopes that `@requiresScopes` checks: every role has its own scope
 * ("customer", "admin"), plus the scopes it may be granted. Scopes a token asks for that its
 * role cannot be granted (a customer claiming "catalog", an identity provider's "openid")
 * are ignored, never refused.
 */
export const ROLE_GRANTS: Readonly<Record<Role, { roleScope: string; grantable: readonly string[] }>> = {
  CUSTOMER: { roleScope: 'customer', grantable: [] },
  ADMIN: { roleScope: 'admin', grantable: ADMIN_SCOPES },
  SELLER: { roleScope: SELLER_SCOPE, grantable: [] },
};

export interface AnonymousIdentity {
  readonly kind: 'anonymous';
}

export interface AuthenticatedIdentity {
  readonly kind: 'user';
  /** The token's `sub`: a customer id, an admin's account id, a seller id. */
  readonly subject: string;
  readonly role: Role;
  /** Effective scopes: the role's own scope first, then the granted ones. */
  readonly scopes: readonly string[];
}

/** The scope only a service identity carries: `@requiresScopes(scopes: [["service"]])` marks service-only fields. */
export const SERVICE_SCOPE = 'service';

/**
 * Another subgraph calling (InternalClient). Carried ONLY by the internal signature, made by
 * a service with the shared secret: the gateway never turns a JWT into one (a token's role is
 * CUSTOMER, ADMIN or SELLER, and no role can be granted the "service" scope).
 */
export interface ServiceIdentity {
  readonly kind: 'service';
  /** The calling subgraph's name ("order", "cart"). */
  readonly service: string;
  readonly scopes: readonly string[];
}

export type Identity = AnonymousIdentity | AuthenticatedIdentity | ServiceIdentity;

/** The identity a subgraph signs its own internal calls with. */
export function serviceIdentity(service: string): ServiceIdentity {
  return Object.freeze({ kind: 'service', service, scopes: Object.freeze([SERVICE_SCOPE]) });
}

export function isService(identity: Identity): identity is ServiceIdentity {
  return identity.kind === 'service';
}

export const ANONYMOUS: AnonymousIdentity = Object.freeze({ kind: 'anonymous' });

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isAuthenticated(identity: Identity): identity is AuthenticatedIdentity {
  return identity.kind === 'user';
}

export function hasScope(identity: Identity, scope: string): boolean {
  return identity.kind !== 'anonymous' && identity.scopes.includes(scope);
}

/**
 * The identity a role and a token's requested scopes amount to. `requested` undefined (no
 * `scope` claim) grants everything the role may have.
 */
export function identityFor(subject: string, role: Role, requested?: readonly string[]): AuthenticatedIdentity {
  const { roleScope, grantable } = ROLE_GRANTS[role];
  const granted = requested === undefined ? grantable : grantable.filter((s) => requested.includes(s));
  return Object.freeze({ kind: 'user', subject, role, scopes: Object.freeze([roleScope, ...granted]) });
}

/** A short, log-safe description ("anonymous", "ADMIN admin-1"). */
export function describeIdentity(identity: Identity): string {
  if (identity.kind === 'service') return `service ${identity.service}`;
  return identity.kind === 'user' ? `${identity.role} ${identity.subject}` : 'anonymous';
}

/** The seller a caller acts as: their subject when their role is SELLER, otherwise undefined (admins act for the shop). */
export function sellerIdOf(identity: Identity): string | undefined {
  return identity.kind === 'user' && identity.role === 'SELLER' ? identity.subject : undefined;
}
