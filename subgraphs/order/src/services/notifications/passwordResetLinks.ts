import type { ResetTokenBox } from '../account/resetTokenBox.js';

/** Turns the sealed token of a customer.password_reset_requested event into the link the customer opens. */
export class PasswordResetLinks {
  constructor(
    private readonly box: ResetTokenBox,
    /** STOREFRONT_URL: the link is <storefront>/reset-password?token=... */
    private readonly storefrontUrl: string,
  ) {}

  /** The link, or null when the token does not open (sealed under another JWT_SECRET, or altered). */
  linkFor(resetId: string, sealedToken: string): string | null {
    const token = this.box.open(sealedToken, resetId);
    if (token === null) return null;
    const url = new URL(this.storefrontUrl);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/reset-password`;
    url.searchParams.set('token', token);
    return url.toString();
  }
}
