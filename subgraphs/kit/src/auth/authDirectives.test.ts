import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { formatGraphQLError } from '../errors.js';
import { enforceAuthDirectives } from './authDirectives.js';
import { ANONYMOUS, identityFor, type Identity } from './identity.js';

/** A small subgraph with every place the directives can go. */
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated", "@requiresScopes"])
  type Query {
    open: String
    signedIn: String @authenticated
    catalogAdmin: String @requiresScopes(scopes: [["admin", "catalog"]])
    eitherScope: String @requiresScopes(scopes: [["catalog"], ["orders"]])
    account: Account
    secret: Secret
  }
  type Account @authenticated {
    id: ID!
    internalNote: String @requiresScopes(scopes: [["orders"]])
  }
  "Any field returning it is guarded."
  scalar Secret @requiresScopes(scopes: [["admin"]])
`);

const schema = buildSubgraphSchema([
  {
    typeDefs,
    resolvers: {
      Query: {
        open: () => 'o',
        signedIn: () => 's',
        catalogAdmin: () => 'c',
        eitherScope: () => 'e',
        account: () => ({ id: 'a1', internalNote: 'n' }),
        secret: () => 'shh',
      },
    },
  },
]);
const guarded = enforceAuthDirectives(schema);

async function run(identity: Identity, query: string) {
  const result = await graphql({ schema, source: query, contextValue: { identity } });
  return {
    data: result.data,
    codes: (result.errors ?? []).map((e) => formatGraphQLError(e.toJSON(), e).extensions?.code),
  };
}

const customer = identityFor('c1', 'CUSTOMER');
const catalogAdmin = identityFor('a1', 'ADMIN', ['catalog']);
const ordersAdmin = identityFor('a2', 'ADMIN', ['orders']);

describe('@authenticated and @requiresScopes in a subgraph', () => {
  it('guards fields marked on themselves, on their type and on the type they return', () => {
    expect(guarded.sort()).toEqual(
      ['Query.signedIn', 'Query.catalogAdmin', 'Query.eitherScope', 'Query.account', 'Query.secret', 'Account.id', 'Account.internalNote'].sort(),
    );
  });

  it('lets anyone read an unguarded field', async () => {
    expect(await run(ANONYMOUS, '{ open }')).toEqual({ data: { open: 'o' }, codes: [] });
  });

  it('refuses anonymous callers with UNAUTHENTICATED and resolves nothing', async () => {
    for (const field of ['signedIn', 'catalogAdmin', 'secret', 'account { id }']) {
      const { data, codes } = await run(ANONYMOUS, `{ ${field} }`);
      expect(codes, field).toEqual(['UNAUTHENTICATED']);
      expect(Object.values(data ?? {})).toEqual([null]);
    }
  });

  it('refuses signed-in callers without the scopes with FORBIDDEN', async () => {
    expect(await run(customer, '{ signedIn }')).toEqual({ data: { signedIn: 's' }, codes: [] });
    expect((await run(customer, '{ catalogAdmin }')).codes).toEqual(['FORBIDDEN']);
    expect((await run(ordersAdmin, '{ catalogAdmin }')).codes).toEqual(['FORBIDDEN']);
    expect((await run(customer, '{ secret }')).codes).toEqual(['FORBIDDEN']);
  });

  it('lets a caller with the scopes through, reading inner lists as AND and outer as OR', async () => {
    expect(await run(catalogAdmin, '{ catalogAdmin secret }')).toEqual({ data: { catalogAdmin: 'c', secret: 'shh' }, codes: [] });
    expect((await run(catalogAdmin, '{ eitherScope }')).data).toEqual({ eitherScope: 'e' });
    expect((await run(ordersAdmin, '{ eitherScope }')).data).toEqual({ eitherScope: 'e' });
    expect((await run(customer, '{ eitherScope }')).codes).toEqual(['FORBIDDEN']);
  });

  it('checks a type-level guard and a field-level one together', async () => {
    expect(await run(customer, '{ account { id internalNote } }')).toEqual({
      data: { account: { id: 'a1', internalNote: null } },
      codes: ['FORBIDDEN'],
    });
    expect((await run(ordersAdmin, '{ account { id internalNote } }')).data).toEqual({ account: { id: 'a1', internalNote: 'n' } });
  });
});
