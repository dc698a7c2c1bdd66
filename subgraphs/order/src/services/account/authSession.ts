import type { AccessTokenIssuer } from './accessTokenIssuer.js';
import type { AuthSessionModel, CartMergeOutcome, CustomerRow } from './accountModels.js';
import type { IssuedRefreshToken } from './sessionStore.js';

/** What a session answers when no guest cart was given. */
export const NO_CART_MERGE: CartMergeOutcome = { status: 'NOT_REQUESTED', cartId: null, message: null };

/** The session a sign-in, refresh or password change answers with: a new access token beside the refresh token just issued. */
export async function authSession(
  accessTokens: AccessTokenIssuer,
  customer: CustomerRow,
  refresh: IssuedRefreshToken,
  cartMerge: CartMergeOutcome = NO_CART_MERGE,
): Promise<AuthSessionModel> {
  const access = await accessTokens.issue(customer.id, refresh.familyId);
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: refresh.refreshToken,
    refreshTokenExpiresAt: refresh.expiresAt,
    customer,
    cartMerge,
  };
}
