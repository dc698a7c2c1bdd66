import { Decimal } from '@prisma/client/runtime/client';

/**
 * JSON that keeps the types rows carry: Date and Prisma Decimal survive a trip through
 * Redis, so a cached row is the same value as one read from Postgres.
 */
export function encodeCacheValue(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, encoded: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { $t: raw.toISOString() };
    if (Decimal.isDecimal(raw)) return { $d: raw.toString() };
    return encoded;
  });
}

export function decodeCacheValue<T>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const tagged = value as { $t?: unknown; $d?: unknown };
      const keys = Object.keys(value);
      if (keys.length === 1 && typeof tagged.$t === 'string') return new Date(tagged.$t);
      if (keys.length === 1 && typeof tagged.$d === 'string') return new Decimal(tagged.$d);
    }
    return value;
  }) as T;
}
