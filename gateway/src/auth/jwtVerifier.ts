import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ANONYMOUS, identityFor, isRole, type Identity } from '@shopgraph/kit';
import type { JwtSettings } from '../gatewayConfig.js';

/** Seconds of clock difference allowed between the token issuer and us (exp, nbf, iat). */
export const CLOCK_TOLERANCE_SECONDS = 5;
const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256'];

/** A token that must be refused with 401 (never treated as anonymous). */
export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

/** The keys to check tokens with could not be fetched (JWKS endpoint down): 503, not the caller's fault. */
export class KeysUnavailableError extends Error {
  override name = 'KeysUnavailableError';
}

/** A verified caller: the identity, and the sign-in session its token belongs to (claim `sid`; absent for admin, seller and older tokens). */
export interface VerifiedCaller {
  identity: Identity;
  sessionId: string | undefined;
}

export interface JwtVerifier {
  /** Whether any key is configured; without one every token is refused. */
  readonly configured: boolean;
  /** The identity in an `Authorization` header value; no header is the anonymous caller. */
  identify(authorization: string | undefined): Promise<Identity>;
  /** identify, with the token's session. */
  verify(authorization: string | undefined): Promise<VerifiedCaller>;
}

/**
 * Checks the caller's JWT with jose: HS256 with JWT_SECRET, RS256/ES256 with the keys at
 * JWT_JWKS_URL (fetched and cached by createRemoteJWKSet), or both. `exp` and `sub` are
 * required; `iss` and `aud` when configured. Claims: `role` (CUSTOMER, the default, ADMIN
 * or SELLER, whose `sub` is the seller id) and `scope` (space separated; see ROLE_GRANTS for what each role may hold).
 */
export function createJwtVerifier(settings: JwtSettings): JwtVerifier {
  const secretKey = settings.secret ? new TextEncoder().encode(settings.secret) : undefined;
  const jwks = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 3_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })
    : undefined;
  const algorithms = [...(secretKey ? ['HS256'] : []), ...(jwks ? ASYMMETRIC_ALGORITHMS : [])];
  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256' && secretKey) return secretKey;
    if (jwks) return jwks(header, token);
    throw new InvalidTokenError(`tokens signed with ${header.alg} are not accepted`);
  };

  const verify = async (authorization: string | undefined): Promise<VerifiedCaller> => {
    if (authorization === undefined) return { identity: ANONYMOUS, sessionId: undefined };
    const match = /^Bearer +([A-Za-z0-9_.~+/=-]+) *$/i.exec(authorization);
    if (!match) throw new InvalidTokenError('the Authorization header must be "Bearer <token>"');
    if (algorithms.length === 0) throw new InvalidTokenError('this gateway has no key to check tokens with');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, getKey, {
        algorithms,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'sub'],
        ...(settings.issuer && { issuer: settings.issuer }),
        ...(settings.audience && { audience: settings.audience }),
      }));
    } catch (err) {
      throw translate(err);
    }
    return { identity: identityOf(payload), sessionId: sessionIdOf(payload) };
  };

  return {
    configured: algorithms.length > 0,
    verify,
    identify: async (authorization) => (await verify(authorization)).identity,
  };
}

function translate(err: unknown): Error {
  if (err instanceof InvalidTokenError) return err;
  if (err instanceof errors.JWTExpired) return new InvalidTokenError('the token has expired');
  if (err instanceof errors.JWKSTimeout) return new KeysUnavailableError('the token signing keys could not be fetched in time');
  if (err instanceof errors.JOSEError) {
    // JWKSNoMatchingKey, JWSSignatureVerificationFailed, JWTClaimValidationFailed, JOSEAlgNotAllowed...
    return new InvalidTokenError(`the token is not valid (${err.code})`);
  }
  // fetch() of the key set failed: a network error, not a bad token.
  return new KeysUnavailableError(`the token signing keys could not be fetched: ${err instanceof Error ? err.message : String(err)}`);
}

/** The token's sign-in session (`sid`, the order subgraph's session family), if it names one. */
function sessionIdOf(payload: JWTPayload): string | undefined {
  const sid = payload.sid;
  if (sid === undefined) return undefined;
  if (typeof sid !== 'string' || sid.length === 0 || sid.length > 256) throw new InvalidTokenError('the token\'s sid must be a non-empty string');
  return sid;
}

/** The identity a verified token's claims amount to. */
export function identityOf(payload: JWTPayload): Identity {
  const subject = payload.sub;
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > 256) throw new InvalidTokenError('the token has no usable sub');
  const rawRole = payload.role ?? 'CUSTOMER';
  const role = typeof rawRole === 'string' ? rawRole.toUpperCase() : rawRole;
  if (!isRole(role)) throw new InvalidTokenError(`the token's role ${JSON.stringify(rawRole)} is not one of ours`);
  const scope = payload.scope;
  if (scope !== undefined && typeof scope !== 'string') throw new InvalidTokenError('the token\'s scope must be a space-separated string');
  return identityFor(subject, role, scope === undefined ? undefined : scope.split(' ').filter(Boolean));
}
