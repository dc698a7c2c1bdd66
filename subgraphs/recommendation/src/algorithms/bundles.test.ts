import { describe, expect, it } from 'vitest';
import { Prisma } from '@shopgraph/kit';
import { assembleBundle, type BundleFacts } from './bundles.js';

const item = (productId: string, price: string, more: Partial<BundleFacts> = {}): BundleFacts => ({
  productId,
  active: true,
  inStock: true,
  price: new Prisma.Decimal(price),
  currency: 'USD',
  ...more,
});
const facts = new Map(
  [
    item('A', '19.99'),
    item('B', '0.10'),
    item('C', '5.00', { inStock: false }),
    item('D', '7.00', { currency: 'EUR' }),
    item('E', '0.20'),
    item('F', '3.00'),
  ].map((f) => [f.productId, f]),
);
const rules = ['B', 'C', 'D', 'X', 'E', 'F'].map((otherProductId, i) => ({ otherProductId, confidence: 0.6 - i * 0.1 }));

describe('frequently bought together bundle', () => {
  it('takes the two best companions that can be bought in the anchor currency, with an exact total', () => {
    const bundle = assembleBundle(facts.get('A'), rules, (id) => facts.get(id))!;
    expect(bundle.productIds).toEqual(['A', 'B', 'E']);
    // 19.99 + 0.10 + 0.20: exactly 20.29 (binary floats make 0.1 + 0.2 = 0.30000000000000004).
    expect(bundle.total.toFixed(2)).toBe('20.29');
    expect(bundle.total.equals(new Prisma.Decimal('20.29'))).toBe(true);
    expect(bundle.currency).toBe('USD');
    expect(bundle.confidence).toBeCloseTo(0.2, 12);
  });

  it('offers no bundle when the anchor or every companion cannot be bought', () => {
    expect(assembleBundle(item('A', '1.00', { active: false }), rules, (id) => facts.get(id))).toBeNull();
    expect(assembleBundle(facts.get('A'), [{ otherProductId: 'C', confidence: 0.5 }], (id) => facts.get(id))).toBeNull();
    expect(assembleBundle(undefined, rules, (id) => facts.get(id))).toBeNull();
  });
});
