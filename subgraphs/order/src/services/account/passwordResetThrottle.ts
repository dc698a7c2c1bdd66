import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createRateLimiter, DomainError, ErrorCode, type Logger, type Redis } from '@shopgraph/kit';
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
    const results = await Promise.allSettled([this.byEmail.consume(email), this.byAddress.consume(address)]);
    const waits: number[] = [];
    for (const result of results) {
      if (result.status === 'fulfilled') continue;
      if (result.reason instanceof RateLimiterRes) waits.push(result.reason.msBeforeNext);
      // Neither Redis nor the insurance limiter answered: serve rather than refuse everyone.
      else this.logger.warn({ err: result.reason }, 'password reset throttle unavailable; request not counted');
    }
    if (waits.length > 0) {
      const retryAfter = Math.max(1, Math.ceil(Math.max(...waits) / 1000));
      throw new DomainError(ErrorCode.RATE_LIMITED, `Too many password reset requests: retry in ${retryAfter} s`, { retryAfter });
    }
  }
}
