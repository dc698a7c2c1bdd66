import { DomainError, ErrorCode, Prisma, recordEvents, type PrismaClient } from '@shopgraph/kit';
import { TX_OPTIONS } from '../orderStore.js';
import { bearerTokenHash, newBearerToken, presentedTokenHash } from './bearerTokens.js';

type Tx = Prisma.TransactionClient;

export type RevokedReason = 'SIGNED_OUT' | 'REUSE_DETECTED' | 'PASSWORD_CHANGED' | 'PASSWORD_RESET';

/** A family revoked lately, as the gateways' backfill of ended sessions reads it. */
export interface RevokedFamily {
  familyId: string;
  revokedAt: Date;
}

export interface IssuedRefreshToken {
  customerId: string;
  familyId: string;
  refreshToken: string;
  expiresAt: Date;
}

/**
 * Sign-in sessions: a family per sign-in, a chain of single-use refresh tokens in it.
 *
 * Rotation spends the presented token with one conditional UPDATE (`spent_at IS NULL`), so of
 * two concurrent refreshes with the same token exactly one spends it; the other finds it spent
 * and is treated as reuse: the family is revoked (the winner's new token with it) and both
 * end signed out. We chose that over a grace period: a stolen token raced against its owner
 * must not survive, and a client that refreshes twice at once can simply sign in again.
 */
export class SessionStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly refreshTtlDays: number,
  ) {}

  /** A new family and its first token, in one transaction (the caller's when given). */
  async start(customerId: string, tx?: Tx): Promise<IssuedRefreshToken> {
    if (!tx) return this.prisma.$transaction((own) => this.start(customerId, own), TX_OPTIONS);
    const family = await tx.sessionFamily.create({ data: { customerId }, select: { id: true } });
    return this.issue(tx, customerId, family.id);
  }

  /**
   * Deletes sessions nothing can use any more, up to `batchSize` a call: families revoked over a
   * day ago, and families whose every token has expired (an hour after they began, so a family
   * being created is never taken). Their tokens go with them (ON DELETE CASCADE).
   */
  async prune(batchSize = 1_000): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM ordering.session_family WHERE id IN (
        SELECT f.id FROM ordering.session_family f
        WHERE f.revoked_at < now() - interval '1 day'
           OR (f.created_at < now() - interval '1 hour'
               AND NOT EXISTS (SELECT 1 FROM ordering.refresh_token t WHERE t.family_id = f.id AND t.expires_at > now()))
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED)`;
  }

  /** Spends `refreshToken` and issues its successor; UNAUTHENTICATED for anything else (unknown, expired, spent: the family is revoked). */
  async rotate(refreshToken: string): Promise<IssuedRefreshToken> {
    const hash = this.hashOf(refreshToken);
    const outcome = await this.prisma.$transaction(async (tx) => {
      const spent = await tx.$queryRaw<{ family_id: string; customer_id: string }[]>`
        UPDATE ordering.refresh_token t SET spent_at = now()
        FROM ordering.session_family f
        WHERE t.token_hash = ${hash} AND t.spent_at IS NULL AND t.expires_at > now() AND f.id = t.family_id AND f.revoked_at IS NULL
        RETURNING t.family_id::text, f.customer_id::text`;
      const row = spent[0];
      if (row) return { issued: await this.issue(tx, row.customer_id, row.family_id) };
      const token = await tx.refreshToken.findUnique({ where: { tokenHash: hash }, select: { familyId: true, spentAt: true } });
      if (token?.spentAt) await this.revokeFamily(tx, token.familyId, 'REUSE_DETECTED');
      return { issued: null, reused: Boolean(token?.spentAt) };
    }, TX_OPTIONS);
    if (outcome.issued) return outcome.issued;
    if (outcome.reused) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'This refresh token was already used: the session is ended, sign in again', { reason: 'REUSED' });
    throw invalidToken();
  }

  /** Ends the family of `refreshToken`; false when the token is unknown (or could not be one). */
  async revoke(refreshToken: string, reason: RevokedReason): Promise<boolean> {
    const hash = presentedTokenHash(refreshToken);
    const token = hash ? await this.prisma.refreshToken.findUnique({ where: { tokenHash: hash }, select: { familyId: true } }) : null;
    if (!token) return false;
    await this.prisma.$transaction((tx) => this.revokeFamily(tx, token.familyId, reason), TX_OPTIONS);
    return true;
  }

  /** Ends every family of the customer (password changed or reset); the caller starts the new one after this. */
  async revokeAll(tx: Tx, customerId: string, reason: RevokedReason): Promise<void> {
    await this.endFamilies(tx, Prisma.sql`customer_id = ${customerId}::uuid`, reason);
  }

  /** Families revoked in the last `withinSeconds` (their access tokens may still be unexpired), oldest first. */
  async revokedSince(withinSeconds: number): Promise<RevokedFamily[]> {
    const rows = await this.prisma.$queryRaw<{ id: string; revoked_at: Date }[]>`
      SELECT id::text, revoked_at FROM ordering.session_family
      WHERE revoked_at > now() - make_interval(secs => ${withinSeconds})
      ORDER BY revoked_at`;
    return rows.map((row) => ({ familyId: row.id, revokedAt: row.revoked_at }));
  }

  private async revokeFamily(tx: Tx, familyId: string, reason: RevokedReason): Promise<void> {
    await this.endFamilies(tx, Prisma.sql`id = ${familyId}::uuid`, reason);
  }

  /**
   * Revokes the live families `which` selects, and records customer.sessions_revoked in the same
   * transaction with exactly the families this UPDATE ended (RETURNING): the gateways refuse
   * their access tokens from this event on.
   */
  private async endFamilies(tx: Tx, which: Prisma.Sql, reason: RevokedReason): Promise<void> {
    const ended = await tx.$queryRaw<{ id: string; customer_id: string; revoked_at: Date }[]>`
      UPDATE ordering.session_family SET revoked_at = now(), revoked_reason = ${reason}
      WHERE ${which} AND revoked_at IS NULL
      RETURNING id::text, customer_id::text, revoked_at`;
    const first = ended[0];
    if (!first) return;
    const payload = { customerId: first.customer_id, familyIds: ended.map((row) => row.id), reason, revokedAt: first.revoked_at.toISOString() };
    // No actor: whoever presented a reused refresh token may not be the customer.
    await recordEvents(tx, 'ordering', [{ topic: 'customer.sessions_revoked', payload }]);
  }

  private async issue(tx: Tx | PrismaClient, customerId: string, familyId: string): Promise<IssuedRefreshToken> {
    const refreshToken = newBearerToken();
    const expiresAt = new Date(Date.now() + this.refreshTtlDays * 86_400_000);
    await tx.refreshToken.create({ data: { familyId, tokenHash: bearerTokenHash(refreshToken), expiresAt } });
    return { customerId, familyId, refreshToken, expiresAt };
  }

  private hashOf(refreshToken: string): string {
    const hash = presentedTokenHash(refreshToken);
    if (!hash) throw invalidToken();
    return hash;
  }
}

function invalidToken(): DomainError {
  return new DomainError(ErrorCode.UNAUTHENTICATED, 'The refresh token is not valid: sign in again', { reason: 'INVALID' });
}
