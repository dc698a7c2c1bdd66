import type { Logger } from '@shopgraph/kit';
import type { HoldService } from './holdService.js';

/**
 * Releases expired holds in the background. Every inventory instance runs one; they share
 * the work safely because each batch takes its rows with FOR UPDATE SKIP LOCKED.
 */
export class StockExpiryJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly holds: HoldService,
    private readonly logger: Logger,
    private readonly batchSize = 500,
  ) {}

  /** Releases every hold expired by now, batch after batch; returns how many. */
  async runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const released = await this.holds.expireHolds(this.batchSize);
      total += released;
      if (released < this.batchSize) return total;
    }
  }

  start(intervalSeconds: number): void {
    if (intervalSeconds <= 0 || this.timer) return;
    const tick = () => {
      if (this.running) return;
      this.running = this.runOnce()
        .then((n) => {
          if (n > 0) this.logger.info({ released: n }, 'expired stock holds released');
          return n;
        })
        .catch((err: unknown) => {
          this.logger.error({ err }, 'stock expiry run failed');
          return 0;
        })
        .finally(() => {
          this.running = undefined;
        });
    };
    this.timer = setInterval(tick, intervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
