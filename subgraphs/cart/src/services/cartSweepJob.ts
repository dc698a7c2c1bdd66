import { PeriodicTask, type JobQueueMetrics, type Logger } from '@shopgraph/kit';
import type { CartService } from './cartService.js';

/** Expires untouched carts in the background (every cart instance; batches are FOR UPDATE SKIP LOCKED). */
export class CartSweepJob {
  private readonly task: PeriodicTask;

  constructor(
    private readonly carts: CartService,
    private readonly logger: Logger,
    private readonly batchSize = 100,
    metrics?: JobQueueMetrics,
  ) {
    this.task = new PeriodicTask(
      async () => {
        const n = await this.runOnce();
        if (n > 0) this.logger.info({ expired: n }, 'expired carts released');
      },
      logger,
      'cart sweep',
      metrics,
    );
  }

  async runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.carts.expireCarts(this.batchSize);
      total += n;
      if (n < this.batchSize) return total;
    }
  }

  start(intervalSeconds: number): void {
    this.task.start(intervalSeconds * 1000);
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}
