// A generated shop for the offline evaluation of recommendations: a catalogue with a
// category tree, brands, price bands and styles, and customers whose tastes are hidden from
// the recommenders (they only see what the customers viewed, put in carts and bought, as the
// recommendation subgraph does). Deterministic for a seed.
import type { CandidateFacts } from '../../subgraphs/recommendation/src/algorithms/personalised.js';
import { createRng, cumulative, pickCumulative, shuffle, type Rng } from '../../prisma/seed/random.js';

const DAY_MS = 86_400_000;

export interface DatasetOptions {
  products: number;
  customers: number;
  /** Length of the history; the last `testDays` of it are held out. */
  days: number;
  testDays: number;
  seed: number;
}

export const DEFAULT_DATASET: DatasetOptions = { products: 800, customers: 2000, days: 120, testDays: 30, seed: 2026 };

export interface Interaction {
  customer: string;
  product: string;
  kind: 'view' | 'cart' | 'purchase';
  at: number;
}

/** What a customer likes; the recommenders never see it. */
export interface HiddenTaste {
  leaves: number[];
  brands: number[];
  priceBand: number;
  style: string;
}

export interface Dataset {
  options: DatasetOptions;
  facts: CandidateFacts[];
  events: Interaction[];
  start: number;
  /** Events before this train the recommenders; purchases from it on are the held-out truth. */
  cutoff: number;
  end: number;
  tastes: Map<string, HiddenTaste>;
}

const ROOTS = 6;
const DEPARTMENTS_PER_ROOT = 3;
const LEAVES_PER_DEPARTMENT = 4;
const BRANDS_PER_ROOT = 6;
const STYLES = ['classic', 'minimal', 'bold', 'sporty'];
const MATERIALS = ['cotton', 'wool', 'leather', 'steel', 'glass'];

interface Product {
  id: string;
  leaf: number;
  brand: number;
  band: number;
  style: string;
  popularity: number;
}

