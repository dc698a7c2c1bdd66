/**
 * At most `limit` checkouts run their saga at once in this instance; the others wait their
 * turn in arrival order. Checkout's calls out all meet on the same stock rows when a product
 * sells out, so letting every request through at once only turns waiting into timeouts
 * downstream; queueing here keeps the inventory's lock queue short. Repeats of a key that is
 * already running do not take a place (they only wait for its outcome).
 */
export class Admission {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get queued(): number {
    return this.waiting.length;
  }
}
