import { InvalidTokenError, KeysUnavailableError, type JwtVerifier, type VerifiedCaller } from './jwtVerifier.js';
import type { RevokedSessions } from './revokedSessions.js';

/** The refusal of a token whose session was ended (signed out, password changed or reset, refresh token reused). */
export const SESSION_ENDED_MESSAGE = 'this session has ended; sign in again';

/**
 * `verifier`, refusing tokens whose session (`sid`) is revoked: InvalidTokenError (401
 * UNAUTHENTICATED). Until the list of ended sessions is loaded, a token with a sid cannot be
 * checked and is refused as KeysUnavailableError (503, retry): failing closed, since a reset
 * password must end an attacker's access. Tokens without a sid pass as before. One Map lookup,
 * no I/O.
 */
export function sessionCheckingVerifier(verifier: JwtVerifier, revoked: RevokedSessions): JwtVerifier {
  const verify = async (authorization: string | undefined): Promise<VerifiedCaller> => {
    const caller = await verifier.verify(authorization);
    if (caller.sessionId === undefined) return caller;
    const state = revoked.stateOf(caller.sessionId);
    if (state === 'revoked') throw new InvalidTokenError(SESSION_ENDED_MESSAGE);
    if (state === 'unknown') throw new KeysUnavailableError('the gateway is still loading the ended sessions');
    return caller;
  };
  return {
    configured: verifier.configured,
    verify,
    identify: async (authorization) => (await verify(authorization)).identity,
  };
}
