import type { JsonValue } from '@prisma/client/runtime/client';

/** A JSON object column (attributes, options) as [name, value] pairs of strings. */
export function jsonPairs(value: JsonValue): [string, string][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}
