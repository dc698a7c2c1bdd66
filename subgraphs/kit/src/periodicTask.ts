import type { JobQueueMetrics } from './jobs/jobQueueMetrics.js';
import type { Logger } from './logger.js';

/**
 * Runs one pass of background work on an interval in every instance (expiry sweeps, recovery):
 * a pass never starts while the previous one runs, a failed pass is logged and the next tick
 * tries again, and stop() waits for the pass in flight. The passes themselves must be safe
 * with several instances running them (FOR UPDATE SKIP LOCKED claims).
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly logger: Logger,
    /** Says which work failed, e.g. "cart sweep". */
    private readonly name: string,
    /** Counts passes that completed and failed (`jobs_completed_total`, `jobs_failures_total`, queue = name). */
    private readonly metrics?: JobQueueMetrics,
  ) {}

  /** Starts ticking every `intervalMs`; 0 or less (turned off) or already started does nothing. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = (this.metrics ? this.metrics.track(this.name, this.pass) : this.pass())
        .then(() => undefined)
        .catch((err: unknown) => this.logger.error({ err }, `${this.name} failed`))
        .finally(() => {
          this.running = undefined;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
