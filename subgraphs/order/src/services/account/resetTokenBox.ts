import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals a password reset token for its trip through the event log: the
 * customer.password_reset_requested event must reach the notification consumer (the path
 * every notification takes, retried and at-least-once), yet the outbox and event log keep
 * events for good and must not hold a usable token in clear. AES-256-GCM under a key derived
 * (HKDF-SHA256) from JWT_SECRET: whoever holds that secret can mint sessions anyway, so it
 * reveals nothing new, and the HKDF label keeps this key apart from the token-signing one.
 * The reset row's id is the associated data, so a sealed token does not open for another row.
 * Stored as "v1.<iv>.<tag>.<ciphertext>" (base64url).
 */
export class ResetTokenBox {
  private readonly key: Buffer;

  constructor(keyMaterial: string) {
    this.key = Buffer.from(hkdfSync('sha256', keyMaterial, 'shopgraph', 'password-reset-tokens/v1', 32));
  }

  seal(token: string, resetId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(resetId));
    const ciphertext = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** The token, or null when `sealed` was not sealed for `resetId` under this key (tampered, another key). */
  open(sealed: string, resetId: string): string | null {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(resetId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
