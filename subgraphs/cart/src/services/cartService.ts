import { DomainError, ErrorCode, InputError, NotFoundError, requireAuthenticated, type Identity } from '@shopgraph/kit';
import type { CartLoaders } from '../loaders.js';
import type { CartModel } from '../models.js';

const MAX_TOKEN_LENGTH = 200;

export interface CartReadContext {
  loaders: CartLoaders;
}

/** Cart reads. A cart token is its holder's credential; an expired cart no longer exists. */
export class CartService {
  constructor(private readonly now: () => Date = () => new Date()) {}

  async cartByToken(ctx: CartReadContext, token: string): Promise<CartModel> {
    if (token.trim() === '' || token.length > MAX_TOKEN_LENGTH) {
      throw InputError.of('token', `must be a cart token of 1-${MAX_TOKEN_LENGTH} characters`);
    }
    const cart = await ctx.loaders.cartByToken.load(token);
    // Do not echo the token back: it is a credential.
    if (!cart || cart.expiresAt <= this.now()) throw new NotFoundError('Cart', 'token', '(given token)');
    return cart;
  }

  /**
   * Admits a subscription to a cart's changes: the token opens it (a guest's credential); a
   * customer's cart also needs that customer signed in. Returns the cart.
   */
  async admitWatch(ctx: CartReadContext & { identity: Identity }, token: string): Promise<CartModel> {
    const cart = await this.cartByToken(ctx, token);
    if (cart.customerId !== null && requireAuthenticated(ctx.identity).subject !== cart.customerId) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Not yours: this cart belongs to another customer');
    }
    return cart;
  }
}
