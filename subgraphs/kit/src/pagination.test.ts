import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { decodeCursor, encodeCursor, parseFirst, toConnection } from './pagination.js';

describe('pagination', () => {
  it('round-trips a cursor for its own sort only', () => {
    const cursor = encodeCursor('NEWEST', ['2026-01-01T00:00:00.000Z', 'abc']);
    expect(decodeCursor(cursor, 'NEWEST', 2)).toEqual(['2026-01-01T00:00:00.000Z', 'abc']);
    expect(() => decodeCursor(cursor, 'PRICE_ASC', 2)).toThrow(InputError);
    expect(() => decodeCursor(cursor, 'NEWEST', 3)).toThrow(InputError);
    expect(() => decodeCursor('%%%', 'NEWEST', 2)).toThrow(InputError);
  });

  it('bounds first', () => {
    expect(parseFirst(undefined)).toBe(20);
    expect(parseFirst(0)).toBe(0);
    expect(parseFirst(100)).toBe(100);
    expect(() => parseFirst(101)).toThrow(/at most 100/);
    expect(() => parseFirst(-1)).toThrow(/non-negative/);
  });

  it('uses the extra row only to tell whether there is a next page', async () => {
    const conn = toConnection([1, 2, 3], { first: 2, after: null }, 'S', (n) => [n], async () => 3);
    expect(conn.edges.map((e) => e.node)).toEqual([1, 2]);
    expect(conn.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(conn.pageInfo.endCursor!, 'S', 1)).toEqual([2]);
    expect(await conn.totalCount()).toBe(3);
  });
});
