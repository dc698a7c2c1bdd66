import {
  InputError,
  NotFoundError,
  decodeCursor,
  isUuid,
  parseFirst,
  toConnection,
  type Connection,
  type FieldError,
  type Prisma,
} from '@shopgraph/kit';
import { ALL_BRANDS, ROOT_CATEGORIES, type CatalogLoaders } from '../loaders.js';
import type { BrandModel, CategoryModel, ProductModel } from '../models.js';
import { PRODUCT_SORTS, type ProductSortName } from './productSorts.js';

/** What a catalog read needs from the request: its loaders (batching, and later the cache path). */
export interface CatalogReadContext {
  loaders: CatalogLoaders;
}

export interface ProductFilterInput {
  category?: string | null;
  brand?: string | null;
  priceMin?: string | null;
  priceMax?: string | null;
  inStock?: boolean | null;
}

export interface ProductListInput {
  filter?: ProductFilterInput | null;
  sort?: ProductSortName | null;
  first?: number | null;
  after?: string | null;
}

const PRICE = /^\d{1,10}(\.\d{1,2})?$/;

/** Storefront catalog reads: product pages, listings and the category tree. */
export class CatalogService {
  async productByIdOrSlug(ctx: CatalogReadContext, id?: string | null, slug?: string | null): Promise<ProductModel> {
    if ((id == null) === (slug == null)) throw InputError.of('id', 'give exactly one of id and slug');
    let product: ProductModel | null;
    if (id != null) {
      if (!isUuid(id)) throw InputError.of('id', 'is not a product id');
      product = await ctx.loaders.productById.load(id);
    } else {
      product = await ctx.loaders.productBySlug.load(slug!);
    }
    // Drafts are not published yet: to a shopper they do not exist.
    if (!product || product.status === 'DRAFT') {
      throw id != null ? new NotFoundError('Product', 'id', id) : new NotFoundError('Product', 'slug', slug!);
    }
    return product;
  }

  async categoryByIdOrPath(ctx: CatalogReadContext, id?: string | null, path?: string | null): Promise<CategoryModel> {
    if ((id == null) === (path == null)) throw InputError.of('id', 'give exactly one of id and path');
    if (id != null && !isUuid(id)) throw InputError.of('id', 'is not a category id');
    const category = id != null ? await ctx.loaders.categoryById.load(id) : await ctx.loaders.categoryByPath.load(path!);
    if (!category) throw id != null ? new NotFoundError('Category', 'id', id) : new NotFoundError('Category', 'path', path!);
    return category;
  }

  rootCategories(ctx: CatalogReadContext): Promise<CategoryModel[]> {
    return ctx.loaders.categoriesByParentId.load(ROOT_CATEGORIES);
  }

  brands(ctx: CatalogReadContext): Promise<BrandModel[]> {
    return ctx.loaders.allBrands.load(ALL_BRANDS);
  }

  /** Breadcrumbs: from the root down to the parent, following parent links through the loader. */
  async ancestors(ctx: CatalogReadContext, category: CategoryModel): Promise<CategoryModel[]> {
    const chain: CategoryModel[] = [];
    let parentId = category.parentId;
    while (parentId) {
      const parent = await ctx.loaders.categoryById.load(parentId);
      if (!parent) break;
      chain.unshift(parent);
      parentId = parent.parentId;
    }
    return chain;
  }

  /**
   * Sellable products as a keyset-paginated connection. Input is checked before any SQL
   * runs; the page's ids and the count are cached under the listing generation.
   */
  async listProducts(ctx: CatalogReadContext, input: ProductListInput): Promise<Connection<ProductModel>> {
    const sortName = input.sort ?? 'NEWEST';
    const sort = PRODUCT_SORTS[sortName];
    const first = parseFirst(input.first);
    const afterKey = input.after != null ? decodeCursor(input.after, sortName, 2) : null;
    const afterWhere = afterKey ? sort.after(afterKey) : undefined;
    const filter = input.filter ?? {};
    const where = await this.productWhere(ctx, filter);
    const filterKey = JSON.stringify([filter.category ?? null, filter.brand ?? null, filter.priceMin ?? null, filter.priceMax ?? null, filter.inStock ?? null]);

    const page = await ctx.loaders.listingPage.load({
      key: JSON.stringify([filterKey, sortName, first, afterKey]),
      where: afterWhere ? { AND: [where, afterWhere] } : where,
      orderBy: sort.orderBy,
      take: first + 1,
    });
    const rows = (await ctx.loaders.productById.loadMany(page.ids)).filter((row): row is ProductModel => row != null && !(row instanceof Error));
    return toConnection(rows, { first, after: afterKey }, sortName, (row) => sort.keyOf(row), () => ctx.loaders.listingCount.load({ key: filterKey, where }));
  }

  private async productWhere(ctx: CatalogReadContext, filter: ProductFilterInput): Promise<Prisma.ProductWhereInput> {
    const errors: FieldError[] = [];
    const { category, brand, priceMin, priceMax, inStock } = filter;
    if (category != null && !isUuid(category)) errors.push({ field: 'filter.category', message: 'is not a category id' });
    if (brand != null && !isUuid(brand)) errors.push({ field: 'filter.brand', message: 'is not a brand id' });
    if (priceMin != null && !PRICE.test(priceMin)) errors.push({ field: 'filter.priceMin', message: 'must be a non-negative amount with at most 2 decimals' });
    if (priceMax != null && !PRICE.test(priceMax)) errors.push({ field: 'filter.priceMax', message: 'must be a non-negative amount with at most 2 decimals' });
    if (errors.length === 0 && priceMin != null && priceMax != null && Number(priceMin) > Number(priceMax)) {
      errors.push({ field: 'filter.priceMax', message: 'must not be below priceMin' });
    }
    if (errors.length > 0) throw new InputError(errors);

    const where: Prisma.ProductWhereInput = { status: 'ACTIVE' };
    if (category != null) where.categoryId = { in: await this.subtreeIds(ctx, category) };
    if (brand != null) {
      if (!(await ctx.loaders.brandById.load(brand))) throw new NotFoundError('Brand', 'filter.brand', brand);
      where.brandId = brand;
    }
    // The price in effect now (scheduled prices included), kept at window boundaries by PriceBoundaryService.
    if (priceMin != null || priceMax != null) {
      where.effectiveMinPrice = { ...(priceMin != null && { gte: priceMin }), ...(priceMax != null && { lte: priceMax }) };
    }
    if (inStock != null) where.inStock = inStock;
    return where;
  }

  /** The category and all its descendants (cached under the tree generation). */
  private async subtreeIds(ctx: CatalogReadContext, categoryId: string): Promise<string[]> {
    const category = await ctx.loaders.categoryById.load(categoryId);
    if (!category) throw new NotFoundError('Category', 'filter.category', categoryId);
    return ctx.loaders.categorySubtree.load(category);
  }
}
