import { PeriodicTask, type JobQueueMetrics, type Logger } from '@shopgraph/kit';
import type { PriceBoundaryService, RecordedBoundaries } from './priceBoundaries.js';

/**
 * Records scheduled prices' starts and ends in the background (PriceBoundaryService). Every
 * product instance runs one; they share the work safely (FOR UPDATE SKIP LOCKED claims).
 * Counted in /metrics as jobs_completed_total / jobs_failures_total{queue="price boundary run"}.
 */
export class PriceBoundaryJob {
  private readonly task: PeriodicTask;

  constructor(
    private readonly boundaries: PriceBoundaryService,
    private readonly logger: Logger,
    metrics?: JobQueueMetrics,
  ) {
    this.task = new PeriodicTask(() => this.runOnce(), logger, 'price boundary run', metrics);
  }

  /** One pass: every boundary passed by now and not yet recorded. */
  async runOnce(): Promise<RecordedBoundaries> {
    const recorded = await this.boundaries.recordDue();
    if (recorded.boundaries > 0) this.logger.info({ boundaries: recorded.boundaries, events: recorded.events }, 'scheduled price boundaries recorded');
    return recorded;
  }

  start(intervalSeconds: number): void {
    this.task.start(intervalSeconds * 1000);
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}
