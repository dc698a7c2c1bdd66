import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { formatGraphQLError } from '../errors.js';
import { enforceAuthDirectives } from './authDirectives.js';
import { identityFor, serviceIdentity, type Identity } from './identity.js';
import { InternalSigner } from './internalSignature.js';

const SECRET = 'unit-test-internal-signing-secret-0123456789';
const request = { method: 'POST', search: '', body: '{"query":"mutation { holdStock }"}' };

const schema = buildSubgraphSchema([
  {
    typeDefs: parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@authenticated", "@requiresScopes", "@inaccessible"])
      type Query {
        internalOnly: String @inaccessible @requiresScopes(scopes: [["service"]])
        signedIn: String @authenticated
        inventoryAdmin: String @requiresScopes(scopes: [["inventory"]])
      }
    `),
    resolvers: { Query: { internalOnly: () => 'i', signedIn: () => 's', inventoryAdmin: () => 'a' } },
  },
]);
enforceAuthDirectives(schema);

async function codeOf(identity: Identity, field: string) {
  const result = await graphql({ schema, source: `{ ${field} }`, contextValue: { identity } });
  return (result.errors ?? []).map((e) => formatGraphQLError(e.toJSON(), e).extensions?.code)[0] ?? 'ok';
}

describe('the service identity', () => {
  it('travels in the internal signature and comes back as the same service', () => {
    const signer = new InternalSigner(SECRET);
    expect(signer.verify(signer.sign(serviceIdentity('order'), request), request)).toEqual({ ok: true, identity: serviceIdentity('order') });
  });

  it('is the only caller of service-only fields, and passes no customer or admin guard', async () => {
    const order = serviceIdentity('order');
    expect(await codeOf(order, 'internalOnly')).toBe('ok');
    expect(await codeOf(order, 'signedIn')).toBe('FORBIDDEN');
    expect(await codeOf(order, 'inventoryAdmin')).toBe('FORBIDDEN');
    // No token role can be granted the scope: an admin asking for it does not get it.
    const admin = identityFor('admin-1', 'ADMIN', ['service', 'inventory']);
    expect(admin.scopes).not.toContain('service');
    expect(await codeOf(admin, 'internalOnly')).toBe('FORBIDDEN');
    expect(await codeOf(identityFor('c1', 'CUSTOMER', ['service']), 'internalOnly')).toBe('FORBIDDEN');
    expect(await codeOf({ kind: 'anonymous' }, 'internalOnly')).toBe('UNAUTHENTICATED');
  });
});
