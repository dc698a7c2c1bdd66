import { InputError, isUuid, Prisma } from '@shopgraph/kit';
import type { ReviewModel } from '../../models.js';

export type ReviewSortName = 'HELPFUL' | 'RECENT' | 'RATING_HIGH' | 'RATING_LOW';

/** Where a page starts: strictly after this position of the order (a cursor's key, checked). */
export interface ReviewPosition {
  /** The leading column's value (helpful count or stars); null in the RECENT order, which has none. */
  value: number | null;
  createdAt: Date;
  id: string;
}

/**
 * A review order for keyset pagination: the key a cursor stores (ending with the id
 * tie-breaker, so equal counts and instants still page stably), and the ORDER BY and
 * "strictly after" condition as SQL over the page query's review `r` and its request `q`
 * (q.after_value, q.after_at, q.after_id: a ReviewPosition). Every order breaks ties newest first.
 */
export interface ReviewSortSpec {
  keyOf(row: ReviewModel): Array<string | number>;
  keyLength: number;
  /** A cursor's key as a position, or BAD_USER_INPUT on `after` when no cursor of this order could hold it. */
  positionOf(key: readonly unknown[]): ReviewPosition;
  orderBy: Prisma.Sql;
  after: Prisma.Sql;
}

const notACursor = () => InputError.of('after', 'is not a cursor returned by this connection');

/** The instants a review can have; anything else would be a cursor we never issued (and out of PostgreSQL's range). */
const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** A cursor key's (instant, id) pair, checked: BAD_USER_INPUT on `after` when no cursor we issued could hold it. */
export function instantAndId(at: unknown, id: unknown): { createdAt: Date; id: string } {
  const ms = typeof at === 'string' ? Date.parse(at) : NaN;
  if (!(ms >= EARLIEST && ms <= LATEST) || typeof id !== 'string' || !isUuid(id)) throw notACursor();
  return { createdAt: new Date(ms), id };
}

/** A leading integer column (helpful count or stars), then newest first. */
function byNumberThenNewest(field: 'helpfulCount' | 'rating', column: 'helpful_count' | 'rating', direction: 'desc' | 'asc'): ReviewSortSpec {
  const col = Prisma.raw(`r.${column}`);
  return {
    keyOf: (r) => [r[field], r.createdAt.toISOString(), r.id],
    keyLength: 3,
    positionOf([value, at, id]) {
      // Both columns are PostgreSQL integers.
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1) throw notACursor();
      return { value, ...instantAndId(at, id) };
    },
    orderBy: direction === 'desc' ? Prisma.sql`${col} DESC, r.created_at DESC, r.id DESC` : Prisma.sql`${col} ASC, r.created_at DESC, r.id DESC`,
    // All descending: one row comparison, which the index serves. Mixed: the column, then the rest.
    after:
      direction === 'desc'
        ? Prisma.sql`(${col}, r.created_at, r.id) < (q.after_value, q.after_at, q.after_id)`
        : Prisma.sql`(${col} > q.after_value OR (${col} = q.after_value AND (r.created_at, r.id) < (q.after_at, q.after_id)))`,
  };
}

export const REVIEW_SORTS: Record<ReviewSortName, ReviewSortSpec> = {
  HELPFUL: byNumberThenNewest('helpfulCount', 'helpful_count', 'desc'),
  RECENT: {
    keyOf: (r) => [r.createdAt.toISOString(), r.id],
    keyLength: 2,
    positionOf: ([at, id]) => ({ value: null, ...instantAndId(at, id) }),
    orderBy: Prisma.sql`r.created_at DESC, r.id DESC`,
    after: Prisma.sql`(r.created_at, r.id) < (q.after_at, q.after_id)`,
  },
  RATING_HIGH: byNumberThenNewest('rating', 'rating', 'desc'),
  RATING_LOW: byNumberThenNewest('rating', 'rating', 'asc'),
};

/** Oldest first: the moderation queue works through reviews in the order they came. */
export const MODERATION_ORDER: Prisma.ReviewOrderByWithRelationInput[] = [{ createdAt: 'asc' }, { id: 'asc' }];
export const MODERATION_SORT = 'MODERATION';
