import { Prisma, type PrismaClient } from '@shopgraph/kit';
import type { ReviewModel } from '../../models.js';
import { REVIEW_SORTS, type ReviewPosition, type ReviewSortName } from './reviewSorts.js';

/** One page of a product's approved reviews to read. */
export interface ReviewPageRequest {
  productId: string;
  sort: ReviewSortName;
  /** Only reviews with these stars; null for all. */
  stars: number | null;
  /** Strictly after this position of the order; null for the first page. */
  after: ReviewPosition | null;
  /** Rows to read: the page size and one more, which tells whether another page follows. */
  take: number;
}

/** A review row as the page query returns it, with where it belongs. */
type PageRow = ReviewModel & { page: number; position: number };

/**
 * Many pages, of any products, sorts, filters and positions, in one SQL statement. Requests
 * of one shape (sort, star filter or not, first page or not) become one LATERAL subquery
 * over their parameters passed as arrays, so each page is a scan of its product's partial
 * index (review_public_*_idx) that stops after `take` rows, and the statement's text depends
 * only on the shapes present; the shapes are joined by UNION ALL. One row list per request,
 * in request order.
 */
export async function readReviewPages(prisma: PrismaClient, requests: readonly ReviewPageRequest[]): Promise<ReviewModel[][]> {
  if (requests.length === 0) return [];
  const shapes = new Map<string, number[]>();
  for (const [i, r] of requests.entries()) {
    const shape = `${r.sort}:${r.stars !== null}:${r.after !== null}`;
    const members = shapes.get(shape);
    if (members) members.push(i);
    else shapes.set(shape, [i]);
  }
  const selects = [...shapes.values()].map((members) => shapeSelect(members, requests));
  const rows = await prisma.$queryRaw<PageRow[]>`${Prisma.join(selects, ' UNION ALL ')} ORDER BY page, position`;
  const pages = requests.map((): ReviewModel[] => []);
  for (const { page, position: _position, ...review } of rows) pages[page]!.push(review);
  return pages;
}

/** The subquery of one shape: `members` index `requests`, which all share its sort and filters. */
function shapeSelect(members: number[], requests: readonly ReviewPageRequest[]): Prisma.Sql {
  const first = requests[members[0]!]!;
  const sort = REVIEW_SORTS[first.sort];
  const of = <T>(pick: (r: ReviewPageRequest) => T) => members.map((i) => pick(requests[i]!));
  const conditions = [Prisma.sql`r.product_id = q.product_id`, Prisma.sql`r.status = 'APPROVED'`];
  if (first.stars !== null) conditions.push(Prisma.sql`r.rating = q.stars`);
  if (first.after !== null) conditions.push(sort.after);
  // Columns named as Prisma names the model's fields, so a row is a ReviewModel.
  return Prisma.sql`(SELECT q.page, p.position, p.id::text AS id, p.product_id::text AS "productId", p.customer_id AS "customerId",
      p.rating::int AS rating, p.title, p.body, p.status::text AS status, p.helpful_count AS "helpfulCount",
      p.moderation_note AS "moderationNote", p.moderated_by AS "moderatedBy", p.moderated_at AS "moderatedAt",
      p.first_approved_at AS "firstApprovedAt", p.created_at AS "createdAt", p.updated_at AS "updatedAt"
    FROM unnest(${members}::int[], ${of((r) => r.productId)}::uuid[], ${of((r) => r.take)}::int[], ${of((r) => r.stars)}::int[],
      ${of((r) => r.after?.value ?? null)}::int[], ${of((r) => r.after?.createdAt.toISOString() ?? null)}::timestamptz[], ${of((r) => r.after?.id ?? null)}::uuid[])
      AS q(page, product_id, take, stars, after_value, after_at, after_id)
    CROSS JOIN LATERAL (
      SELECT r.*, row_number() OVER (ORDER BY ${sort.orderBy})::int AS position FROM catalog.review r
      WHERE ${Prisma.join(conditions, ' AND ')}
      ORDER BY ${sort.orderBy} LIMIT q.take
    ) p)`;
}
