import { DomainError, ErrorCode, InputError, NotFoundError, Prisma, recordEvents, type Identity, type Logger, type PrismaClient } from '@shopgraph/kit';
import { TX_OPTIONS } from '../orderStore.js';
import type { AccessTokenIssuer } from './accessTokenIssuer.js';
import { emailSchema, parseInput, parseNewPassword, profileSchema, registerSchema } from './accountInput.js';
import type { AuthSessionModel, CartMergeOutcome, CustomerRow } from './accountModels.js';
import type { AccountMetrics } from './accountMetrics.js';
import { authSession, NO_CART_MERGE } from './authSession.js';
import type { CartMergePort } from './cartMergePort.js';
import { customerIdOf } from './customerIdentity.js';
import type { LoginThrottle } from './loginThrottle.js';
import type { PasswordHasher } from './passwordHasher.js';
import type { PasswordResetTokens } from './passwordResetTokens.js';
import type { IssuedRefreshToken, RevokedFamily, SessionStore } from './sessionStore.js';

/** The same answer for an unknown email, a wrong password and an account without one: it says nothing about which. */
const SIGN_IN_FAILED = 'Wrong email or password';

/** Who is asking, as the accounts need it: the identity and the address the gateway saw (throttling). */
export interface AccountCaller {
  identity: Identity;
  clientAddress: string;
  requestId?: string | undefined;
}

/**
 * Customers' accounts: registration, sign-in sessions (a short-lived access token the gateway
 * verifies plus a rotating refresh token), password changes and the profile.
 */
