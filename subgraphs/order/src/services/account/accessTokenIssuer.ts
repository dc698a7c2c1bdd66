import { SignJWT } from 'jose';
import { DomainError, ErrorCode } from '@shopgraph/kit';
import type { AccountSettings } from './accountSettings.js';

/**
 * Signs customers' access tokens: HS256 with the JWT_SECRET the gateway verifies with, and its
 * iss/aud when it checks them. Only the gateway ever verifies one; this side only signs.
 */
export class AccessTokenIssuer {
  private readonly key: Uint8Array | undefined;

  constructor(
    private readonly settings: Pick<AccountSettings, 'jwtSecret' | 'issuer' | 'audience' | 'accessTokenTtlSeconds'>,
    private readonly now: () => Date,
  ) {
    this.key = settings.jwtSecret ? new TextEncoder().encode(settings.jwtSecret) : undefined;
  }

  /** The longest an access token lives (ACCESS_TOKEN_TTL): how long a revoked session's tokens must still be refused. */
  get ttlSeconds(): number {
    return this.settings.accessTokenTtlSeconds;
  }

  /** `sessionId` (claim `sid`) is the session family: the gateway refuses the token once that family is revoked. */
  async issue(customerId: string, sessionId: string): Promise<{ token: string; expiresAt: Date }> {
    if (!this.key) {
      // Tokens come from an identity provider (JWT_JWKS_URL) in such a deployment, not from here.
      throw new DomainError(ErrorCode.INTERNAL_SERVER_ERROR, 'Sign-in is not configured: the order subgraph needs the JWT_SECRET the gateway verifies with');
    }
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const expiresAt = issuedAt + this.settings.accessTokenTtlSeconds;
    const jwt = new SignJWT({ role: 'CUSTOMER', sid: sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(customerId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt);
    if (this.settings.issuer) jwt.setIssuer(this.settings.issuer);
    if (this.settings.audience) jwt.setAudience(this.settings.audience);
    return { token: await jwt.sign(this.key), expiresAt: new Date(expiresAt * 1000) };
  }
}
