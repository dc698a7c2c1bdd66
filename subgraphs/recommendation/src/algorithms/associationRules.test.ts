import { describe, expect, it } from 'vitest';
import { mineAssociationRules } from './associationRules.js';

/**
 * Six customers' purchases (N = 6). Bought A: c1 c2 c3 c6 (4); B: c1 c2 c4 c6 (4); C: c1 c3 (2); D: c4 c5 c6 (3).
 * Together: A+B c1 c2 c6 (3), A+C c1 c3 (2), A+D c6 (1), B+C c1 (1), B+D c4 c6 (2).
 */
const log = new Map<string, string[]>([
  ['c1', ['A', 'B', 'C']],
  ['c2', ['A', 'B']],
  ['c3', ['A', 'C', 'C']],
  ['c4', ['B', 'D']],
  ['c5', ['D']],
  ['c6', ['A', 'B', 'D']],
]);
const rules = mineAssociationRules(log, { minSupport: 2, limit: 10 });

describe('association rules', () => {
  it('ranks by added value, not raw counts: A -> C (2 shared) before A -> B (3 shared)', () => {
    expect(rules.get('A')).toEqual([
      // conf 2/4; lift (2 * 6) / (4 * 2) = 1.5; score 0.5 - 2/6
      { productId: 'A', otherProductId: 'C', support: 2, confidence: 0.5, lift: 1.5, score: 0.5 - 2 / 6, rank: 1 },
      // conf 3/4; lift (3 * 6) / (4 * 4) = 1.125; score 0.75 - 4/6
      { productId: 'A', otherProductId: 'B', support: 3, confidence: 0.75, lift: 1.125, score: 0.75 - 4 / 6, rank: 2 },
    ]);
  });

  it('drops rules under the minimum support (A -> D, one customer) and with lift 1 (B -> D: 2 * 6 = 4 * 3)', () => {
    expect(rules.get('B')!.map((r) => r.otherProductId)).toEqual(['A']);
    expect(rules.has('D')).toBe(false);
    expect(rules.get('C')).toEqual([{ productId: 'C', otherProductId: 'A', support: 2, confidence: 1, lift: 1.5, score: 1 - 4 / 6, rank: 1 }]);
  });

  it('mines only the anchors asked for, with every basket still counted', () => {
    const some = mineAssociationRules(log, { minSupport: 2, limit: 10 }, new Set(['A']));
    expect([...some.keys()]).toEqual(['A']);
    expect(some.get('A')).toEqual(rules.get('A'));
  });

  it('keeps the best `limit` rules and breaks ties by id', () => {
    const tied = new Map([
      ['u1', ['X', 'Z']],
      ['u2', ['X', 'Y']],
      ['u3', ['W']],
    ]);
    const top = mineAssociationRules(tied, { minSupport: 1, limit: 1 });
    expect(top.get('X')).toEqual([{ productId: 'X', otherProductId: 'Y', support: 1, confidence: 0.5, lift: 1.5, score: 0.5 - 1 / 3, rank: 1 }]);
  });
});
