// Money is integer cents everywhere in the seed; strings only at the SQL boundary.

/** 1234 -> "12.34" (numeric literal for a numeric(12,2) column). */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`invalid cents: ${cents}`);
  const rest = cents % 100;
  return `${(cents - rest) / 100}.${rest < 10 ? '0' : ''}${rest}`;
}

/** How a retail price ends: x.99, x.00 or x.50. One per product so its variants look alike. */
export type PriceEnding = 99 | 0 | 50;

/** Rounds to whole dollars, then applies the ending (never below 0.99). */
export function retailPrice(cents: number, ending: PriceEnding): number {
  const dollars = Math.max(1, Math.round(cents / 100));
  return ending === 0 ? dollars * 100 : ending === 99 ? dollars * 100 - 1 : dollars * 100 - 50;
}

/** Round half up on integer cents: 8% of 1250 -> 100. */
export function percentOf(cents: number, percent: number): number {
  return Math.floor((cents * percent + 50) / 100);
}
