import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createRateLimiter, DomainError, ErrorCode, type Redis } from '@shopgraph/kit';

/** How many product views one viewer may send a minute before RATE_LIMITED. */
export const VIEWS_PER_MINUTE = 60;
/** A viewer's repeated view of one product counts once in this window. */
export const REPEAT_VIEW_WINDOW_SECONDS = 30 * 60;
/** Anonymous views counted per product a minute, whoever sends them (bounds what rotating session ids can inflate). */
export const ANONYMOUS_VIEWS_PER_PRODUCT_MINUTE = 300;

/**
 * Keeps view tracking sane (rate-limiter-flexible): shared between instances through Redis
 * when there is one (an in-memory limiter stands in while Redis fails), in this process
 * otherwise.
 */
export class ViewLimiter {
  private readonly perViewer: RateLimiterAbstract;
  private readonly repeat: RateLimiterAbstract;
  private readonly anonymousPerProduct: RateLimiterAbstract;

  constructor(options: { redis?: Redis; namespace: string }) {
    const make = (name: string, points: number, duration: number): RateLimiterAbstract =>
      createRateLimiter({ redis: options.redis, keyPrefix: `sg:${options.namespace}:reco-views:${name}`, points, duration });
    this.perViewer = make('viewer', VIEWS_PER_MINUTE, 60);
    this.repeat = make('repeat', 1, REPEAT_VIEW_WINDOW_SECONDS);
    this.anonymousPerProduct = make('anonymous-product', ANONYMOUS_VIEWS_PER_PRODUCT_MINUTE, 60);
  }

  /** Spends one of the viewer's views this minute, or throws RATE_LIMITED. */
  async admit(viewer: string): Promise<void> {
    if (!(await this.take(this.perViewer, viewer))) {
      const left = await this.perViewer.get(viewer);
      const retryAfterSeconds = Math.max(1, Math.ceil((left?.msBeforeNext ?? 60_000) / 1000));
      throw new DomainError(ErrorCode.RATE_LIMITED, `Too many product views: at most ${VIEWS_PER_MINUTE} a minute`, { retryAfterSeconds });
    }
  }

  /** Whether this view counts: the viewer's first of the product in the window, within the product's anonymous budget. */
  async counts(viewer: string, productId: string, anonymous: boolean): Promise<boolean> {
    if (!(await this.take(this.repeat, `${viewer}:${productId}`))) return false;
    return !anonymous || this.take(this.anonymousPerProduct, productId);
  }

  private async take(limiter: RateLimiterAbstract, key: string): Promise<boolean> {
    try {
      await limiter.consume(key);
      return true;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return false;
      throw rejection;
    }
  }
}
