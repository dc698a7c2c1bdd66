import { PeriodicTask, type Logger } from '@shopgraph/kit';
import type { SessionStore } from './sessionStore.js';

/** Deletes dead sign-in sessions in the background (every instance runs it; SKIP LOCKED keeps them apart). */
export class SessionSweep {
  private readonly task: PeriodicTask;

  constructor(
    private readonly sessions: SessionStore,
    logger: Logger,
  ) {
    this.task = new PeriodicTask(() => this.runOnce(), logger, 'session sweep');
  }

  /** One pass: batches until nothing is left; returns how many sessions went. */
  async runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.sessions.prune();
      total += deleted;
      if (deleted === 0) return total;
    }
  }

  start(intervalMs: number): void {
    this.task.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}
