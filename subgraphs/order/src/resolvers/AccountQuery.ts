import type { QueryResolvers } from '../generated/resolvers-types.js';

/** Accounts (issue 10). Merged into Query in index.ts. */
export const AccountQuery: QueryResolvers = {
  me: (_, __, ctx) => ctx.services.accounts.me(ctx.identity),
  // Service-only (@requiresScopes service): the gateway's backfill of ended sessions at start.
  revokedSessions: (_, __, ctx) => ctx.services.accounts.revokedSessions(),
};
