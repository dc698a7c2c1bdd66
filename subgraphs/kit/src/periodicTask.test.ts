import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { jobQueueMetrics } from './jobs/jobQueueMetrics.js';
import { createLogger } from './logger.js';
import { PeriodicTask } from './periodicTask.js';

const logger = createLogger('periodic-task-test', 'silent');
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PeriodicTask', () => {
  it('never runs two passes at once, keeps going after a failed pass, and stop() waits for the pass in flight', async () => {
    let running = 0;
    let most = 0;
    let passes = 0;
    let finished = 0;
    const task = new PeriodicTask(
      async () => {
        running += 1;
        most = Math.max(most, running);
        passes += 1;
        await tick(25);
        running -= 1;
        finished += 1;
        if (passes === 1) throw new Error('first pass fails');
      },
      logger,
      'test pass',
    );
    task.start(5);
    while (passes < 3) await tick(5);
    await task.stop();
    expect(most).toBe(1);
    expect(finished).toBe(passes);
    const after = passes;
    await tick(30);
    expect(passes).toBe(after);
  });

  it('counts completed and failed passes on /metrics under its name', async () => {
    const registry = new Registry();
    let passes = 0;
    const task = new PeriodicTask(
      async () => {
        passes += 1;
        if (passes === 2) throw new Error('second pass fails');
      },
      logger,
      'sweep',
      jobQueueMetrics(registry),
    );
    task.start(5);
    while (passes < 4) await tick(5);
    await task.stop();
    const value = async (name: string) => (await registry.getSingleMetric(name)!.get()).values.find((v) => v.labels.queue === 'sweep')?.value;
    expect(await value('jobs_failures_total')).toBe(1);
    expect(await value('jobs_completed_total')).toBe(passes - 1);
  });

  it('does nothing when turned off (interval 0)', async () => {
    let passes = 0;
    const task = new PeriodicTask(async () => void (passes += 1), logger, 'off');
    task.start(0);
    await tick(20);
    await task.stop();
    expect(passes).toBe(0);
  });
});
