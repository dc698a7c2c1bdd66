import { describe, expect, it } from 'vitest';
import { zipfSampler } from './zipf.js';

describe('zipfSampler', () => {
  it('draws ranks with probability proportional to 1/k^s', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const sample = zipfSampler(1000, 1, random);
    const counts = new Array<number>(1000).fill(0);
    for (let i = 0; i < 200_000; i++) counts[sample()]! += 1;
    const harmonic = Array.from({ length: 1000 }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0);
    // Rank 1 expects 1/H(1000) ≈ 13.4 % of draws, rank 2 half of that.
    expect(counts[0]! / 200_000).toBeCloseTo(1 / harmonic, 2);
    expect(counts[1]! / counts[0]!).toBeCloseTo(0.5, 1);
    expect(counts.every((c, k) => k === 0 || c <= counts[0]!)).toBe(true);
  });
});
