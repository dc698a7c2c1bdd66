import type { Logger } from '@shopgraph/kit';
import type { RecommendationRefresher } from './recommendationRefresher.js';

/**
 * Runs the refresher in the background of a recommendation subgraph: a few seconds after
 * start (a freshly seeded store owes a full rebuild), then every interval. Every instance runs one;
 * the refresher's lock lets one work at a time. A failed run is logged and retried at the
 * next tick; stop() waits only for the batch in progress.
 */
export class RefreshLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly refresher: RecommendationRefresher,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    /** Lets the rest of the stack finish starting before a boot-time rebuild competes for the CPU. */
    private readonly firstDelayMs = 5_000,
  ) {}

  start(): void {
    if (this.stopped || this.timer) return;
    this.schedule(this.firstDelayMs);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const summary = await this.refresher.run({ signal: this.abort.signal });
      if (!summary.ran) this.logger.debug('recommendation refresh skipped: another instance holds the lock');
    } catch (err) {
      this.logger.error({ err }, 'recommendation refresh failed; retrying at the next tick');
    }
  }

  /** Stops after the batch in progress (the rest stays queued for the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.running;
  }
}
