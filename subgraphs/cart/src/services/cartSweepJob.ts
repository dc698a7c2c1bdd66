import type { Logger } from '@shopgraph/kit';
import type { CartService } from './cartService.js';

/** Expires untouched carts in the background (every cart instance; batches are FOR UPDATE SKIP LOCKED). */
export class CartSweepJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly carts: CartService,
    private readonly logger: Logger,
    private readonly batchSize = 100,
  ) {}

  async runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.carts.expireCarts(this.batchSize);
      total += n;
      if (n < this.batchSize) return total;
    }
  }

  start(intervalSeconds: number): void {
    if (intervalSeconds <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.runOnce()
        .then((n) => n > 0 && this.logger.info({ expired: n }, 'expired carts released'))
        .catch((err: unknown) => this.logger.error({ err }, 'cart sweep failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, intervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
