import type { RequestContext } from '@shopgraph/kit';
import type { MutationResolvers } from '../generated/resolvers-types.js';
import type { AccountCaller } from '../services/account/accountService.js';
import { UNKNOWN_ADDRESS } from '../services/account/loginThrottle.js';

/** The caller as the accounts see it: the signed identity and the address the gateway forwarded. */
const callerOf = (ctx: RequestContext): AccountCaller => ({ identity: ctx.identity, clientAddress: ctx.clientAddress ?? UNKNOWN_ADDRESS, requestId: ctx.requestId });

/** Accounts (issue 10): sign-in sessions, password reset, the profile and the address book. Merged into Mutation in index.ts. */
export const AccountMutation: MutationResolvers = {
  register: (_, { input }, ctx) => ctx.services.accounts.register(callerOf(ctx), input),
  signIn: (_, { email, password, guestCartToken }, ctx) => ctx.services.accounts.signIn(callerOf(ctx), email, password, guestCartToken),
  refreshSession: (_, { refreshToken }, ctx) => ctx.services.accounts.refreshSession(refreshToken),
  signOut: (_, { refreshToken }, ctx) => ctx.services.accounts.signOut(refreshToken),
  changePassword: (_, { currentPassword, newPassword }, ctx) => ctx.services.accounts.changePassword(callerOf(ctx), currentPassword, newPassword),
  requestPasswordReset: (_, { email }, ctx) => ctx.services.passwordResets.requestReset(callerOf(ctx), email),
  resetPassword: (_, { token, newPassword }, ctx) => ctx.services.passwordResets.resetPassword(callerOf(ctx), token, newPassword),
  updateProfile: (_, { input }, ctx) => ctx.services.accounts.updateProfile(ctx.identity, input),
  addAddress: (_, { input }, ctx) => ctx.services.addressBook.add(ctx.identity, input),
  updateAddress: (_, { id, input }, ctx) => ctx.services.addressBook.update(ctx.identity, id, input),
  removeAddress: (_, { id }, ctx) => ctx.services.addressBook.remove(ctx.identity, id),
  setDefaultAddress: (_, { id, kind }, ctx) => ctx.services.addressBook.setDefault(ctx.identity, id, kind),
};
