import { NotFoundError } from '@shopgraph/kit';
import type { QueryResolvers } from '../generated/resolvers-types.js';
import { customerIdOf } from '../services/account/customerIdentity.js';

/** Accounts (issue 10). Merged into Query in index.ts. */
export const AccountQuery: QueryResolvers = {
  me: async (_, __, ctx) => {
    const id = customerIdOf(ctx.identity);
    const customer = await ctx.loaders.customer.load(id);
    if (!customer) throw new NotFoundError('Customer', 'id', id);
    return customer;
  },
  // Service-only (@requiresScopes service): the gateway's backfill of ended sessions at start.
  revokedSessions: (_, __, ctx) => ctx.services.accounts.revokedSessions(),
};
