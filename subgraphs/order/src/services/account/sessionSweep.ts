import { PeriodicTask, type Logger } from '@shopgraph/kit';
import type { PasswordResetTokens } from './passwordResetTokens.js';
import type { SessionStore } from './sessionStore.js';

/** Deletes dead sign-in sessions and reset tokens in the background (every instance runs it; SKIP LOCKED keeps them apart). */
export class SessionSweep {
  private readonly task: PeriodicTask;

  constructor(
    private readonly sessions: SessionStore,
    private readonly resetTokens: PasswordResetTokens,
    logger: Logger,
  ) {
    this.task = new PeriodicTask(() => this.runOnce(), logger, 'session sweep');
  }

  /** One pass: batches until nothing is left; returns how many sessions and reset tokens went. */
  async runOnce(): Promise<number> {
    return (await drain(() => this.sessions.prune())) + (await drain(() => this.resetTokens.prune()));
  }

  start(intervalMs: number): void {
    this.task.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}

async function drain(batch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await batch();
    total += deleted;
    if (deleted === 0) return total;
  }
}
