import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, isAdminTarget, isRefundable, ORDER_STATUSES, type OrderStatus } from '../src/services/orderLifecycle.js';

const ALLOWED: [OrderStatus, OrderStatus][] = [
  ['PENDING', 'CONFIRMED'],
  ['PENDING', 'FAILED'],
  ['CONFIRMED', 'SHIPPED'],
  ['CONFIRMED', 'CANCELLED'],
  ['CONFIRMED', 'PARTIALLY_REFUNDED'],
  ['CONFIRMED', 'REFUNDED'],
  ['SHIPPED', 'DELIVERED'],
  ['SHIPPED', 'PARTIALLY_REFUNDED'],
  ['SHIPPED', 'REFUNDED'],
  ['DELIVERED', 'PARTIALLY_REFUNDED'],
  ['DELIVERED', 'REFUNDED'],
  ['PARTIALLY_REFUNDED', 'PARTIALLY_REFUNDED'],
  ['PARTIALLY_REFUNDED', 'REFUNDED'],
];

describe('order lifecycle', () => {
  it('allows exactly the listed transitions and refuses every other pair with CONFLICT', () => {
    const allowed = new Set(ALLOWED.map(([a, b]) => `${a}>${b}`));
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        const ok = allowed.has(`${from}>${to}`);
        expect(canTransition(from, to), `${from} -> ${to}`).toBe(ok);
        if (!ok) expect(() => assertTransition(from, to)).toThrow(expect.objectContaining({ code: 'CONFLICT', details: expect.objectContaining({ status: from, requested: to }) }));
      }
    }
  });

  it('cannot cancel once shipped, and the final statuses go nowhere', () => {
    expect(canTransition('SHIPPED', 'CANCELLED')).toBe(false);
    expect(canTransition('DELIVERED', 'CANCELLED')).toBe(false);
    for (const final of ['CANCELLED', 'FAILED', 'REFUNDED'] as const) expect(ORDER_STATUSES.filter((to) => canTransition(final, to))).toEqual([]);
  });

  it('lets admins set only SHIPPED, DELIVERED and CANCELLED by hand; refunds only paid orders', () => {
    expect(ORDER_STATUSES.filter(isAdminTarget)).toEqual(['SHIPPED', 'DELIVERED', 'CANCELLED']);
    expect(ORDER_STATUSES.filter(isRefundable)).toEqual(['CONFIRMED', 'SHIPPED', 'DELIVERED', 'PARTIALLY_REFUNDED']);
  });
});
