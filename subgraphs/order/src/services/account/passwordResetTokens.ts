import type { Prisma, PrismaClient } from '@shopgraph/kit';
import { bearerTokenHash, newBearerToken, presentedTokenHash } from './bearerTokens.js';

type Tx = Prisma.TransactionClient;

/** Why a reset token can no longer be used (besides expiring); the database keeps this list too. */
export type ResetSpentReason = 'USED' | 'SUPERSEDED' | 'PASSWORD_CHANGED';

export interface IssuedResetToken {
  /** The row's id (the sealed token's associated data). */
  id: string;
  /** 32 random bytes, base64url: shown once, in the reset link. */
  token: string;
  expiresAt: Date;
}

/**
 * Password reset tokens: at most one live token per customer (a new one spends the older
 * ones), single use, expiring. Using one is one conditional UPDATE (`spent_at IS NULL AND
 * expires_at > now()`), so of concurrent resets with the same token exactly one gets the row.
 */
export class PasswordResetTokens {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ttlMinutes: number,
  ) {}

  /** A new token for the customer, spending its unspent ones; in the caller's transaction, which it serialises per customer. */
  async issue(tx: Tx, customerId: string): Promise<IssuedResetToken> {
    // Two requests at once for one customer must not leave two live tokens.
    await tx.$queryRaw`SELECT 1 FROM ordering.customer WHERE id = ${customerId}::uuid FOR UPDATE`;
    await this.spendAll(tx, customerId, 'SUPERSEDED');
    const token = newBearerToken();
    const expiresAt = new Date(Date.now() + this.ttlMinutes * 60_000);
    const row = await tx.passwordResetToken.create({ data: { customerId, tokenHash: bearerTokenHash(token), expiresAt }, select: { id: true } });
    return { id: row.id, token, expiresAt };
  }

  /** The customer of a live token (unspent, unexpired), without spending it; null otherwise. */
  async customerOf(db: Tx | PrismaClient, token: string): Promise<string | null> {
    const hash = presentedTokenHash(token);
    if (!hash) return null;
    const row = await db.passwordResetToken.findFirst({ where: { tokenHash: hash, spentAt: null, expiresAt: { gt: new Date() } }, select: { customerId: true } });
    return row?.customerId ?? null;
  }

  /** Spends a live token; its customer, or null when it was not live (another reset took it first, or it expired meanwhile). */
  async spend(tx: Tx, token: string): Promise<string | null> {
    const hash = presentedTokenHash(token);
    if (!hash) return null;
    const rows = await tx.$queryRaw<{ customer_id: string }[]>`
      UPDATE ordering.password_reset_token SET spent_at = now(), spent_reason = 'USED'
      WHERE token_hash = ${hash} AND spent_at IS NULL AND expires_at > now()
      RETURNING customer_id::text`;
    return rows[0]?.customer_id ?? null;
  }

  /** Spends every unspent token of the customer. */
  async spendAll(tx: Tx, customerId: string, reason: ResetSpentReason): Promise<void> {
    await tx.passwordResetToken.updateMany({ where: { customerId, spentAt: null }, data: { spentAt: new Date(), spentReason: reason } });
  }

  /** Deletes tokens nothing can use any more (expired or spent over a day ago), up to `batchSize` a call. */
  async prune(batchSize = 1_000): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM ordering.password_reset_token WHERE id IN (
        SELECT id FROM ordering.password_reset_token
        WHERE expires_at < now() - interval '1 day' OR spent_at < now() - interval '1 day'
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED)`;
  }
}
