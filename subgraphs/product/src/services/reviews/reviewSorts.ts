import { InputError, isUuid, type Prisma } from '@shopgraph/kit';
import type { ReviewModel } from '../../models.js';

export type ReviewSortName = 'HELPFUL' | 'RECENT' | 'RATING_HIGH' | 'RATING_LOW';

/**
 * A review order for keyset pagination: the ORDER BY, the key a cursor stores (ending with
 * the id tie-breaker, so equal counts and instants still page stably) and the WHERE that
 * starts strictly after a key. Every order breaks ties newest first.
 */
interface ReviewSortSpec {
  orderBy: Prisma.ReviewOrderByWithRelationInput[];
  keyOf(row: ReviewModel): Array<string | number>;
  keyLength: number;
  after(key: readonly unknown[]): Prisma.ReviewWhereInput;
}

const notACursor = () => InputError.of('after', 'is not a cursor returned by this connection');

function instantAndId(at: unknown, id: unknown): { createdAt: Date; id: string } {
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !isUuid(id)) throw notACursor();
  return { createdAt: new Date(at), id };
}

/** Strictly after (createdAt, id) in newest-first order. */
const olderThan = (k: { createdAt: Date; id: string }): Prisma.ReviewWhereInput[] => [{ createdAt: { lt: k.createdAt } }, { createdAt: k.createdAt, id: { lt: k.id } }];

/** A leading integer column (helpful count or stars), then newest first. */
function byNumberThenNewest(field: 'helpfulCount' | 'rating', direction: 'asc' | 'desc'): ReviewSortSpec {
  return {
    orderBy: [{ [field]: direction }, { createdAt: 'desc' }, { id: 'desc' }],
    keyOf: (r) => [r[field], r.createdAt.toISOString(), r.id],
    keyLength: 3,
    after([value, at, id]) {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw notACursor();
      const rest = instantAndId(at, id);
      return { OR: [{ [field]: direction === 'desc' ? { lt: value } : { gt: value } }, ...olderThan(rest).map((w) => ({ [field]: value, ...w }))] };
    },
  };
}

export const REVIEW_SORTS: Record<ReviewSortName, ReviewSortSpec> = {
  HELPFUL: byNumberThenNewest('helpfulCount', 'desc'),
  RECENT: {
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    keyOf: (r) => [r.createdAt.toISOString(), r.id],
    keyLength: 2,
    after: ([at, id]) => ({ OR: olderThan(instantAndId(at, id)) }),
  },
  RATING_HIGH: byNumberThenNewest('rating', 'desc'),
  RATING_LOW: byNumberThenNewest('rating', 'asc'),
};

/** Oldest first: the moderation queue works through reviews in the order they came. */
export const MODERATION_ORDER: Prisma.ReviewOrderByWithRelationInput[] = [{ createdAt: 'asc' }, { id: 'asc' }];
export const MODERATION_SORT = 'MODERATION';
