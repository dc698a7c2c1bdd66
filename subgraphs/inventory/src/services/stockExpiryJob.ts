import { PeriodicTask, type JobQueueMetrics, type Logger } from '@shopgraph/kit';
import type { HoldService } from './holdService.js';

/**
 * Releases expired holds in the background. Every inventory instance runs one; they share
 * the work safely because each batch takes its rows with FOR UPDATE SKIP LOCKED.
 */
export class StockExpiryJob {
  private readonly task: PeriodicTask;

  constructor(
    private readonly holds: HoldService,
    private readonly logger: Logger,
    private readonly batchSize = 500,
    metrics?: JobQueueMetrics,
  ) {
    this.task = new PeriodicTask(
      async () => {
        const n = await this.runOnce();
        if (n > 0) this.logger.info({ released: n }, 'expired stock holds released');
      },
      logger,
      'stock expiry run',
      metrics,
    );
  }

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
    this.task.start(intervalSeconds * 1000);
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}
