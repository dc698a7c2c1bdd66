import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { perRegistry } from './metricsPerRegistry.js';

describe('perRegistry', () => {
  it('makes one metric set per registry, and a new one for another registry', () => {
    let made = 0;
    const metrics = perRegistry((registry) => {
      made += 1;
      return new Counter({ name: 'things_total', help: 'Things', registers: [registry] });
    });
    const a = new Registry();
    const b = new Registry();
    expect(metrics(a)).toBe(metrics(a));
    expect(metrics(b)).not.toBe(metrics(a));
    expect(made).toBe(2);
  });
});
