import { PeriodicTask, type JobQueueMetrics, type Logger, type PrismaClient } from '@shopgraph/kit';
import { LeaseLostError, type CheckoutSaga } from './checkoutSaga.js';

export interface RecoveryOptions {
  instanceId: string;
  leaseSeconds: number;
  /** Orders taken over per pass. */
  batchSize?: number;
  /** Passes that completed and failed on /metrics. */
  metrics?: JobQueueMetrics;
}

/**
 * Finishes or compensates checkouts left half-way: PENDING orders whose saga lease lapsed
 * (the instance running them crashed, or a call out kept failing). Runs in every order
 * instance; the claim is one UPDATE over `FOR UPDATE SKIP LOCKED` rows that moves the lease
 * to this instance, so two instances never take the same order, and a taken order is not
 * taken again until this instance's lease lapses too.
 */
export class CheckoutRecovery {
  private readonly task: PeriodicTask;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly saga: CheckoutSaga,
    private readonly logger: Logger,
    private readonly options: RecoveryOptions,
  ) {
    this.task = new PeriodicTask(() => this.runOnce(), logger, 'checkout recovery pass', options.metrics);
  }

  /** One pass: claims up to batchSize lapsed checkouts and drives each to CONFIRMED or FAILED; returns how many it took. */
  async runOnce(): Promise<number> {
    const claimed = await this.prisma.$queryRaw<{ id: string; checkout_step: string }[]>`
      UPDATE ordering."order" o
      SET lease_owner = ${this.options.instanceId}, lease_until = now() + make_interval(secs => ${this.options.leaseSeconds}), updated_at = now()
      WHERE o.id IN (
        SELECT id FROM ordering."order"
        WHERE status = 'PENDING' AND checkout_step IS NOT NULL AND lease_until < now()
        ORDER BY lease_until LIMIT ${this.options.batchSize ?? 20}
        FOR UPDATE SKIP LOCKED)
      RETURNING o.id::text, o.checkout_step`;
    for (const { id, checkout_step: step } of claimed) {
      try {
        const order = await this.saga.recover(id);
        this.logger.info({ orderId: id, from: step, status: order.status }, 'checkout recovered');
      } catch (err) {
        if (err instanceof LeaseLostError) continue;
        // Stays PENDING; its lease lapses again and a later pass retries.
        this.logger.error({ err, orderId: id, step }, 'checkout recovery failed; will retry');
      }
    }
    return claimed.length;
  }

  start(intervalMs: number): void {
    this.task.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}
