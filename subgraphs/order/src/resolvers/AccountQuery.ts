import type { QueryResolvers } from '../generated/resolvers-types.js';

/** Accounts (issue 10). Merged into Query in index.ts. */
export const AccountQuery: QueryResolvers = {
  me: (_, __, ctx) => ctx.services.accounts.me(ctx.identity),
};
