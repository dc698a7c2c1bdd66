import type { Logger } from '../logger.js';
import { ANONYMOUS } from './identity.js';
import { InternalSigner, MIN_SECRET_LENGTH, type InternalSignerOptions, type SignatureCheck, type SignedRequest } from './internalSignature.js';

/** How a service trusts its callers: the shared secret, or the development flag's relaxed mode. */
export interface InternalAuth {
  /** Absent only in insecure mode without a secret. */
  readonly signer: InternalSigner | undefined;
  /** SHOPGRAPH_INSECURE_SUBGRAPHS: requests without a valid signature run as anonymous. */
  readonly insecure: boolean;
  /** Who is calling, or why the request must be refused. */
  authenticate(header: string | undefined, request: SignedRequest): SignatureCheck;
}

export interface InternalAuthOptions extends InternalSignerOptions {
  secret: string | undefined;
  insecure: boolean;
}

export function createInternalAuth(options: InternalAuthOptions): InternalAuth {
  const signer = options.secret ? new InternalSigner(options.secret, options) : undefined;
  if (!signer && !options.insecure) {
    throw new Error(
      'INTERNAL_SIGNING_SECRET is not set. Give the gateway and every subgraph the same secret of ' +
        `${MIN_SECRET_LENGTH}+ characters (\`npm start\` makes one), or set SHOPGRAPH_INSECURE_SUBGRAPHS=1 for development.`,
    );
  }
  return {
    signer,
    insecure: options.insecure,
    authenticate(header, request) {
      const check: SignatureCheck = signer ? signer.verify(header, request) : { ok: false, reason: 'missing' };
      return check.ok || !options.insecure ? check : { ok: true, identity: ANONYMOUS };
    },
  };
}

/** For command-line tools that build a subgraph's parts but never serve: every request would be refused. */
export function refusingInternalAuth(): InternalAuth {
  return { signer: undefined, insecure: false, authenticate: () => ({ ok: false, reason: 'missing' }) };
}

export const INSECURE_WARNING =
  'SHOPGRAPH_INSECURE_SUBGRAPHS is on: subgraphs serve requests without a valid gateway signature as anonymous. ' +
  'Anyone who reaches a subgraph port bypasses the gateway. For development only.';

/** Says so loudly at boot and every `intervalMs` after; returns the stop function. */
export function warnWhileInsecure(logger: Logger, intervalMs = 60_000): () => void {
  logger.warn(INSECURE_WARNING);
  const timer = setInterval(() => logger.warn(INSECURE_WARNING), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