export class AccountService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly passwords: PasswordHasher,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly sessions: SessionStore,
    private readonly resetTokens: PasswordResetTokens,
    private readonly throttle: LoginThrottle,
    private readonly carts: CartMergePort,
    private readonly metrics: AccountMetrics,
    private readonly logger: Logger,
  ) {}

  /** A new account; CONFLICT on `input.email` when the address is taken (the unique index decides between concurrent ones). */
  async register(caller: AccountCaller, input: { email: string; password: string; name: string }): Promise<CustomerRow> {
    const fields = parseInput(registerSchema, input, 'input');
    const passwordHash = await this.passwords.hash(fields.password);
    try {
      return await this.prisma.$transaction(async (tx) => {
        const customer = await tx.customer.create({ data: { email: fields.email, name: fields.name, passwordHash } });
        const payload = { customerId: customer.id, registeredAt: customer.createdAt.toISOString() };
        await recordEvents(tx, 'ordering', [{ topic: 'customer.registered', payload }], { actor: customer.id, ...(caller.requestId && { requestId: caller.requestId }) });
        return customer;
      }, TX_OPTIONS);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw new DomainError(ErrorCode.CONFLICT, 'An account with this email exists already', { field: 'input.email' });
      }
      throw err;
    }
  }

  async signIn(caller: AccountCaller, email: string, password: string, guestCartToken: string | null | undefined): Promise<AuthSessionModel> {
    const normalised = email.trim().toLowerCase().slice(0, 254);
    await this.throttle.begin(normalised, caller.clientAddress).catch((err: unknown) => {
      this.metrics.signIns.inc({ outcome: 'rate_limited' });
      throw err;
    });
    // Unknown emails and malformed ones take the same path: the hasher verifies against a dummy hash.
    const known = emailSchema.safeParse(normalised).success ? await this.prisma.customer.findUnique({ where: { email: normalised } }) : null;
    // An over-long password is wrong, after the same argon2 work as any other.
    const ok = await this.passwords.verify(password.length <= 256 ? known?.passwordHash : null, password.slice(0, 256));
    if (!known || !ok) {
      this.metrics.signIns.inc({ outcome: 'wrong_credentials' });
      throw new DomainError(ErrorCode.UNAUTHENTICATED, SIGN_IN_FAILED);
    }
    this.metrics.signIns.inc({ outcome: 'success' });
    await this.throttle.succeeded(normalised, caller.clientAddress);
    const refresh = await this.sessions.start(known.id);
    const cartMerge = guestCartToken ? await this.mergeGuestCart(known.id, guestCartToken) : NO_CART_MERGE;
    return authSession(this.accessTokens, known, refresh, cartMerge);
  }

  /** Spends the refresh token for a new pair (see SessionStore for reuse and races). */
  async refreshSession(refreshToken: string): Promise<AuthSessionModel> {
    let refresh: IssuedRefreshToken;
    try {
      refresh = await this.sessions.rotate(refreshToken);
    } catch (err) {
      if (err instanceof DomainError) {
        const reused = err.details.reason === 'REUSED';
        this.metrics.refreshes.inc({ outcome: reused ? 'reuse_detected' : 'invalid' });
        // A stolen token, or a client that refreshed twice at once: worth an operator's look.
        if (reused) this.logger.warn('a spent refresh token was presented again: its session is revoked');
      }
      throw err;
    }
    this.metrics.refreshes.inc({ outcome: 'rotated' });
    const customer = await this.prisma.customer.findUnique({ where: { id: refresh.customerId } });
    if (!customer) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'The account no longer exists');
    return authSession(this.accessTokens, customer, refresh);
  }

  /** Ends the session of `refreshToken`; signing out twice is fine. */
  async signOut(refreshToken: string): Promise<boolean> {
    await this.sessions.revoke(refreshToken, 'SIGNED_OUT');
    return true;
  }

  /** Checks the current password (throttled like sign-in), stores the new one, ends every session and starts a fresh one. */
  async changePassword(caller: AccountCaller, currentPassword: string, newPassword: string): Promise<AuthSessionModel> {
    const customer = await this.me(caller.identity);
    const next = parseNewPassword(newPassword, customer.email, 'newPassword');
    await this.throttle.begin(customer.email, caller.clientAddress);
    if (!(await this.passwords.verify(customer.passwordHash, currentPassword.slice(0, 256)))) throw InputError.of('currentPassword', 'is not your password');
    await this.throttle.succeeded(customer.email, caller.clientAddress);
    const passwordHash = await this.passwords.hash(next);
    const { updated, refresh } = await this.prisma.$transaction(async (tx) => {
      const row = await tx.customer.update({ where: { id: customer.id }, data: { passwordHash, updatedAt: new Date() } });
      await this.sessions.revokeAll(tx, customer.id, 'PASSWORD_CHANGED');
      // A reset link still in someone's inbox must not undo this change.
      await this.resetTokens.spendAll(tx, customer.id, 'PASSWORD_CHANGED');
      const payload = { customerId: customer.id, changedAt: row.updatedAt.toISOString() };
      await recordEvents(tx, 'ordering', [{ topic: 'customer.password_changed', payload }], { actor: customer.id, ...(caller.requestId && { requestId: caller.requestId }) });
      return { updated: row, refresh: await this.sessions.start(customer.id, tx) };
    }, TX_OPTIONS);
    return authSession(this.accessTokens, updated, refresh);
  }

  /** For the gateways' list of ended sessions (service-only): families whose access tokens may not have expired yet. */
  async revokedSessions(): Promise<{ accessTokenTtlSeconds: number; sessions: RevokedFamily[] }> {
    const accessTokenTtlSeconds = this.accessTokens.ttlSeconds;
    return { accessTokenTtlSeconds, sessions: await this.sessions.revokedSince(accessTokenTtlSeconds) };
  }

  /** The signed-in customer's row; NOT_FOUND for an identity without an account. */
  async me(identity: Identity): Promise<CustomerRow> {
    const id = customerIdOf(identity);
    const customer = await this.prisma.customer.findUnique({ where: { id } });
    if (!customer) throw new NotFoundError('Customer', 'id', id);
    return customer;
  }

  async updateProfile(identity: Identity, input: { name?: string | null }): Promise<CustomerRow> {
    const id = customerIdOf(identity);
    const fields = parseInput(profileSchema, { name: input.name ?? undefined }, 'input');
    const updated = await this.prisma.customer.updateMany({ where: { id }, data: { ...fields, updatedAt: new Date() } });
    if (updated.count === 0) throw new NotFoundError('Customer', 'id', id);
    return this.me(identity);
  }

  /** Sign-in never fails because of the cart: a failed merge is logged and reported in the payload. */
  private async mergeGuestCart(customerId: string, cartToken: string): Promise<CartMergeOutcome> {
    try {
      const { cartId } = await this.carts.mergeGuestCart(customerId, cartToken);
      return { status: 'MERGED', cartId, message: null };
    } catch (err) {
      this.logger.warn({ err, customerId }, 'sign-in: the guest cart could not be merged');
      const message = err instanceof DomainError ? err.message : 'The cart service did not answer';
      return { status: 'FAILED', cartId: null, message };
    }
  }
}
