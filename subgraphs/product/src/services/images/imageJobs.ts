import type { JobQueueMetrics, Logger } from '@shopgraph/kit';
import PgBoss from 'pg-boss';

export const IMAGE_QUEUE = 'product-image-render';
/** Where pg-boss moves a job after its last failed attempt (the image row says FAILED too). */
export const IMAGE_DEAD_LETTER_QUEUE = 'product-image-render-failed';
/** pg-boss keeps its tables in this schema of the catalog's database (it creates and migrates it). */
export const JOBS_SCHEMA = 'catalog_jobs';

export interface ImageJobOptions {
  /** Retries after the first attempt (default 4: five attempts in all). */
  retryLimit?: number;
  /** Base of the backoff: retry n waits between d*2^(n-1) and d*2^n seconds (default 5: 5-10, 10-20, 20-40, 40-80 s). */
  retryDelaySeconds?: number;
  /** How often an idle worker looks for work (default 2 s; a send in this process wakes it at once). */
  pollingIntervalSeconds?: number;
}

export interface ImageJob {
  imageId: string;
  /** The request that queued it (upload, retry), carried into the events and logs of its rendering. */
  requestId?: string;
}

export interface ImageJobAttempt {
  /** 1 for the first try. */
  attempt: number;
  /** No retry follows if this attempt fails. */
  last: boolean;
}

/** A transaction's raw SQL, so a job is queued in the same commit as the row it is about. */
export interface SqlTransaction {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/**
 * The image queue on pg-boss: durable in PostgreSQL (survives restarts), retries with
 * exponential backoff, then the dead-letter queue. The worker runs in the product subgraph.
 */
export class ImageJobs {
  private readonly boss: PgBoss;
  private readonly options: Required<ImageJobOptions>;
  private started: Promise<void> | undefined;
  private workerId: string | undefined;

  private readonly unwatch: Array<() => void> = [];

  constructor(
    databaseUrl: string,
    private readonly logger: Logger,
    options: ImageJobOptions = {},
    /** jobs_queue_depth, jobs_failures_total, jobs_completed_total on the subgraph's /metrics. */
    private readonly metrics?: JobQueueMetrics,
  ) {
    this.options = { retryLimit: 4, retryDelaySeconds: 5, pollingIntervalSeconds: 2, ...options };
    this.boss = new PgBoss({ connectionString: databaseUrl, schema: JOBS_SCHEMA, max: 2, application_name: 'shopgraph-product-jobs', schedule: false });
    this.boss.on('error', (err) => this.logger.error({ err }, 'image job queue error'));
  }

  /** Installs or migrates pg-boss's schema, makes the queues and starts the worker. */
  start(handler: (job: ImageJob, attempt: ImageJobAttempt) => Promise<void>): Promise<void> {
    this.started ??= (async () => {
      await this.boss.start();
      const { retryLimit, retryDelaySeconds } = this.options;
      if (!(await this.boss.getQueue(IMAGE_DEAD_LETTER_QUEUE))) await this.boss.createQueue(IMAGE_DEAD_LETTER_QUEUE);
      const queue = { name: IMAGE_QUEUE, retryLimit, retryDelay: retryDelaySeconds, retryBackoff: true, deadLetter: IMAGE_DEAD_LETTER_QUEUE };
      if (await this.boss.getQueue(IMAGE_QUEUE)) await this.boss.updateQueue(IMAGE_QUEUE, queue);
      else await this.boss.createQueue(IMAGE_QUEUE, queue);
      this.workerId = await this.boss.work<ImageJob>(
        IMAGE_QUEUE,
        { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: this.options.pollingIntervalSeconds },
        async ([job]) => {
          if (!job) return;
          const attempt = () => handler(job.data, { attempt: job.retryCount + 1, last: job.retryCount >= job.retryLimit });
          await (this.metrics ? this.metrics.track(IMAGE_QUEUE, attempt) : attempt());
        },
      );
      if (this.metrics) {
        for (const queue of [IMAGE_QUEUE, IMAGE_DEAD_LETTER_QUEUE]) this.unwatch.push(this.metrics.watchDepth(queue, () => this.boss.getQueueSize(queue)));
      }
    })();
    return this.started;
  }

  /** Queues the rendering of an image inside the caller's transaction (it commits or rolls back with it). */
  async enqueue(tx: SqlTransaction, job: ImageJob): Promise<void> {
    await this.started;
    await this.boss.send(IMAGE_QUEUE, job, {
      db: {
        // pg-boss hands JSON as objects; Prisma's raw parameters want text for a jsonb cast.
        executeSql: async (text: string, values: unknown[]) => ({
          rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values.map((v) => (v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v))),
        }),
      },
    });
  }

  /** Wakes the worker now (after a commit that queued work) rather than at its next poll. */
  nudge(): void {
    if (this.workerId) this.boss.notifyWorker(this.workerId);
  }

  /** Jobs of the dead-letter queue, for an operator's eyes. */
  deadLetterCount(): Promise<number> {
    return this.boss.getQueueSize(IMAGE_DEAD_LETTER_QUEUE);
  }

  async stop(): Promise<void> {
    for (const unwatch of this.unwatch.splice(0)) unwatch();
    if (!this.started) return;
    await this.started.catch(() => undefined);
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
