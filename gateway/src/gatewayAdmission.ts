import { ErrorCode, GraphQLHttpRefusal, RefusalCode, type GraphQLHttpCall, type Identity } from '@shopgraph/kit';
import { InvalidTokenError, KeysUnavailableError, type JwtVerifier } from './auth/jwtVerifier.js';
import { RateLimitedError, type CallerRateLimiter, type RateLimitKey } from './limits/callerRateLimiter.js';
import { clientAddress } from './limits/clientAddress.js';
import type { Safelist } from './limits/safelist.js';

export interface GatewayAdmissionOptions {
  verifier: JwtVerifier;
  rateLimiter: CallerRateLimiter;
  safelist?: Safelist | undefined;
  trustProxyHops: number;
}

/**
 * What every /graphql request passes before Apollo parses it, in order: one operation per
 * request (no batches); the caller's token (none: anonymous; a bad one: 401, never
 * anonymous); the caller's rate limit (per token subject, or per address without a token,
 * and refused tokens count against their address); the safelist, when on. Returns the
 * caller's identity for the request context.
 */
export function gatewayAdmission(options: GatewayAdmissionOptions): (call: GraphQLHttpCall) => Promise<Identity> {
  const consume = async (key: RateLimitKey) => {
    try {
      await options.rateLimiter.consume(key);
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      throw new GraphQLHttpRefusal(429, ErrorCode.RATE_LIMITED, err.message, { retryAfter: err.retryAfterSeconds }, {
        'retry-after': String(err.retryAfterSeconds),
      });
    }
  };
  return async (call) => {
    if (Array.isArray(call.body)) {
      throw new GraphQLHttpRefusal(400, RefusalCode.BATCHED_REQUESTS_NOT_SUPPORTED, 'Send one operation per request: batched requests are not supported');
    }
    const address = clientAddress(call.req, options.trustProxyHops);
    let identity: Identity;
    try {
      identity = await options.verifier.identify(call.headers.get('authorization'));
    } catch (err) {
      if (err instanceof InvalidTokenError) {
        await consume({ kind: 'ip', address });
        throw new GraphQLHttpRefusal(401, ErrorCode.UNAUTHENTICATED, `Invalid token: ${err.message}`, {}, {
          'www-authenticate': 'Bearer error="invalid_token"',
        });
      }
      if (err instanceof KeysUnavailableError) {
        throw new GraphQLHttpRefusal(503, RefusalCode.SERVICE_UNAVAILABLE, `Cannot check tokens right now: ${err.message}`, {}, { 'retry-after': '5' });
      }
      throw err;
    }
    await consume(identity.kind === 'user' ? { kind: 'user', subject: identity.subject } : { kind: 'ip', address });
    options.safelist?.admit(call);
    return identity;
  };
}
