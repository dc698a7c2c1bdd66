/** Exponential backoff with jitter: attempt 1 waits about `baseMs`, doubling up to `maxMs`. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  // Equal jitter: never less than half the step, so retries still back off.
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * A loop's wait that something else can cut short: a NOTIFY, new work, or shutdown.
 * Wakes that arrive while nobody waits are remembered, so none is lost between checks.
 */
export class Wakeup {
  private pending = false;
  private release: (() => void) | undefined;

  wake(): void {
    if (this.release) {
      this.release();
      this.release = undefined;
    } else {
      this.pending = true;
    }
  }

  /** Resolves true when woken, false when `ms` passed first. */
  wait(ms: number): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.release = undefined;
        resolve(false);
      }, ms);
      this.release = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}
