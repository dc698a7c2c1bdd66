import { Counter, Gauge, type Registry } from 'prom-client';

/** How many jobs a queue holds that no worker has finished yet (pg-boss: created or waiting to retry). */
export type QueueDepthProbe = () => Promise<number>;

/** Background job metrics on a service's registry (one set per registry, shared by its queues). */
export interface JobQueueMetrics {
  /** Attempts that threw (each failed try, retried or not). */
  failures: Counter<'queue'>;
  completed: Counter<'queue'>;
  /** Reads `queue`'s depth at every scrape into `jobs_queue_depth`; returns its removal. */
  watchDepth(queue: string, probe: QueueDepthProbe): () => void;
  /** Runs one attempt of a job of `queue`, counting how it ended. */
  track<T>(queue: string, attempt: () => Promise<T>): Promise<T>;
}

const byRegistry = new WeakMap<Registry, JobQueueMetrics>();

export function jobQueueMetrics(registry: Registry): JobQueueMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const probes = new Map<string, QueueDepthProbe>();
  new Gauge({
    name: 'jobs_queue_depth',
    help: 'Jobs waiting in a queue (queued or waiting to retry), by queue; a dead-letter queue shows jobs that gave up',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [queue, probe] of probes) {
        try {
          this.set({ queue }, await probe());
        } catch {
          // A reading that fails (database down) is left out of this scrape.
        }
      }
    },
  });
  const failures = new Counter({ name: 'jobs_failures_total', help: 'Job attempts that failed, by queue', labelNames: ['queue'], registers: [registry] });
  const completed = new Counter({ name: 'jobs_completed_total', help: 'Jobs that completed, by queue', labelNames: ['queue'], registers: [registry] });
  const metrics: JobQueueMetrics = {
    failures,
    completed,
    watchDepth(queue, probe) {
      probes.set(queue, probe);
      // The queue's counters show from the start (at 0), not only after its first job.
      failures.inc({ queue }, 0);
      completed.inc({ queue }, 0);
      return () => void probes.delete(queue);
    },
    async track(queue, attempt) {
      try {
        const result = await attempt();
        completed.inc({ queue });
        return result;
      } catch (err) {
        failures.inc({ queue });
        throw err;
      }
    },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
