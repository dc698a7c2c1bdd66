// The refresh job's set-based work, in SQL: association rules for a batch of anchor
// products, and the trending scores. The arithmetic is algorithms/associationRules.ts and
// algorithms/trendingScore.ts to the letter (the integration tests compare them).
import type { Prisma } from '@shopgraph/kit';
import {
  RATING_PRIOR_COUNT,
  RATING_PRIOR_MEAN,
  RATING_WEIGHT,
  TRENDING_HALF_LIFE_DAYS,
  TRENDING_WEIGHTS,
  TRENDING_WINDOW_DAYS,
} from '../../algorithms/trendingScore.js';
import type { RuleOptions } from '../../algorithms/associationRules.js';

export type Tx = Prisma.TransactionClient;

/** Also-bought mines customers' purchases over the window; bundles mine single orders. */
export const RULE_TABLES = {
  alsoBought: { table: 'reco.also_bought', basket: 'customer_id' },
  boughtTogether: { table: 'reco.bought_together', basket: 'order_id' },
} as const;
export type RuleKind = keyof typeof RULE_TABLES;

/** N of the rules: baskets (customers, or orders) with a purchase since `since`. Counted once per refresh run. */
export async function countBaskets(db: Pick<Tx, '$queryRawUnsafe'>, kind: RuleKind, since: Date): Promise<number> {
  const [row] = await db.$queryRawUnsafe<[{ n: number }]>(
    `SELECT count(DISTINCT ${RULE_TABLES[kind].basket})::int AS n FROM reco.purchase WHERE purchased_at > $1`,
    since,
  );
  return row.n;
}

/**
 * Replaces the rules of `anchors` with ones mined from purchases since `since`, over `baskets`
 * baskets in all (countBaskets). Every count covers the whole window, so an anchor's rules do
 * not depend on which batch it is in; each is read through an index (the anchors' baskets, the
 * products in them, those products' basket counts), never by scanning the window. Returns the rules written.
 */
export async function mineRules(tx: Tx, kind: RuleKind, anchors: readonly string[], since: Date, baskets: number, options: RuleOptions): Promise<number> {
  const { table, basket } = RULE_TABLES[kind];
  await tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE product_id = ANY($1::uuid[])`, anchors);
  return tx.$executeRawUnsafe(
    `WITH anchor AS (
       SELECT DISTINCT ${basket} AS b, product_id AS x FROM reco.purchase WHERE product_id = ANY($1::uuid[]) AND purchased_at > $2
     ),
     pair AS (
       SELECT a.x, p.product_id AS y, count(DISTINCT a.b) AS cxy
       FROM anchor a JOIN reco.purchase p ON p.${basket} = a.b AND p.purchased_at > $2 AND p.product_id <> a.x
       GROUP BY a.x, p.product_id HAVING count(DISTINCT a.b) >= $3
     ),
     item AS (
       SELECT product_id AS p, count(DISTINCT ${basket}) AS c FROM reco.purchase
       WHERE product_id IN (SELECT x FROM pair UNION SELECT y FROM pair) AND purchased_at > $2 GROUP BY product_id
     ),
     rule AS (
       SELECT pair.x, pair.y, pair.cxy,
              pair.cxy::float8 / ix.c AS confidence,
              (pair.cxy * $5::bigint)::float8 / (ix.c * iy.c) AS lift,
              pair.cxy::float8 / ix.c - iy.c::float8 / $5::bigint AS score
       FROM pair JOIN item ix ON ix.p = pair.x JOIN item iy ON iy.p = pair.y
       WHERE pair.cxy * $5::bigint > ix.c * iy.c
     ),
     ranked AS (SELECT rule.*, row_number() OVER (PARTITION BY x ORDER BY score DESC, confidence DESC, y) AS rank FROM rule)
     INSERT INTO ${table} (product_id, other_product_id, support, confidence, lift, score, rank)
     SELECT x, y, cxy, confidence, lift, score, rank FROM ranked WHERE rank <= $4`,
    anchors,
    since,
    options.minSupport,
    options.limit,
    baskets,
  );
}

/**
 * Every product's trending score as of `today` (a UTC date, "2026-11-25"): decayed weighted
 * activity over the window times the Bayesian rating factor. Replaces the whole table.
 */
export async function recomputeTrending(tx: Tx, today: string, computedAt: Date): Promise<number> {
  await tx.$executeRawUnsafe('DELETE FROM reco.trending_score');
  const w = TRENDING_WEIGHTS;
  return tx.$executeRawUnsafe(
    `INSERT INTO reco.trending_score (product_id, score, computed_at)
     SELECT s.product_id,
            sum((s.views * ${w.views} + s.cart_adds * ${w.cartAdds} + s.good_reviews * ${w.goodReviews} + s.purchases * ${w.purchases})
                * power(0.5, ($1::date - s.day) / ${TRENDING_HALF_LIFE_DAYS}::float8))
            * (1 + ${RATING_WEIGHT} * ((coalesce(f.rating, 0)::float8 * coalesce(f.rating_count, 0) + ${RATING_PRIOR_MEAN * RATING_PRIOR_COUNT})
                / (coalesce(f.rating_count, 0) + ${RATING_PRIOR_COUNT}) - ${RATING_PRIOR_MEAN}) / 2),
            $2
     FROM reco.product_daily_signal s LEFT JOIN reco.product_facts f ON f.product_id = s.product_id
     WHERE s.day > $1::date - ${TRENDING_WINDOW_DAYS} AND s.day <= $1::date
     GROUP BY s.product_id, f.rating, f.rating_count
     HAVING sum(s.views + s.cart_adds + s.good_reviews + s.purchases) > 0`,
    today,
    computedAt,
  );
}

/** Marks products or customers as needing a recompute (a later change re-marks with a newer sequence). */
export async function enqueueRefresh(tx: Pick<Tx, '$executeRawUnsafe'>, kind: 'product' | 'customer', keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO reco.refresh_queue (kind, key) SELECT $1, k FROM unnest($2::uuid[]) AS k
     ON CONFLICT (kind, key) DO UPDATE SET sequence = nextval(pg_get_serial_sequence('reco.refresh_queue', 'sequence')), queued_at = now()`,
    kind,
    [...new Set(keys)],
  );
}
