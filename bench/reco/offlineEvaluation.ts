// Offline evaluation, split by time: the recommenders learn from everything customers did
// before the cutoff and are scored on what each customer bought after it (products they had
// not bought before). precision@10 = hits / 10, recall@10 = hits / products bought after the
// cutoff, averaged over customers. The personal recommender is the one the refresh job runs
// (algorithms/personalised.ts with the production neighbour, content and trending inputs).
import { interactionWeight, itemNeighbours, DEFAULT_NEIGHBOUR_OPTIONS, type Neighbour } from '../../subgraphs/recommendation/src/algorithms/itemSimilarity.js';
import {
  contentNeighbourIndex,
  recommendForCustomer,
  DEFAULT_PERSONAL_OPTIONS,
  type HistoryEntry,
  type PersonalContext,
} from '../../subgraphs/recommendation/src/algorithms/personalised.js';
import { trendingScore, type DailyActivity } from '../../subgraphs/recommendation/src/algorithms/trendingScore.js';
import type { Dataset, Interaction } from './evaluationDataset.js';

const DAY_MS = 86_400_000;
export const K = 10;

export interface Metrics {
  precisionAt10: number;
  recallAt10: number;
  /** Standard errors of the two means, for telling a difference from noise. */
  precisionStdErr: number;
  recallStdErr: number;
  hits: number;
}

export interface EvaluationResult {
  customers: number;
  heldOutPurchases: number;
  trainEvents: number;
  models: Record<string, Metrics>;
}

interface Signals {
  views: number;
  cartAdds: number;
  purchases: number;
  at: number;
}

export function evaluate(dataset: Dataset): EvaluationResult {
  const train = dataset.events.filter((e) => e.at < dataset.cutoff);
  const test = dataset.events.filter((e) => e.at >= dataset.cutoff && e.kind === 'purchase');

  // What the recommendation tables would hold at the cutoff: per customer and product, and per product and day.
  const signals = new Map<string, Map<string, Signals>>();
  const daily = new Map<string, Map<number, DailyActivity>>();
  const cutoffDay = Math.floor(dataset.cutoff / DAY_MS);
  for (const e of train) {
    const row = signals.get(e.customer) ?? new Map<string, Signals>();
    signals.set(e.customer, row);
    const s = row.get(e.product) ?? { views: 0, cartAdds: 0, purchases: 0, at: 0 };
    row.set(e.product, s);
    bump(s, e);
    s.at = Math.max(s.at, e.at);
    const days = daily.get(e.product) ?? new Map<number, DailyActivity>();
    daily.set(e.product, days);
    const age = cutoffDay - Math.floor(e.at / DAY_MS);
    const d = days.get(age) ?? { ageDays: age, views: 0, cartAdds: 0, purchases: 0 };
    days.set(age, d);
    bump(d, e);
  }

  const trending = [...daily]
    .map(([productId, days]) => ({ productId, score: trendingScore([...days.values()]) }))
    .filter((t) => t.score > 0)
    .sort((a, b) => b.score - a.score || (a.productId < b.productId ? -1 : 1));
  const purchaseCounts = new Map<string, number>();
  for (const e of train) if (e.kind === 'purchase') purchaseCounts.set(e.product, (purchaseCounts.get(e.product) ?? 0) + 1);
  const popular = [...purchaseCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);

  const neighbours = itemNeighbours(
    [...signals].flatMap(([customerId, row]) => [...row].map(([productId, s]) => ({ customerId, productId, weight: interactionWeight(s) }))),
    DEFAULT_NEIGHBOUR_OPTIONS,
  );
  const factsById = new Map(dataset.facts.map((f) => [f.productId, f]));
  const ctx: PersonalContext = {
    facts: (id) => factsById.get(id),
    neighbours: (id): readonly Neighbour[] => neighbours.get(id) ?? [],
    contentNeighbours: contentNeighbourIndex(dataset.facts, trending),
    trending,
    now: dataset.cutoff,
  };

  const truth = new Map<string, Set<string>>();
  for (const e of test) {
    const bought = signals.get(e.customer);
    if (!bought) continue; // no history before the cutoff: a cold customer, not what this measures
    if ((bought.get(e.product)?.purchases ?? 0) > 0) continue; // bought again: not a discovery
    const set = truth.get(e.customer) ?? new Set<string>();
    set.add(e.product);
    truth.set(e.customer, set);
  }

  const models: Record<string, (customer: string, history: HistoryEntry[]) => string[]> = {
    'popularity baseline (best sellers before the cutoff)': (_c, history) => {
      const bought = new Set(history.filter((h) => h.purchased).map((h) => h.productId));
      return popular.filter((id) => !bought.has(id)).slice(0, K);
    },
    'trending (the cold-start path for everyone)': (_c, history) => {
      const bought = new Set(history.filter((h) => h.purchased).map((h) => h.productId));
      return trending.map((t) => t.productId).filter((id) => !bought.has(id)).slice(0, K);
    },
    'collaborative filtering only': (_c, history) => ids(recommendForCustomer(history, ctx, { ...DEFAULT_PERSONAL_OPTIONS, limit: K, cfWeight: 1 })),
    'content similarity only': (_c, history) => ids(recommendForCustomer(history, ctx, { ...DEFAULT_PERSONAL_OPTIONS, limit: K, cfWeight: 0 })),
    'personalised (production blend)': (_c, history) => ids(recommendForCustomer(history, ctx, { ...DEFAULT_PERSONAL_OPTIONS, limit: K })),
  };

  const results: Record<string, Metrics> = {};
  for (const [name, recommend] of Object.entries(models)) {
    const precisions: number[] = [];
    const recalls: number[] = [];
    let hits = 0;
    for (const [customer, bought] of truth) {
      const history = [...signals.get(customer)!].map(([productId, s]) => ({
        productId,
        purchased: s.purchases > 0,
        weight: interactionWeight(s),
        at: s.at,
      }));
      const recs = recommend(customer, history);
      const h = recs.filter((id) => bought.has(id)).length;
      hits += h;
      precisions.push(h / K);
      recalls.push(h / bought.size);
    }
    results[name] = { precisionAt10: mean(precisions), recallAt10: mean(recalls), precisionStdErr: stdErr(precisions), recallStdErr: stdErr(recalls), hits };
  }
  return {
    customers: truth.size,
    heldOutPurchases: [...truth.values()].reduce((n, s) => n + s.size, 0),
    trainEvents: train.length,
    models: results,
  };
}

function bump(s: { views: number; cartAdds: number; purchases: number }, e: Interaction): void {
  if (e.kind === 'view') s.views++;
  else if (e.kind === 'cart') s.cartAdds++;
  else s.purchases++;
}

const ids = (picks: { productId: string }[]) => picks.map((p) => p.productId);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
function stdErr(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) / xs.length);
}
