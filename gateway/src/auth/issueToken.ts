import { SignJWT } from 'jose';
import type { Role } from '@shopgraph/kit/auth';

export interface TokenRequest {
  role: Role;
  subject: string;
  /** Space-separated `scope` claim; left out, an ADMIN gets every admin scope. */
  scopes?: readonly string[];
  /** jose's time span: "1h", "7d", "90m", or seconds. */
  ttl: string | number;
  issuer?: string | undefined;
  audience?: string | undefined;
}

/** An HS256 token the gateway accepts when it holds the same JWT_SECRET (development, tests). */
export async function issueToken(secret: string, request: TokenRequest): Promise<string> {
  const jwt = new SignJWT({ role: request.role, ...(request.scopes && { scope: request.scopes.join(' ') }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(request.subject)
    .setIssuedAt()
    .setExpirationTime(typeof request.ttl === 'number' ? `${request.ttl}s` : request.ttl);
  if (request.issuer) jwt.setIssuer(request.issuer);
  if (request.audience) jwt.setAudience(request.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
