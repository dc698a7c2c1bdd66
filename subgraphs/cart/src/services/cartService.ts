import { InputError, NotFoundError, type PrismaClient } from '@shopgraph/kit';
import type { CartModel } from '../models.js';

const MAX_TOKEN_LENGTH = 200;

/** Cart reads. A cart token is its holder's credential; an expired cart no longer exists. */
export class CartService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async cartByToken(token: string): Promise<CartModel> {
    if (token.trim() === '' || token.length > MAX_TOKEN_LENGTH) {
      throw InputError.of('token', `must be a cart token of 1-${MAX_TOKEN_LENGTH} characters`);
    }
    const cart = await this.prisma.cart.findUnique({ where: { token } });
    // Do not echo the token back: it is a credential.
    if (!cart || cart.expiresAt <= this.now()) throw new NotFoundError('Cart', 'token', '(given token)');
    return cart;
  }
}
