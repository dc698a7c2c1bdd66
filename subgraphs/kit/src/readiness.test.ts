import { describe, expect, it } from 'vitest';
import { checkReadiness } from './readiness.js';

const up = async () => undefined;
const down = async () => {
  throw new Error('connection refused');
};

describe('checkReadiness', () => {
  it('names every dependency with its state, and is ready when all are up', async () => {
    const report = await checkReadiness([
      { name: 'postgres', check: up },
      { name: 'redis', check: up },
    ]);
    expect(report.ready).toBe(true);
    expect(report.checks.postgres).toMatchObject({ state: 'up', ok: true, required: true });
    expect(report.checks.redis).toMatchObject({ state: 'up', required: true });
  });

  it('is not ready when a required dependency is down, and says why', async () => {
    const report = await checkReadiness([
      { name: 'postgres', check: up },
      { name: 'redis', check: down },
    ]);
    expect(report.ready).toBe(false);
    expect(report.checks.redis).toMatchObject({ state: 'down', ok: false, required: true, error: 'connection refused' });
  });

  it('stays ready when only an optional dependency is down, showing it down with its detail', async () => {
    const report = await checkReadiness([
      { name: 'postgres', check: up },
      { name: 'search', check: down, required: false, detail: () => ({ engine: 'opensearch', circuit: 'open' }) },
    ]);
    expect(report.ready).toBe(true);
    expect(report.checks.search).toMatchObject({ state: 'down', required: false, engine: 'opensearch', circuit: 'open' });
  });
});
