import { cachedChildrenLoader, cachedRowLoader, cachedValueLoader, isUuid, ResponseTag, type Prisma, type PrismaClient, type ResponseTags } from '@shopgraph/kit';
import type { CatalogCaches, ListingPage } from './caches.js';
import type { BrandModel, CategoryModel } from './models.js';

/** One page of a product listing to read: its cache key and the query that answers it. */
export interface ListingQuery {
  /** Canonical text of filter, sort, page size and position: equal queries share an entry. */
  key: string;
  where: Prisma.ProductWhereInput;
  orderBy: Prisma.ProductOrderByWithRelationInput[];
  take: number;
}

/** A count of sellable products matching a filter. */
export interface CountQuery {
  key: string;
  where: Prisma.ProductWhereInput;
}

const ROOTS = 'root';
const ALL = 'all';

/**
 * The catalog's per-request loaders, every one through the cache path (DataLoader -> L1 ->
 * Redis -> one SQL query per batch). Rows by id are invalidated one by one by writes;
 * lookups by slug and path, the tree and listings sit under generations a write bumps.
 */
export function createCatalogLoaders(prisma: PrismaClient, caches: CatalogCaches, sink: ResponseTags) {
  const byUuid = { isValidKey: isUuid };
  const tree = { generation: caches.generations.tree };
  const listing = { generation: caches.generations.listing };
  /** Response tags: what each loader read, product-grained (see ResponseTag). */
  const ofProduct = { sink, of: (row: { productId: string }) => ResponseTag.product(row.productId) };
  const ofTree = { sink, of: () => ResponseTag.categoryTree };
  const ofListing = { sink, of: () => ResponseTag.productList };

  const productById = cachedRowLoader(caches.product, (ids) => prisma.product.findMany({ where: { id: { in: ids } } }), (p) => p.id, {
    ...byUuid,
    tags: { sink, of: (p) => ResponseTag.product(p.id) },
  });
  const productIdBySlug = cachedRowLoader(
    caches.productIdBySlug,
    (slugs) => prisma.product.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } }),
    (p) => p.slug,
  );
  const categoryIdByPath = cachedRowLoader(
    caches.categoryIdByPath,
    (paths) => prisma.category.findMany({ where: { path: { in: paths } }, select: { id: true, path: true } }),
    (c) => c.path,
    { ...tree, tags: ofTree },
  );
  const categoryById = cachedRowLoader(caches.category, (ids) => prisma.category.findMany({ where: { id: { in: ids } } }), (c) => c.id, {
    ...byUuid,
    tags: { sink, of: (c) => ResponseTag.category(c.id) },
  });

  return {
    productById,
    /** Slug -> id (cached), then the row through productById. */
    productBySlug: {
      async load(slug: string) {
        const ref = await productIdBySlug.load(slug);
        return ref ? productById.load(ref.id) : null;
      },
    },
    variantById: cachedRowLoader(caches.variant, (ids) => prisma.productVariant.findMany({ where: { id: { in: ids } } }), (v) => v.id, { ...byUuid, tags: ofProduct }),
    variantsByProductId: cachedChildrenLoader(
      caches.variantsOfProduct,
      (ids) => prisma.productVariant.findMany({ where: { productId: { in: ids } }, orderBy: [{ productId: 'asc' }, { position: 'asc' }] }),
      (v) => v.productId,
      { ...byUuid, tags: ofProduct },
    ),
    imagesByProductId: cachedChildrenLoader(
      caches.imagesOfProduct,
      (ids) =>
        prisma.productImage.findMany({
          where: { productId: { in: ids } },
          include: { renditions: true },
          orderBy: [{ productId: 'asc' }, { position: 'asc' }, { id: 'asc' }],
        }),
      (i) => i.productId,
      { ...byUuid, tags: ofProduct },
    ),
    /** A product's base price changes, oldest first (the price timeline and priceHistory read them). */
    priceChangesByProductId: cachedChildrenLoader(
      caches.priceChangesOfProduct,
      (ids) => prisma.priceChange.findMany({ where: { productId: { in: ids } }, orderBy: [{ productId: 'asc' }, { effectiveAt: 'asc' }, { id: 'asc' }] }),
      (c) => c.productId,
      { ...byUuid, tags: ofProduct },
    ),
    /** A product's scheduled prices, past ones included (lowestPrice looks back), by start. */
    scheduledPricesByProductId: cachedChildrenLoader(
      caches.scheduledPricesOfProduct,
      (ids) => prisma.scheduledPrice.findMany({ where: { productId: { in: ids } }, orderBy: [{ productId: 'asc' }, { startsAt: 'asc' }] }),
      (w) => w.productId,
      { ...byUuid, tags: ofProduct },
    ),
    categoryById,
    categoryByPath: {
      async load(path: string): Promise<CategoryModel | null> {
        const ref = await categoryIdByPath.load(path);
        return ref ? categoryById.load(ref.id) : null;
      },
    },
    /** Children of a category, or the roots under the key "root". */
    categoriesByParentId: cachedChildrenLoader<CategoryModel>(
      caches.categoryChildren,
      (ids) => {
        const parents = ids.filter(isUuid);
        const roots = ids.includes(ROOTS);
        return prisma.category.findMany({
          where: { OR: [...(parents.length > 0 ? [{ parentId: { in: parents } }] : []), ...(roots ? [{ parentId: null }] : [])] },
          orderBy: [{ position: 'asc' }, { name: 'asc' }],
        });
      },
      (c) => c.parentId ?? ROOTS,
      { ...tree, isValidKey: (key) => key === ROOTS || isUuid(key), tags: ofTree },
    ),
    /** Ids of a category and all its descendants: one indexed prefix scan on the materialised path. */
    categorySubtree: cachedValueLoader<CategoryModel, string[]>(
      caches.categorySubtree,
      (c) => c.id,
      (categories) =>
        Promise.all(
          categories.map(async (c) => {
            const descendants = await prisma.category.findMany({ where: { path: { startsWith: `${c.path}/` } }, select: { id: true } });
            return [c.id, ...descendants.map((d) => d.id)];
          }),
        ),
      { ...tree, tags: ofTree },
    ),
    brandById: cachedRowLoader(caches.brand, (ids) => prisma.brand.findMany({ where: { id: { in: ids } } }), (b) => b.id, {
      ...byUuid,
      tags: { sink, of: (b) => ResponseTag.brand(b.id) },
    }),
    allBrands: cachedValueLoader<typeof ALL, BrandModel[]>(caches.brandList, () => ALL, async () => [await prisma.brand.findMany({ orderBy: { name: 'asc' } })], {
      ...tree,
      tags: { sink, of: () => ResponseTag.brandList },
    }),
    /**
     * Ids of a listing page. A miss reads whole rows in its one query and hands them to
     * productById and the product cache, so a listing costs that one query cold and none warm.
     */
    listingPage: cachedValueLoader<ListingQuery, ListingPage>(
      caches.listingPage,
      (q) => q.key,
      (queries) =>
        Promise.all(
          queries.map(async (q) => {
            const readStartedAt = caches.product.clock();
            const rows = await prisma.product.findMany({ where: q.where, orderBy: q.orderBy, take: q.take });
            for (const row of rows) {
              productById.prime(row.id, row); // primed rows skip productById's batch, so tag them here
              sink.add(ResponseTag.product(row.id));
            }
            await caches.product.prime(new Map(rows.map((row) => [row.id, row])), readStartedAt);
            return { ids: rows.map((r) => r.id) };
          }),
        ),
      { ...listing, tags: ofListing },
    ),
    listingCount: cachedValueLoader<CountQuery, number>(
      caches.listingCount,
      (q) => q.key,
      (queries) => Promise.all(queries.map((q) => prisma.product.count({ where: q.where }))),
      { ...listing, tags: ofListing },
    ),
  };
}

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
export { ROOTS as ROOT_CATEGORIES, ALL as ALL_BRANDS };
