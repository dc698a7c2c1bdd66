import type { Decimal } from '@prisma/client/runtime/client';

/** A price as it leaves a service: an exact decimal string plus its currency, never a float. */
export interface Money {
  amount: string;
  currency: string;
}

const fractionDigitsCache = new Map<string, number>();

/** ISO 4217 minor-unit digits (USD 2, JPY 0, BHD 3) as Intl knows them. */
export function currencyFractionDigits(currency: string): number {
  let digits = fractionDigitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    fractionDigitsCache.set(currency, digits);
  }
  return digits;
}

export function money(amount: Decimal, currency: string): Money {
  return { amount: amount.toFixed(currencyFractionDigits(currency)), currency };
}

/** Integer minor units (cents) of an exact decimal amount string. */
export function toMinorUnits(amount: string, currency: string): bigint {
  const digits = currencyFractionDigits(currency);
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = amount.replace(/^[-+]/, '').split('.');
  if (fraction.length > digits) throw new RangeError(`${amount} has more than ${digits} decimals for ${currency}`);
  const units = BigInt(whole + fraction.padEnd(digits, '0'));
  return negative ? -units : units;
}

export function formatMoney(m: Money, locale = 'en-US'): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency }).format(Number(m.amount));
}
