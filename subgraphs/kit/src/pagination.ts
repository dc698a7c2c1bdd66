import { InputError } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** Validated page request: how many rows, and the keyset position after which to start. */
export interface PageRequest {
  first: number;
  after: readonly unknown[] | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** A function so the count query runs only when a client selects totalCount. */
  totalCount: () => Promise<number>;
}

interface CursorPayload {
  /** The sort this cursor was cut for: a cursor from another sort order means nothing. */
  s: string;
  /** Keyset values of the last row, in sort order, ending with the id tie-breaker. */
  k: unknown[];
}

export function encodeCursor(sort: string, key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify({ s: sort, k: [...key] } satisfies CursorPayload)).toString('base64url');
}

export function decodeCursor(cursor: string, sort: string, keyLength: number, field = 'after'): unknown[] {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw InputError.of(field, 'is not a cursor returned by this connection');
  }
  const p = payload as Partial<CursorPayload> | null;
  if (!p || typeof p !== 'object' || !Array.isArray(p.k) || p.k.length !== keyLength || typeof p.s !== 'string') {
    throw InputError.of(field, 'is not a cursor returned by this connection');
  }
  if (p.s !== sort) throw InputError.of(field, `was returned for sort ${p.s}, not ${sort}`);
  return p.k;
}

export function parseFirst(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0) throw InputError.of(field, 'must be a non-negative integer');
  if (first > MAX_PAGE_SIZE) throw InputError.of(field, `must be at most ${MAX_PAGE_SIZE}`);
  return first;
}

/**
 * Turns rows fetched with `take: first + 1` into a connection: the extra row only tells
 * whether another page exists.
 */
export function toConnection<T>(
  rows: T[],
  page: PageRequest,
  sort: string,
  keyOf: (row: T) => readonly unknown[],
  totalCount: () => Promise<number>,
): Connection<T> {
  const nodes = rows.slice(0, page.first);
  const edges = nodes.map((node) => ({ node, cursor: encodeCursor(sort, keyOf(node)) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.first,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}
