import { describe, expect, it } from 'vitest';
import { Decimal } from '@prisma/client/runtime/client';
import { currencyFractionDigits, money, toMinorUnits } from './money.js';

describe('money', () => {
  it('formats exact amounts with the currency minor units', () => {
    expect(money(new Decimal('19.9'), 'USD')).toEqual({ amount: '19.90', currency: 'USD' });
    expect(money(new Decimal('1000'), 'JPY')).toEqual({ amount: '1000', currency: 'JPY' });
    expect(currencyFractionDigits('BHD')).toBe(3);
  });

  it('never goes through binary floats', () => {
    // 0.1 + 0.2 in floats is 0.30000000000000004; in decimals it is exact.
    expect(money(new Decimal('0.1').plus('0.2'), 'USD').amount).toBe('0.30');
    expect(toMinorUnits('12345678901234.56', 'USD')).toBe(1234567890123456n);
    expect(toMinorUnits('-0.05', 'USD')).toBe(-5n);
    expect(() => toMinorUnits('1.001', 'USD')).toThrow(RangeError);
  });
});
