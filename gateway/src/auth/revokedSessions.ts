/**
 * Beyond the access token TTL, an entry is kept this much longer: a token signed just as its
 * session was revoked (the refresh raced the revocation), and clocks that differ (the gateway
 * accepts `exp` with CLOCK_TOLERANCE_SECONDS of slack).
 */
export const REVOCATION_MARGIN_SECONDS = 60;

/** What the gateway knows of a token's session (claim `sid`). */
export type SessionState = 'active' | 'revoked' | 'unknown';

/**
 * The session families (an access token's `sid`) this gateway must refuse, in memory: each
 * only until the longest a token of it can still live (the issuer's ACCESS_TOKEN_TTL, learned
 * with the backfill, plus a margin). Until the backfill is loaded every session is `unknown`:
 * the gateway then refuses tokens with a sid (fails closed). Fed by SessionRevocationFeed.
 */
export class RevokedSessions {
  /** sid -> when this gateway learned of the revocation (ms). Insertion order is that order, so expired entries are at the front. */
  private readonly learnedAt = new Map<string, number>();
  private ttlSeconds: number | undefined;
  private readonly listeners = new Set<(sessionIds: readonly string[]) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True once the backfill is loaded: from then on, what is not listed is active. */
  get loaded(): boolean {
    return this.ttlSeconds !== undefined;
  }

  get size(): number {
    return this.learnedAt.size;
  }

  /** The backfill: the issuer's access token TTL and the families it revoked within it. */
  load(accessTokenTtlSeconds: number, sessionIds: readonly string[]): void {
    this.ttlSeconds = accessTokenTtlSeconds;
    this.revoke(sessionIds);
  }

  /** Sessions just revoked (an event); their tokens are refused from now on. */
  revoke(sessionIds: readonly string[]): void {
    const at = this.now();
    for (const id of sessionIds) {
      this.learnedAt.delete(id);
      this.learnedAt.set(id, at);
    }
    this.sweep();
    if (sessionIds.length > 0) for (const listener of this.listeners) listener(sessionIds);
  }

  stateOf(sessionId: string): SessionState {
    if (this.ttlSeconds === undefined) return 'unknown';
    const at = this.learnedAt.get(sessionId);
    if (at === undefined) return 'active';
    if (this.expired(at)) {
      this.learnedAt.delete(sessionId);
      return 'active';
    }
    return 'revoked';
  }

  /** Called with the sessions of each revocation (open subscriptions of them are closed). */
  onRevoked(listener: (sessionIds: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private expired(learnedAt: number): boolean {
    return this.ttlSeconds !== undefined && this.now() - learnedAt > (this.ttlSeconds + REVOCATION_MARGIN_SECONDS) * 1000;
  }

  /** Drops the expired entries at the front (the oldest learned): amortised O(1) per revocation. */
  private sweep(): void {
    for (const [id, at] of this.learnedAt) {
      if (!this.expired(at)) return;
      this.learnedAt.delete(id);
    }
  }
}
