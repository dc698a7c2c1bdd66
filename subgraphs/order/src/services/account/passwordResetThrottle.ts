import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { consumeEach, createRateLimiter, DomainError, ErrorCode, retryAfterSeconds, type Logger, type Redis } from '@shopgraph/kit';
import type { AccountSettings } from './accountSettings.js';

/**
 * requestPasswordReset calls counted with rate-limiter-flexible, per email (from any address:
 * a customer's inbox is not flooded) and per address (one client cannot spray emails), in
 * Redis when the subgraph has one, in memory otherwise. Every request counts, whether or not
 * the email has an account, so a refusal says nothing about accounts either.
 */
export class PasswordResetThrottle {
  private readonly byEmail: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(
    settings: Pick<AccountSettings, 'maxResetRequestsPerEmail' | 'maxResetRequestsPerAddress' | 'resetWindowSeconds'>,
    redis: Redis | undefined,
    namespace: string,
    private readonly logger: Logger,
  ) {
    const make = (points: number, kind: string): RateLimiterAbstract =>
      createRateLimiter({ redis, points, duration: settings.resetWindowSeconds, keyPrefix: `${namespace}:password-reset-requests:${kind}` });
    this.byEmail = make(settings.maxResetRequestsPerEmail, 'email');
    this.byAddress = make(settings.maxResetRequestsPerAddress, 'address');
  }

  /** Takes this request's points; RATE_LIMITED (extensions.retryAfter, seconds) when either count is used up. */
  async take(email: string, address: string): Promise<void> {
    const wait = await consumeEach(
      [
        { limiter: this.byEmail, key: email },
        { limiter: this.byAddress, key: address },
      ],
      (err) => this.logger.warn({ err }, 'password reset throttle unavailable; request not counted'),
    );
    if (wait !== null) {
      const retryAfter = retryAfterSeconds(wait);
      throw new DomainError(ErrorCode.RATE_LIMITED, `Too many password reset requests: retry in ${retryAfter} s`, { retryAfter });
    }
  }
}
