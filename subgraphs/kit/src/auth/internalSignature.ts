import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { ANONYMOUS, ROLES, serviceIdentity, type Identity } from './identity.js';

/**
 * The gateway's word to a subgraph about who is calling. One header,
 * `x-shopgraph-identity: v1.<payload>.<mac>`: the payload (base64url JSON) holds the
 * identity, the time it was signed and a random id; the MAC is HMAC-SHA256 with the shared
 * INTERNAL_SIGNING_SECRET over the payload AND the request it came with (method, query
 * string, body), so a header cannot be moved onto another request. A subgraph refuses a
 * signature older than a minute, and one it has already seen.
 */
export const IDENTITY_HEADER = 'x-shopgraph-identity';
export const SIGNATURE_MAX_AGE_MS = 60_000;
/** How far ahead of our clock a signature may be (the gateway's clock may run a little fast). */
const FUTURE_SKEW_MS = 5_000;
export const MIN_SECRET_LENGTH = 32;
const VERSION = 'v1';
/** Ids remembered for replay checks; past this the oldest go first (documented limit). */
const REPLAY_MEMORY = 200_000;

/** The parts of an HTTP request the signature covers. */
export interface SignedRequest {
  method: string;
  /** The URL's query string as sent ("" or "?query=..."). */
  search: string;
  body: string;
}

const payloadSchema = z
  .object({
    iat: z.number().int().nonnegative(),
    jti: z.string().min(16).max(64),
    sub: z.string().min(1).max(256).optional(),
    role: z.enum(ROLES).optional(),
    scp: z.array(z.string().min(1).max(64)).max(32).optional(),
    /** A service identity: the calling subgraph (never together with sub/role). */
    svc: z.string().min(1).max(64).optional(),
    /** The caller's address as the gateway saw it (per-IP limits in a subgraph, e.g. sign-in throttling). */
    ip: z.string().min(1).max(64).optional(),
  })
  .strict();

export type SignatureFailure = 'missing' | 'malformed' | 'forged' | 'expired' | 'replayed';
export type SignatureCheck = { ok: true; identity: Identity; clientAddress?: string } | { ok: false; reason: SignatureFailure };

export interface InternalSignerOptions {
  maxAgeMs?: number;
  /** Milliseconds since the epoch; tests move it to age a signature. */
  now?: () => number;
}

export class InternalSigner {
  private readonly key: Buffer;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly seen: LRUCache<string, true>;

  constructor(secret: string, options: InternalSignerOptions = {}) {
    if (secret.length < MIN_SECRET_LENGTH) throw new Error(`the internal signing secret must be at least ${MIN_SECRET_LENGTH} characters`);
    this.key = Buffer.from(secret, 'utf8');
    this.maxAgeMs = options.maxAgeMs ?? SIGNATURE_MAX_AGE_MS;
    this.now = options.now ?? Date.now;
    this.seen = new LRUCache({ max: REPLAY_MEMORY, ttl: this.maxAgeMs + FUTURE_SKEW_MS });
  }

  /** `clientAddress`: the end caller's address, forwarded under the same MAC (the gateway knows it; a service calling does not). */
  sign(identity: Identity, request: SignedRequest, clientAddress?: string): string {
    const payload: z.infer<typeof payloadSchema> = { iat: this.now(), jti: randomBytes(16).toString('base64url') };
    if (clientAddress) payload.ip = clientAddress.slice(0, 64);
    if (identity.kind === 'user') Object.assign(payload, { sub: identity.subject, role: identity.role, scp: [...identity.scopes] });
    if (identity.kind === 'service') Object.assign(payload, { svc: identity.service });
    const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${VERSION}.${encoded}.${this.mac(encoded, request).toString('base64url')}`;
  }

  verify(header: string | undefined, request: SignedRequest): SignatureCheck {
    if (!header) return { ok: false, reason: 'missing' };
    const [version, encoded, mac, extra] = header.split('.');
    if (version !== VERSION || !encoded || !mac || extra !== undefined) return { ok: false, reason: 'malformed' };
    const expected = this.mac(encoded, request);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
    // Only a signature made with our secret gets this far: its payload is ours to trust.
    let payload: z.infer<typeof payloadSchema>;
    try {
      payload = payloadSchema.parse(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const age = this.now() - payload.iat;
    if (age > this.maxAgeMs || age < -FUTURE_SKEW_MS) return { ok: false, reason: 'expired' };
    if (this.seen.has(payload.jti)) return { ok: false, reason: 'replayed' };
    this.seen.set(payload.jti, true);
    if (payload.svc !== undefined) {
      if (payload.sub !== undefined || payload.role !== undefined) return { ok: false, reason: 'malformed' };
      return { ok: true, identity: serviceIdentity(payload.svc) };
    }
    const address = payload.ip === undefined ? {} : { clientAddress: payload.ip };
    if (payload.sub === undefined || payload.role === undefined) return { ok: true, identity: ANONYMOUS, ...address };
    return {
      ok: true,
      identity: Object.freeze({ kind: 'user', subject: payload.sub, role: payload.role, scopes: Object.freeze(payload.scp ?? []) }),
      ...address,
    };
  }

  private mac(encoded: string, request: SignedRequest): Buffer {
    return createHmac('sha256', this.key)
      .update(`${VERSION}.${encoded}\n${request.method.toUpperCase()}\n${request.search}\n`)
      .update(request.body)
      .digest();
  }
}
