import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals a short secret for a place that must not hold it in clear (a database row, an event in
 * the log) yet must give it back later: AES-256-GCM under a key derived (HKDF-SHA256) from the
 * key material and a `purpose` label, so one secret serves several boxes without their keys
 * meeting. Each sealed text is bound to a record (`boundTo`, the associated data): copied to
 * another record, it does not open. Stored as "v1.<iv>.<tag>.<ciphertext>" (base64url).
 */
export class SealedBox {
  private readonly key: Buffer;

  /** @param purpose names what this box holds, e.g. "webhook-signing-secrets/v1"; a new label is a new key. */
  constructor(keyMaterial: string, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', keyMaterial, 'shopgraph', purpose, 32));
  }

  seal(plaintext: string, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** The plaintext, or null when `sealed` was not sealed for `boundTo` by a box of this key and purpose (or was altered). */
  open(sealed: string, boundTo: string): string | null {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(boundTo));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
