import type { Prisma } from '@shopgraph/kit';

/** Rows of the accounts part of the ordering schema, as the resolvers receive them (codegen mappers). */
export type CustomerRow = Prisma.CustomerGetPayload<object>;
export type CustomerAddressRow = Prisma.CustomerAddressGetPayload<object>;

export type CartMergeStatus = 'NOT_REQUESTED' | 'MERGED' | 'FAILED';

export interface CartMergeOutcome {
  status: CartMergeStatus;
  cartId: string | null;
  message: string | null;
}

/** A signed-in session as signIn, refreshSession and changePassword answer with it. */
export interface AuthSessionModel {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  customer: CustomerRow;
  cartMerge: CartMergeOutcome;
}
