import { DomainError, ErrorCode, InputError, recordEvents, type Logger, type PrismaClient } from '@shopgraph/kit';
import { TX_OPTIONS } from '../orderStore.js';
import type { AccessTokenIssuer } from './accessTokenIssuer.js';
import { emailSchema, parseInput, parseNewPassword, passwordSchema } from './accountInput.js';
import type { AccountMetrics } from './accountMetrics.js';
import type { AuthSessionModel } from './accountModels.js';
import type { LoginThrottle } from './loginThrottle.js';
import type { AccountCaller } from './accountService.js';
import { authSession } from './authSession.js';
import type { PasswordHasher } from './passwordHasher.js';
import type { PasswordResetThrottle } from './passwordResetThrottle.js';
import type { PasswordResetTokens } from './passwordResetTokens.js';
import type { ResetTokenBox } from './resetTokenBox.js';
import type { SessionStore } from './sessionStore.js';

/** One answer for an unknown, used, superseded and expired token: it says nothing about which. */
const INVALID_TOKEN = 'is not a valid reset token (unknown, already used, replaced by a newer one or expired): request a new one';

/**
 * Forgotten passwords: a single-use, expiring token sent through the notification channel,
 * then a new password for it. Requests answer the same whether or not the email has an account.
 */
export class PasswordResetService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly passwords: PasswordHasher,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly sessions: SessionStore,
    private readonly tokens: PasswordResetTokens,
    /** Undefined without JWT_SECRET (identity-provider deployments): resets are then not offered. */
    private readonly box: ResetTokenBox | undefined,
    private readonly throttle: PasswordResetThrottle,
    private readonly logins: LoginThrottle,
    private readonly metrics: AccountMetrics,
    private readonly logger: Logger,
  ) {}

  /**
   * True for any well-formed email. For an account, a new token replaces the older ones and
   * customer.password_reset_requested carries it, sealed, to the notification consumer in
   * the same transaction. An unknown email changes nothing and answers the same.
   */
  async requestReset(caller: AccountCaller, email: string): Promise<boolean> {
    // Checked before the account is looked up, so it is the same answer for every email.
    const box = this.box;
    if (!box) throw new DomainError(ErrorCode.INTERNAL_SERVER_ERROR, 'Password reset is not configured: the order subgraph needs JWT_SECRET');
    const normalised = parseInput(emailSchema, email, 'email');
    await this.throttle.take(normalised, caller.clientAddress).catch((err: unknown) => {
      this.metrics.passwordResets.inc({ outcome: 'rate_limited' });
      throw err;
    });
    const customer = await this.prisma.customer.findUnique({ where: { email: normalised }, select: { id: true } });
    if (!customer) {
      this.metrics.passwordResets.inc({ outcome: 'unknown_email' });
      return true;
    }
    await this.prisma.$transaction(async (tx) => {
      const issued = await this.tokens.issue(tx, customer.id);
      const payload = { customerId: customer.id, resetId: issued.id, expiresAt: issued.expiresAt.toISOString(), sealedToken: box.seal(issued.token, issued.id) };
      // No actor: the caller is anonymous (whoever typed the email).
      await recordEvents(tx, 'ordering', [{ topic: 'customer.password_reset_requested', payload }], caller.requestId ? { requestId: caller.requestId } : {});
    }, TX_OPTIONS);
    this.metrics.passwordResets.inc({ outcome: 'requested' });
    return true;
  }

  /**
   * Spends the token and sets the new password (changePassword's rules), ends every session of
   * the customer and answers a fresh one. Of concurrent resets with one token exactly one wins
   * (PasswordResetTokens.spend); the others get the invalid-token error and change nothing.
   */
  async resetPassword(caller: AccountCaller, token: string, newPassword: string): Promise<AuthSessionModel> {
    parseInput(passwordSchema, newPassword, 'newPassword');
    // The token is looked up before any argon2 work: a made-up token costs one indexed SELECT.
    const customerId = await this.tokens.customerOf(this.prisma, token);
    const customer = customerId ? await this.prisma.customer.findUnique({ where: { id: customerId } }) : null;
    if (!customer) throw this.invalidToken();
    const passwordHash = await this.passwords.hash(parseNewPassword(newPassword, customer.email, 'newPassword'));
    const { updated, refresh } = await this.prisma.$transaction(async (tx) => {
      // The check above may have lost a race: only the transaction that spends the token goes on.
      if ((await this.tokens.spend(tx, token)) !== customer.id) throw this.invalidToken();
      const row = await tx.customer.update({ where: { id: customer.id }, data: { passwordHash, updatedAt: new Date() } });
      await this.sessions.revokeAll(tx, customer.id, 'PASSWORD_RESET');
      const payload = { customerId: customer.id, changedAt: row.updatedAt.toISOString() };
      await recordEvents(tx, 'ordering', [{ topic: 'customer.password_changed', payload }], { actor: customer.id, ...(caller.requestId && { requestId: caller.requestId }) });
      return { updated: row, refresh: await this.sessions.start(customer.id, tx) };
    }, TX_OPTIONS);
    this.metrics.passwordResets.inc({ outcome: 'completed' });
    // Whoever forgot a password has usually been refused sign-in from here: the new one works at once.
    await this.logins.succeeded(customer.email, caller.clientAddress);
    this.logger.info({ customerId: customer.id }, 'password reset: every session ended');
    return authSession(this.accessTokens, updated, refresh);
  }

  private invalidToken(): InputError {
    this.metrics.passwordResets.inc({ outcome: 'invalid_token' });
    return InputError.of('token', INVALID_TOKEN);
  }
}
