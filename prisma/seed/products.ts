// Products with their variants, images, inventory items and stock levels, generated and
// written in streaming chunks. Only a compact CatalogIndex is kept, for the order history.
import { BufferGroup, type InsertQueue } from './bulkInsert.js';
import {
  ACTIVE,
  ARCHIVED,
  DRAFT,
  STATUS,
  createCatalogIndex,
  productSku,
  variantSku,
  type CatalogIndex,
} from './catalogIndex.js';
import { formatCents, retailPrice, type PriceEnding } from './money.js';
import { productCopy } from './productCopy.js';
import { cumulative, pickCumulative, pickSome, type Rng } from './random.js';
import type { Leaf, ReferenceData } from './referenceData.js';
import { slugify } from './slug.js';
import { TABLES } from './tables.js';
import type { OptionAxis } from './taxonomy.js';

export const MAX_VARIANTS = 12;
const DAY_MS = 86_400_000;
const CATALOG_AGE_DAYS = 730;

export interface ProductCounts {
  products: number;
  variants: number;
  images: number;
  inventoryItems: number;
  stockLevels: number;
  outOfStockProducts: number;
}

const IMAGE_VIEWS = ['front view', 'back view', 'detail', 'styled'];

export async function writeProducts(
  rng: Rng,
  reference: ReferenceData,
  queue: InsertQueue,
  options: { products: number; now: number; onProgress: (done: number) => void },
): Promise<{ index: CatalogIndex; counts: ProductCounts }> {
  const n = options.products;
  const index = createCatalogIndex(n);
  const group = new BufferGroup(queue);
  const products = group.add(TABLES.product);
  const variants = group.add(TABLES.variant);
  const images = group.add(TABLES.image);
  const items = group.add(TABLES.inventoryItem);
  const stock = group.add(TABLES.stockLevel);

  const leafCumulative = cumulative(reference.leaves.map((l) => l.weight));
  let outOfStockProducts = 0;

  for (let i = 0; i < n; i++) {
    const id = rng.uuid();
    const leafIndex = pickCumulative(leafCumulative, rng.next());
    const leaf = reference.leaves[leafIndex] as Leaf;
    const brandIndex = rng.pick(leaf.brandIndexes);
    const brand = reference.brands[brandIndex]!;
    const copy = productCopy(rng, leaf.family, leaf.department, leaf.def, brand.name);
    const sku = productSku(i);
    const r = rng.next();
    const status = r < 0.03 ? DRAFT : r < 0.05 ? ARCHIVED : ACTIVE;
    const createdAtMs = Math.round(options.now - rng.next() * CATALOG_AGE_DAYS * DAY_MS);
    const createdAt = new Date(createdAtMs).toISOString();

    const combos = variantCombos(rng, leaf.def.axes);
    const prices = variantPrices(rng, leaf, combos);
    // ~5% of products are sold out everywhere; otherwise ~3% of variants are.
    const soldOut = rng.chance(0.05);
    const start = index.variants.length;
    let minPrice = Infinity;
    let maxPrice = 0;
    let productInStock = false;
    for (let v = 0; v < combos.length; v++) {
      const combo = combos[v]!;
      const variantId = rng.uuid();
      const vSku = variantSku(i, v);
      const price = prices[v]!;
      const [amsterdam, newYork] = stockFor(rng, soldOut || rng.chance(0.03));
      const inStock = amsterdam + newYork > 0;
      productInStock ||= inStock;
      minPrice = Math.min(minPrice, price);
      maxPrice = Math.max(maxPrice, price);
      variants.push(
        variantId,
        id,
        vSku,
        combo.name,
        combo.options,
        formatCents(price),
        'USD',
        v,
        inStock,
        createdAt,
        createdAt,
      );
      items.push(vSku, variantId, id, createdAt);
      stock.push(vSku, reference.warehouses[0]!.id, amsterdam, 0, 5, false, 1);
      stock.push(vSku, reference.warehouses[1]!.id, newYork, 0, 5, false, 1);
      index.variants.add(variantId, combo.name, price);
    }
    if (!productInStock) outOfStockProducts++;

    products.push(
      id,
      sku,
      `${slugify(copy.name)}-${sku.slice(3)}`,
      copy.name,
      copy.description,
      brand.id,
      leaf.id,
      STATUS[status],
      JSON.stringify(copy.attributes),
      'USD',
      formatCents(minPrice),
      formatCents(maxPrice),
      productInStock,
      createdAt,
      createdAt,
    );
    const imageCount = rng.int(1, 4);
    for (let position = 0; position < imageCount; position++) {
      const alt = `${copy.name}, ${IMAGE_VIEWS[position]}`;
      images.push(rng.uuid(), id, `/media/products/${id}/${position}.webp`, alt, 1200, 1500, position);
    }

    index.ids.push(id);
    index.names[i] = copy.name;
    index.status[i] = status;
    index.createdAt[i] = createdAtMs;
    index.leaf[i] = leafIndex;
    index.brand[i] = brandIndex;
    index.root[i] = leaf.rootIndex;
    index.variantStart[i] = start;
    index.variantCount[i] = combos.length;

    if (i % 256 === 255) {
      await group.flushIfFull();
      options.onProgress(i + 1);
    }
  }
  await group.flush();
  options.onProgress(n);

  return {
    index,
    counts: {
      products: products.written,
      variants: variants.written,
      images: images.written,
      inventoryItems: items.written,
      stockLevels: stock.written,
      outOfStockProducts,
    },
  };
}