export function generateDataset(options: DatasetOptions = DEFAULT_DATASET): Dataset {
  const rng = createRng(options.seed);
  const leaves = ROOTS * DEPARTMENTS_PER_ROOT * LEAVES_PER_DEPARTMENT;
  const rootOf = (leaf: number) => Math.floor(leaf / (DEPARTMENTS_PER_ROOT * LEAVES_PER_DEPARTMENT));
  const departmentOf = (leaf: number) => Math.floor(leaf / LEAVES_PER_DEPARTMENT);
  const leafBand = Array.from({ length: leaves }, () => rng.int(2, 7));

  // Popularity: Zipf over a random order, so best sellers are spread over the tree.
  const order = shuffle(rng, Uint32Array.from({ length: options.products }, (_, i) => i));
  const rankOf = new Uint32Array(options.products);
  order.forEach((product, rank) => (rankOf[product] = rank));
  const products: Product[] = Array.from({ length: options.products }, (_, i) => {
    const leaf = rng.int(0, leaves - 1);
    return {
      id: `p${String(i).padStart(5, '0')}`,
      leaf,
      brand: rootOf(leaf) * BRANDS_PER_ROOT + rng.int(0, BRANDS_PER_ROOT - 1),
      band: leafBand[leaf]! + rng.int(-1, 1),
      style: rng.pick(STYLES),
      popularity: 1 / Math.pow(rankOf[i]! + 1, 0.9),
    };
  });
  const facts: CandidateFacts[] = products.map((p) => ({
    productId: p.id,
    categoryIds: [`leaf-${p.leaf}`, `department-${departmentOf(p.leaf)}`, `root-${rootOf(p.leaf)}`],
    categoryNames: [`Leaf ${p.leaf}`, `Department ${departmentOf(p.leaf)}`, `Root ${rootOf(p.leaf)}`],
    brandId: `brand-${p.brand}`,
    priceBand: p.band,
    attributes: [`style=${p.style}`, `material=${rng.pick(MATERIALS)}`],
    active: true,
    inStock: true,
    consumable: false,
  }));
  const byLeaf = Array.from({ length: leaves }, (_, leaf) => products.filter((p) => p.leaf === leaf));
  const popularityCdf = cumulative(products.map((p) => p.popularity));

  const end = Date.parse('2026-11-01T00:00:00Z');
  const start = end - options.days * DAY_MS;
  const cutoff = end - options.testDays * DAY_MS;
  const events: Interaction[] = [];
  const tastes = new Map<string, HiddenTaste>();

  for (let c = 0; c < options.customers; c++) {
    const customer = `c${String(c).padStart(5, '0')}`;
    const root = rng.int(0, ROOTS - 1);
    const rootLeaves = Array.from({ length: DEPARTMENTS_PER_ROOT * LEAVES_PER_DEPARTMENT }, (_, k) => root * DEPARTMENTS_PER_ROOT * LEAVES_PER_DEPARTMENT + k);
    const favourite = rng.pick(rootLeaves);
    const second = rng.chance(0.3) ? rng.int(0, leaves - 1) : rng.pick(rootLeaves);
    const taste: HiddenTaste = {
      leaves: [favourite, second],
      brands: [root * BRANDS_PER_ROOT + rng.int(0, BRANDS_PER_ROOT - 1), root * BRANDS_PER_ROOT + rng.int(0, BRANDS_PER_ROOT - 1)],
      priceBand: leafBand[favourite]! + rng.int(-1, 1),
      style: rng.pick(STYLES),
    };
    tastes.set(customer, taste);
    const pick = (leaf?: number) => choose(rng, taste, leaf === undefined ? undefined : byLeaf[leaf]!, byLeaf, products, popularityCdf);

    const sessions = 1 + poisson(rng, 1 + rng.next() * 9);
    for (let s = 0; s < sessions; s++) {
      const at = start + Math.floor(rng.next() * options.days * DAY_MS);
      const intent: Product | undefined = pick();
      if (!intent) continue;
      const push = (product: Product, kind: Interaction['kind'], offset: number) => events.push({ customer, product: product.id, kind, at: at + offset });
      push(intent, 'view', 0);
      const alternatives = rng.int(1, 4);
      for (let k = 0; k < alternatives; k++) {
        const other: Product | undefined = rng.chance(0.6) ? pick(intent.leaf) : pick();
        if (other && other !== intent) push(other, 'view', 60_000 * (k + 1));
      }
      if (rng.chance(0.6)) {
        push(intent, 'cart', 600_000);
        if (rng.chance(0.75)) {
          push(intent, 'purchase', 900_000);
          // Sometimes something from another of their favourite corners goes in the same order.
          const companion: Product | undefined = rng.chance(0.25) ? pick(rng.pick(taste.leaves)) : undefined;
          if (companion && companion !== intent) push(companion, 'purchase', 900_000);
        }
      }
    }
  }
  events.sort((a, b) => a.at - b.at);
  return { options, facts, events, start, cutoff, end, tastes };
}

/** A product a customer goes for: mostly by taste (their categories, brands, price, style), sometimes whatever is popular. */
function choose(rng: Rng, taste: HiddenTaste, within: Product[] | undefined, byLeaf: Product[][], products: Product[], popularityCdf: Float64Array): Product | undefined {
  if (!within && rng.chance(0.3)) return products[pickCumulative(popularityCdf, rng.next())];
  const pool = within ?? byLeaf[rng.chance(0.65) ? taste.leaves[0]! : taste.leaves[1]!]!;
  if (pool.length === 0) return undefined;
  const weights = pool.map(
    (p) =>
      Math.sqrt(p.popularity) *
      (taste.brands.includes(p.brand) ? 4 : 1) *
      (p.band === taste.priceBand ? 2 : Math.abs(p.band - taste.priceBand) === 1 ? 1 : 0.3) *
      (p.style === taste.style ? 2 : 1),
  );
  return pool[pickCumulative(cumulative(weights), rng.next())];
}

function poisson(rng: Rng, mean: number): number {
  // Knuth: fine for small means.
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng.next(); p > limit; p *= rng.next()) k++;
  return k;
}
