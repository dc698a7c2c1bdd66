import { createHash, randomBytes } from 'node:crypto';

/** Longest token accepted before hashing: anything longer is not one of ours. */
const MAX_TOKEN_LENGTH = 200;

/** A new refresh or password reset token: 32 random bytes, base64url. Shown once; only its hash is stored. */
export function newBearerToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a refresh or reset token: its SHA-256, so a database leak hands out no session and resets nothing. */
export function bearerTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The stored form of a token a caller presented, or null when it cannot be one of ours (empty or over-long). */
export function presentedTokenHash(token: string): string | null {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  return bearerTokenHash(token);
}
