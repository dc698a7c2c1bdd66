import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { consumeEach, createRateLimiter, DomainError, ErrorCode, retryAfterSeconds, type Logger, type Redis } from '@shopgraph/kit';
import type { AccountSettings } from './accountSettings.js';

/** The caller's address when the gateway did not say (a service call, a test calling the subgraph directly). */
export const UNKNOWN_ADDRESS = 'unknown';

/**
 * Sign-in attempts counted with rate-limiter-flexible, per email+address and per address: in
 * Redis when the subgraph has one (every instance shares the counts), in memory otherwise.
 * Every attempt takes a point from both BEFORE the password is checked (one atomic increment,
 * so concurrent guesses cannot slip past the limit together); a successful one gives its
 * points back and clears the email+address count. A caller over either limit is refused
 * for the rest of the window, right password or not. Counts decide; the window only says
 * when counting starts again.
 */
export class LoginThrottle {
  private readonly byEmailAndAddress: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(
    settings: Pick<AccountSettings, 'maxFailuresPerEmailAndAddress' | 'maxFailuresPerAddress' | 'throttleWindowSeconds'>,
    redis: Redis | undefined,
    namespace: string,
    private readonly logger: Logger,
  ) {
    const make = (points: number, kind: string): RateLimiterAbstract =>
      createRateLimiter({ redis, points, duration: settings.throttleWindowSeconds, keyPrefix: `${namespace}:login-attempts:${kind}` });
    this.byEmailAndAddress = make(settings.maxFailuresPerEmailAndAddress, 'email-address');
    this.byAddress = make(settings.maxFailuresPerAddress, 'address');
  }

  /** Takes this attempt's points; RATE_LIMITED (extensions.retryAfter, seconds) when either count is used up. */
  async begin(email: string, address: string): Promise<void> {
    const wait = await consumeEach(
      [
        { limiter: this.byEmailAndAddress, key: keyOf(email, address) },
        { limiter: this.byAddress, key: address },
      ],
      // Neither Redis nor the insurance limiter answered: let the attempt through rather than lock everyone out.
      (err) => this.logger.warn({ err }, 'login throttle unavailable; attempt not counted'),
    );
    if (wait !== null) throw rateLimited(wait);
  }

  /** The password was right: the attempt does not count. */
  async succeeded(email: string, address: string): Promise<void> {
    await Promise.all([this.byEmailAndAddress.delete(keyOf(email, address)), this.byAddress.reward(address, 1)]).catch((err: unknown) =>
      this.logger.warn({ err }, 'login throttle: could not give an attempt back'),
    );
  }
}

function keyOf(email: string, address: string): string {
  return `${email}|${address}`;
}

export function rateLimited(msBeforeNext: number): DomainError {
  const retryAfter = retryAfterSeconds(msBeforeNext);
  return new DomainError(ErrorCode.RATE_LIMITED, `Too many failed sign-ins: retry in ${retryAfter} s`, { retryAfter });
}
