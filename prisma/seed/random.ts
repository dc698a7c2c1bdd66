import { Faker, base, en, generateMersenne53Randomizer } from '@faker-js/faker';

/** One seeded random stream: faker (names, emails, uuids) and the fast helpers share it, so a seed fixes everything. */
export interface Rng {
  readonly faker: Faker;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  uuid(): string;
  /**
   * Zipf-like index in [0, n): P(k) ~ 1/(k+1.5), the continuous inverse of a
   * log-uniform draw; no per-call table needed however large n is.
   */
  zipf(n: number): number;
}

/**
 * `stream` gives an independent sequence for the same seed, so e.g. the order history
 * (which depends on the calendar) cannot shift the catalogue's random draws.
 */
export function createRng(seed: number, stream = 0): Rng {
  const randomizer = generateMersenne53Randomizer();
  const faker = new Faker({ locale: [en, base], randomizer });
  faker.seed(stream === 0 ? seed : [seed, stream]);
  const next = () => randomizer.next();
  return {
    faker,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    uuid: () => faker.string.uuid(),
    zipf: (n) => Math.min(n - 1, Math.floor(Math.pow(n + 1, next())) - 1),
  };
}

/** Fisher-Yates, in place. */
export function shuffle<T extends { length: number; [i: number]: number }>(rng: Rng, items: T): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const tmp = items[i] as number;
    items[i] = items[j] as number;
    items[j] = tmp;
  }
  return items;
}

/** k distinct items, keeping their original order when `ordered` (a run of sizes), else a random subset. */
export function pickSome<T>(rng: Rng, items: readonly T[], count: number, ordered: boolean): T[] {
  const k = Math.min(count, items.length);
  if (ordered) {
    const start = rng.int(0, items.length - k);
    return items.slice(start, start + k);
  }
  const pool = [...items];
  const out: T[] = [];
  for (let i = 0; i < k; i++) {
    const j = Math.floor(rng.next() * pool.length);
    out.push(pool[j] as T);
    pool.splice(j, 1);
  }
  return out;
}

/** Normalised running sums, for pickCumulative. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (out[i] = sum += w));
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / sum;
  return out;
}

/** Index whose cumulative share first exceeds u (binary search). */
export function pickCumulative(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < cdf[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
