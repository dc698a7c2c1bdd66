import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * The credential of one image upload: `<payload>.<mac>`, the payload (base64url JSON) naming
 * the upload and its expiry, the MAC an HMAC-SHA256 under a key derived from the shared
 * INTERNAL_SIGNING_SECRET (so the product subgraph issues it and the gateway can check it
 * before reading a byte). Single use is kept by the product subgraph's database.
 */
const claimsSchema = z.object({ u: z.uuid(), p: z.uuid(), exp: z.number().int().positive() }).strict();

export interface UploadClaims {
  uploadId: string;
  productId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export type UploadTokenCheck = { ok: true; claims: UploadClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const KEY_LABEL = 'shopgraph media upload token v1';

export class UploadTokens {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', secret).update(KEY_LABEL).digest();
  }

  sign(claims: UploadClaims): string {
    const payload = Buffer.from(JSON.stringify({ u: claims.uploadId, p: claims.productId, exp: claims.expiresAt }), 'utf8').toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  verify(token: string): UploadTokenCheck {
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined || token.length > 512) return { ok: false, reason: 'malformed' };
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
    let parsed: z.infer<typeof claimsSchema>;
    try {
      parsed = claimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (parsed.exp <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { uploadId: parsed.u, productId: parsed.p, expiresAt: parsed.exp } };
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }
}

/** Where the gateway hands a staged upload to the product subgraph (POST { token, stagedKey }, signed). */
export const MEDIA_ACCEPT_PATH = '/internal/media/accept';

/** The staging key of one upload request (a random suffix, so racing PUTs of one token never mix bytes). */
export function stagingKeyFor(uploadId: string): string {
  return `uploads/${uploadId}-${randomBytes(8).toString('hex')}`;
}
