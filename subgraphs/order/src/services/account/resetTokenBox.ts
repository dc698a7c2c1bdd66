import { SealedBox } from '@shopgraph/kit';

/**
 * Seals a password reset token for its trip through the event log: the
 * customer.password_reset_requested event must reach the notification consumer (the path
 * every notification takes, retried and at-least-once), yet the outbox and event log keep
 * events for good and must not hold a usable token in clear. The key comes from JWT_SECRET:
 * whoever holds that secret can mint sessions anyway, so it reveals nothing new, and the box's
 * own purpose label keeps this key apart from the token-signing one. Bound to the reset row's id.
 */
export type ResetTokenBox = SealedBox;

export function createResetTokenBox(jwtSecret: string): ResetTokenBox {
  return new SealedBox(jwtSecret, 'password-reset-tokens/v1');
}