interface Combo {
  name: string;
  /** JSON text for the options column. */
  options: string;
  /** Position of each chosen value along its axis within this product, for price steps. */
  steps: number[];
  values: string[];
}

/** Cartesian product of a few values per axis, capped at MAX_VARIANTS. */
function variantCombos(rng: Rng, axes: readonly OptionAxis[]): Combo[] {
  let partial: { values: string[]; steps: number[] }[] = [{ values: [], steps: [] }];
  for (const axis of axes) {
    const chosen = pickSome(rng, axis.values, rng.int(axis.count[0], axis.count[1]), axis.ordered);
    partial = partial.flatMap((p) =>
      chosen.map((value, step) => ({ values: [...p.values, value], steps: [...p.steps, step] })),
    );
  }
  return partial.slice(0, MAX_VARIANTS).map(({ values, steps }) => {
    const options: Record<string, string> = {};
    axes.forEach((axis, i) => (options[axis.key] = values[i]!));
    return {
      name: values.length > 0 ? values.join(' / ') : 'Default',
      options: JSON.stringify(options),
      steps,
      values,
    };
  });
}

const ENDINGS: readonly PriceEnding[] = [99, 99, 99, 99, 99, 99, 99, 0, 0, 50];

/** Log-uniform base price in the leaf's band; larger sizes/capacities step up; sometimes one colour is on sale. */
function variantPrices(rng: Rng, leaf: Leaf, combos: readonly Combo[]): number[] {
  const [low, high] = leaf.def.price;
  const ending = rng.pick(ENDINGS);
  const raw = Math.exp(Math.log(low * 100) + rng.next() * (Math.log(high * 100) - Math.log(low * 100)));
  const base = Math.max(retailPrice(raw, ending), Math.round(low * 100));
  const colourAxis = leaf.def.axes.findIndex((a) => a.key === 'colour');
  const saleColour = colourAxis >= 0 && rng.chance(0.12) ? combos[combos.length - 1]?.values[colourAxis] : undefined;
  return combos.map((combo) => {
    let factor = 1;
    leaf.def.axes.forEach((axis, a) => (factor += axis.step * (combo.steps[a] ?? 0)));
    if (saleColour !== undefined && combo.values[colourAxis] === saleColour) factor *= 0.8;
    return factor === 1 ? base : retailPrice(base * factor, ending);
  });
}

/** on_hand per warehouse [Amsterdam, New York]; an in-stock variant has stock in at least one. */
function stockFor(rng: Rng, soldOut: boolean): [number, number] {
  if (soldOut) return [0, 0];
  const amsterdam = rng.chance(0.2) ? 0 : rng.int(1, 200);
  const newYork = rng.chance(0.2) ? 0 : rng.int(1, 200);
  if (amsterdam + newYork > 0) return [amsterdam, newYork];
  return rng.chance(0.5) ? [rng.int(1, 200), 0] : [0, rng.int(1, 200)];
}
