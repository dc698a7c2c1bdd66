import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createRateLimiter, retryAfterSeconds, type Logger, type Redis } from '@shopgraph/kit';
import type { RateLimitSettings } from './gatewayLimits.js';

/** Who a request is counted against: the token's subject, or the address of a caller without one. */
export type RateLimitKey = { kind: 'user'; subject: string } | { kind: 'ip'; address: string };

/** Thrown when the caller's budget for this window is spent. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests: retry in ${retryAfterSeconds} s`);
    this.name = 'RateLimitedError';
  }
}

export interface CallerRateLimiter {
  consume(key: RateLimitKey): Promise<void>;
}

/**
 * Fixed-window budgets per caller with rate-limiter-flexible: counted in Redis when the
 * gateway has one (every gateway instance shares them), in memory otherwise. If Redis
 * fails, each instance carries on with its own in-memory budget (the insurance limiter),
 * so an outage neither blocks every caller nor lifts the limits.
 */
export function createCallerRateLimiter(settings: RateLimitSettings, redis: Redis | undefined, logger: Logger): CallerRateLimiter {
  const make = (points: number, kind: string): RateLimiterAbstract | undefined => {
    if (points === 0) return undefined;
    return createRateLimiter({ redis, points, duration: settings.windowSeconds, keyPrefix: `${settings.keyPrefix}:${kind}` });
  };
  const limiters = { user: make(settings.perUser, 'user'), ip: make(settings.perIp, 'ip') };
  return {
    async consume(key) {
      const limiter = limiters[key.kind];
      if (!limiter) return;
      try {
        await limiter.consume(key.kind === 'user' ? key.subject : key.address);
      } catch (err) {
        if (err instanceof RateLimiterRes) throw new RateLimitedError(retryAfterSeconds(err.msBeforeNext));
        // Neither Redis nor the insurance limiter answered: serve rather than fail every request.
        logger.warn({ err }, 'rate limiter unavailable; request not counted');
      }
    },
  };
}
