import {
  DomainError,
  ErrorCode,
  InputError,
  NotFoundError,
  Prisma,
  recordEvents,
  type NewEvent,
  type PrismaClient,
} from '@shopgraph/kit';
import type { z } from 'zod';
import type { CatalogCaches } from '../caches.js';
import type { BrandModel, CategoryModel, ProductModel, VariantModel } from '../models.js';
import {
  createBrandInput,
  createCategoryInput,
  createProductInput,
  line,
  parseId,
  parseInput,
  slug as slugRule,
  updateProductInput,
  updateVariantInput,
  variantInput,
} from './adminInput.js';
import { eventMeta, type ChangeActor } from './pricingService.js';
import { assertMayChange, assertMayChangeProduct, assertShopActor } from './productOwnership.js';
import { refreshPriceRange } from './priceBoundaries.js';
import { productChangedEvents, type ProductChangeKind } from './productSnapshot.js';

type Tx = Prisma.TransactionClient;
type CatalogEvent = NewEvent<'catalog'>;

/** Everything a write must evict once it has committed. */
interface Touched {
  productIds: Set<string>;
  variantIds: Set<string>;
  slugs: Set<string>;
  categoryIds: Set<string>;
  brandIds: Set<string>;
  tree: boolean;
}

/** One transaction-scoped lock serialises changes of the category tree (moves must not race into a cycle). */
const TREE_LOCK = 7_265_100;

/**
 * Catalog administration. Each method validates its whole input first (InputError: nothing
 * is read or written), then changes the rows, the price history and the outbox in one
 * transaction, then evicts what it touched from every cache (read-your-writes on every
 * instance). Events: product.changed with the product's snapshot for every product whose
 * facts changed; category.changed / brand.changed for the taxonomy.
 */
export class CatalogAdminService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly caches: CatalogCaches,
  ) {}

  // ---------------------------------------------------------------- products

  async createProduct(actor: ChangeActor, raw: unknown): Promise<ProductModel> {
    const input = parseInput(createProductInput, raw, 'input');
    const variantSkus = input.variants.map((v) => v.sku);
    const duplicate = variantSkus.findIndex((s, i) => variantSkus.indexOf(s) !== i);
    if (duplicate >= 0) throw InputError.of(`input.variants.${duplicate}.sku`, 'is given twice');
    return this.write(actor, async (tx, touched) => {
      await this.requireBrand(tx, input.brandId, 'input.brandId');
      await this.requireCategory(tx, input.categoryId, 'input.categoryId');
      await this.requireFree(tx, { productSku: input.sku, field: 'input.sku' });
      await this.requireFree(tx, { slug: input.slug, field: 'input.slug' });
      for (const [i, v] of input.variants.entries()) await this.requireFree(tx, { variantSku: v.sku, field: `input.variants.${i}.sku` });
      const prices = input.variants.map((v) => new Prisma.Decimal(v.price));
      const product = await tx.product.create({
        data: {
          sku: input.sku,
          slug: input.slug,
          name: input.name,
          description: input.description ?? '',
          brandId: input.brandId,
          categoryId: input.categoryId,
          currency: input.currency,
          attributes: input.attributes ?? {},
          minPrice: Prisma.Decimal.min(...prices),
          maxPrice: Prisma.Decimal.max(...prices),
          // A seller's product is theirs for good; an admin's is the shop's own.
          sellerId: actor.sellerId ?? null,
        },
      });
      for (const [i, v] of input.variants.entries()) {
        await this.insertVariant(tx, actor, product, v, i);
      }
      touched.productIds.add(product.id);
      touched.slugs.add(product.slug);
      return { result: product, events: await productChangedEvents(tx, [product.id], 'created') };
    });
  }

  async updateProduct(actor: ChangeActor, rawId: string, raw: unknown): Promise<ProductModel> {
    const id = parseId('id', rawId);
    const input = parseInput(updateProductInput, raw, 'input');
    return this.write(actor, async (tx, touched) => {
      const current = await this.lockProduct(tx, actor, id);
      if (input.brandId != null) await this.requireBrand(tx, input.brandId, 'input.brandId');
      if (input.categoryId != null) await this.requireCategory(tx, input.categoryId, 'input.categoryId');
      if (input.slug != null && input.slug !== current.slug) await this.requireFree(tx, { slug: input.slug, field: 'input.slug' });
      const product = await tx.product.update({
        where: { id },
        data: {
          ...(input.slug != null && { slug: input.slug }),
          ...(input.name != null && { name: input.name }),
          ...(input.description != null && { description: input.description }),
          ...(input.brandId != null && { brandId: input.brandId }),
          ...(input.categoryId != null && { categoryId: input.categoryId }),
          ...(input.attributes != null && { attributes: input.attributes }),
        },
      });
      touched.productIds.add(id);
      touched.slugs.add(current.slug).add(product.slug);
      return { result: product, events: await productChangedEvents(tx, [id], 'edited') };
    });
  }

  publishProduct(actor: ChangeActor, rawId: string): Promise<ProductModel> {
    return this.setStatus(actor, parseId('id', rawId), 'ACTIVE', 'published');
  }

  archiveProduct(actor: ChangeActor, rawId: string): Promise<ProductModel> {
    return this.setStatus(actor, parseId('id', rawId), 'ARCHIVED', 'archived');
  }

  /** Only a DRAFT was never on sale (no order, cart or signal refers to it): others are archived. */
  async deleteProduct(actor: ChangeActor, rawId: string): Promise<string> {
    const id = parseId('id', rawId);
    return this.write(actor, async (tx, touched) => {
      const current = await this.lockProduct(tx, actor, id);
      if (current.status !== 'DRAFT') {
        throw new DomainError(ErrorCode.CONFLICT, `Only a DRAFT product can be deleted; this one is ${current.status}: archive it instead`, { field: 'id' });
      }
      const variants = await tx.productVariant.findMany({ where: { productId: id }, select: { id: true } });
      await tx.priceChange.deleteMany({ where: { productId: id } });
      await tx.product.delete({ where: { id } }); // variants, images, schedules and the search row cascade
      touched.productIds.add(id);
      touched.slugs.add(current.slug);
      for (const v of variants) touched.variantIds.add(v.id);
      return { result: id, events: [{ topic: 'product.changed', payload: { productId: id, change: 'deleted' } }] };
    });
  }

  private async setStatus(actor: ChangeActor, id: string, status: 'ACTIVE' | 'ARCHIVED', change: ProductChangeKind): Promise<ProductModel> {
    return this.write(actor, async (tx, touched) => {
      const current = await this.lockProduct(tx, actor, id);
      touched.productIds.add(id);
      if (current.status === status) return { result: current, events: [] };
      const product = await tx.product.update({ where: { id }, data: { status } });
      return { result: product, events: await productChangedEvents(tx, [id], change) };
    });
  }

  // ---------------------------------------------------------------- variants

  async createVariant(actor: ChangeActor, rawProductId: string, raw: unknown): Promise<VariantModel> {
    const productId = parseId('productId', rawProductId);
    const input = parseInput(variantInput, raw, 'input');
    return this.write(actor, async (tx, touched) => {
      const product = await this.lockProduct(tx, actor, productId);
      await this.requireFree(tx, { variantSku: input.sku, field: 'input.sku' });
      const [{ next }] = (await tx.$queryRaw<Array<{ next: number }>>`
        SELECT coalesce(max(position) + 1, 0)::int AS next FROM catalog.product_variant WHERE product_id = ${productId}::uuid`) as [{ next: number }];
      const variant = await this.insertVariant(tx, actor, product, input, next);
      await refreshPriceRange(tx, productId);
      touched.productIds.add(productId);
      touched.variantIds.add(variant.id);
      return { result: variant, events: await productChangedEvents(tx, [productId], 'edited') };
    });
  }

  async updateVariant(actor: ChangeActor, rawId: string, raw: unknown): Promise<VariantModel> {
    const id = parseId('id', rawId);
    const input = parseInput(updateVariantInput, raw, 'input');
    return this.write(actor, async (tx, touched) => {
      const [locked] = await tx.$queryRaw<Array<{ product_id: string; sku: string }>>`
        SELECT product_id::text, sku FROM catalog.product_variant WHERE id = ${id}::uuid FOR UPDATE`;
      if (!locked) throw new NotFoundError('ProductVariant', 'id', id);
      await assertMayChangeProduct(tx, actor, locked.product_id);
      if (input.sku != null && input.sku !== locked.sku) await this.requireFree(tx, { variantSku: input.sku, field: 'input.sku' });
      const variant = await tx.productVariant.update({
        where: { id },
        data: {
          ...(input.sku != null && { sku: input.sku }),
          ...(input.name != null && { name: input.name }),
          ...(input.options != null && { options: input.options, ...(input.name == null && { name: displayName(input.options, input.sku ?? locked.sku) }) }),
          ...(input.position != null && { position: input.position }),
        },
      });
      touched.productIds.add(locked.product_id);
      touched.variantIds.add(id);
      return { result: variant, events: await productChangedEvents(tx, [locked.product_id], 'edited') };
    });
  }

  // ---------------------------------------------------------------- categories and brands

  async createCategory(actor: ChangeActor, raw: unknown): Promise<CategoryModel> {
    assertShopActor(actor);
    const input = parseInput(createCategoryInput, raw, 'input');
    return this.write(actor, async (tx, touched) => {
      await this.lockTree(tx);
      const parent = input.parentId != null ? await this.requireCategory(tx, input.parentId, 'input.parentId') : null;
      await this.requireFreeSibling(tx, parent?.id ?? null, input.slug, 'input.slug');
      const [{ next }] = (await tx.$queryRaw<Array<{ next: number }>>`
        SELECT coalesce(max(position) + 1, 0)::int AS next FROM catalog.category WHERE parent_id IS NOT DISTINCT FROM ${parent?.id ?? null}::uuid`) as [{ next: number }];
      const category = await tx.category.create({
        data: {
          name: input.name,
          slug: input.slug,
          parentId: parent?.id ?? null,
          path: parent ? `${parent.path}/${input.slug}` : input.slug,
          depth: parent ? parent.depth + 1 : 0,
          position: next,
        },
      });
      touched.tree = true;
      touched.categoryIds.add(category.id);
      return { result: category, events: [{ topic: 'category.changed', payload: { categoryId: category.id, change: 'created', path: category.path } }] };
    });
  }

  async renameCategory(actor: ChangeActor, rawId: string, rawName: string, rawSlug?: string | null): Promise<CategoryModel> {
    assertShopActor(actor);
    const id = parseId('id', rawId);
    const name = parseInput(line(100), rawName, 'name');
    const slug = rawSlug != null ? parseInput(slugRule(80), rawSlug, 'slug') : null;
    return this.write(actor, async (tx, touched) => {
      await this.lockTree(tx);
      const current = await this.requireCategory(tx, id, 'id');
      let path = current.path;
      if (slug != null && slug !== current.slug) {
        await this.requireFreeSibling(tx, current.parentId, slug, 'slug');
        path = current.parentId ? `${current.path.slice(0, current.path.length - current.slug.length)}${slug}` : slug;
        await this.rewriteSubtree(tx, current, path, 0);
      }
      const category = await tx.category.update({ where: { id }, data: { name, ...(slug != null && { slug }) } });
      return { result: category, events: [...(await this.subtreeChanged(tx, touched, category, 'renamed'))] };
    });
  }

  async moveCategory(actor: ChangeActor, rawId: string, rawParentId: string | null | undefined): Promise<CategoryModel> {
    assertShopActor(actor);
    const id = parseId('id', rawId);
    const parentId = rawParentId != null ? parseId('parentId', rawParentId) : null;
    if (parentId === id) throw InputError.of('parentId', 'a category cannot be its own parent');
    return this.write(actor, async (tx, touched) => {
      await this.lockTree(tx);
      const current = await this.requireCategory(tx, id, 'id');
      const parent = parentId != null ? await this.requireCategory(tx, parentId, 'parentId') : null;
      if (parent && parent.path.startsWith(`${current.path}/`)) throw InputError.of('parentId', 'is a descendant of the category: the tree would have a cycle');
      if ((parent?.id ?? null) === current.parentId) return { result: current, events: [] };
      await this.requireFreeSibling(tx, parent?.id ?? null, current.slug, 'parentId');
      const path = parent ? `${parent.path}/${current.slug}` : current.slug;
      await this.rewriteSubtree(tx, current, path, (parent ? parent.depth + 1 : 0) - current.depth);
      const [{ next }] = (await tx.$queryRaw<Array<{ next: number }>>`
        SELECT coalesce(max(position) + 1, 0)::int AS next FROM catalog.category WHERE parent_id IS NOT DISTINCT FROM ${parent?.id ?? null}::uuid AND id <> ${id}::uuid`) as [
        { next: number },
      ];
      const category = await tx.category.update({ where: { id }, data: { parentId: parent?.id ?? null, position: next } });
      return { result: category, events: await this.subtreeChanged(tx, touched, category, 'moved') };
    });
  }

  /** No orphans: a category with children or products (of any status) stays. */
  async deleteCategory(actor: ChangeActor, rawId: string): Promise<string> {
    assertShopActor(actor);
    const id = parseId('id', rawId);
    return this.write(actor, async (tx, touched) => {
      await this.lockTree(tx);
      const current = await this.requireCategory(tx, id, 'id');
      const [children, products] = await Promise.all([tx.category.count({ where: { parentId: id } }), tx.product.count({ where: { categoryId: id } })]);
      if (children > 0 || products > 0) {
        throw new DomainError(ErrorCode.CONFLICT, `Category "${current.path}" still has ${children} child categories and ${products} products: move them first`, {
          field: 'id',
          children,
          products,
        });
      }
      await tx.category.delete({ where: { id } });
      touched.tree = true;
      touched.categoryIds.add(id);
      return { result: id, events: [{ topic: 'category.changed', payload: { categoryId: id, change: 'deleted', path: current.path } }] };
    });
  }

  async createBrand(actor: ChangeActor, raw: unknown): Promise<BrandModel> {
    assertShopActor(actor);
    const input = parseInput(createBrandInput, raw, 'input');
    return this.write(actor, async (tx, touched) => {
      if (await tx.brand.findUnique({ where: { slug: input.slug }, select: { id: true } })) throw InputError.of('input.slug', 'is already used by another brand');
      const brand = await tx.brand.create({ data: { name: input.name, slug: input.slug } });
      touched.brandIds.add(brand.id);
      return { result: brand, events: [{ topic: 'brand.changed', payload: { brandId: brand.id, change: 'created' } }] };
    });
  }

  // ---------------------------------------------------------------- the write path

  /**
   * One transaction: `work` changes rows and names its events, which are recorded last (the
   * row locks order them); after commit, eviction. A unique violation that slipped past the
   * checks (a racing writer) is the caller's input conflicting, never an internal error.
   */
  private async write<T>(actor: ChangeActor, work: (tx: Tx, touched: Touched) => Promise<{ result: T; events: CatalogEvent[] }>): Promise<T> {
    const touched: Touched = { productIds: new Set(), variantIds: new Set(), slugs: new Set(), categoryIds: new Set(), brandIds: new Set(), tree: false };
    let result: T;
    try {
      result = await this.prisma.$transaction(
        async (tx) => {
          const done = await work(tx, touched);
          if (done.events.length > 0) await recordEvents(tx, 'catalog', done.events, eventMeta(actor));
          return done.result;
        },
        { maxWait: 10_000, timeout: 30_000 },
      );
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw new DomainError(ErrorCode.CONFLICT, 'Another change took this sku or slug at the same moment; try again', {});
      }
      throw err;
    }
    await this.evict(touched);
    return result;
  }

  private async evict(t: Touched): Promise<void> {
    const products = [...t.productIds];
    await Promise.all([
      this.caches.product.invalidate(products),
      this.caches.variantsOfProduct.invalidate(products),
      this.caches.imagesOfProduct.invalidate(products),
      this.caches.priceChangesOfProduct.invalidate(products),
      this.caches.scheduledPricesOfProduct.invalidate(products),
      this.caches.variant.invalidate([...t.variantIds]),
      this.caches.productIdBySlug.invalidate([...t.slugs]),
      this.caches.category.invalidate([...t.categoryIds]),
      this.caches.brand.invalidate([...t.brandIds]),
    ]);
    if (t.brandIds.size > 0 || t.tree) await this.caches.generations.tree.bump();
    if (products.length > 0 || t.tree) await this.caches.generations.listing.bump();
  }

  // ---------------------------------------------------------------- helpers

  private async insertVariant(tx: Tx, actor: ChangeActor, product: ProductModel, v: z.output<typeof variantInput>, position: number): Promise<VariantModel> {
    const options = v.options ?? {};
    const price = new Prisma.Decimal(v.price);
    const variant = await tx.productVariant.create({
      data: { productId: product.id, sku: v.sku, name: v.name ?? displayName(options, v.sku), options, price, currency: product.currency, position },
    });
    await tx.priceChange.create({
      data: { variantId: variant.id, productId: product.id, oldPrice: null, newPrice: price, currency: product.currency, changedBy: actor.subject, reason: 'created' },
    });
    return variant;
  }

  /** Locks a product the actor may change: NOT_FOUND when there is none, FORBIDDEN when it is another seller's. */
  private async lockProduct(tx: Tx, actor: ChangeActor, id: string): Promise<ProductModel> {
    const [locked] = await tx.$queryRaw<Array<{ id: string; seller_id: string | null }>>`SELECT id::text, seller_id FROM catalog.product WHERE id = ${id}::uuid FOR UPDATE`;
    if (!locked) throw new NotFoundError('Product', 'id', id);
    assertMayChange(actor, locked.seller_id);
    return (await tx.product.findUnique({ where: { id } }))!;
  }

  private async lockTree(tx: Tx): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${TREE_LOCK}::bigint)`;
  }

  private async requireBrand(tx: Tx, id: string, field: string): Promise<BrandModel> {
    const brand = await tx.brand.findUnique({ where: { id } });
    if (!brand) throw new NotFoundError('Brand', field, id);
    return brand;
  }

  private async requireCategory(tx: Tx, id: string, field: string): Promise<CategoryModel> {
    const category = await tx.category.findUnique({ where: { id } });
    if (!category) throw new NotFoundError('Category', field, id);
    return category;
  }

  private async requireFree(tx: Tx, what: { productSku?: string; variantSku?: string; slug?: string; field: string }): Promise<void> {
    const taken =
      what.productSku != null
        ? await tx.product.findUnique({ where: { sku: what.productSku }, select: { id: true } })
        : what.variantSku != null
          ? await tx.productVariant.findUnique({ where: { sku: what.variantSku }, select: { id: true } })
          : await tx.product.findUnique({ where: { slug: what.slug! }, select: { id: true } });
    if (taken) throw InputError.of(what.field, 'is already used by another product');
  }

  private async requireFreeSibling(tx: Tx, parentId: string | null, slug: string, field: string): Promise<void> {
    const taken = await tx.category.findFirst({ where: { parentId, slug }, select: { id: true } });
    if (taken) throw InputError.of(field, `a category with slug "${slug}" already exists there`);
  }

  /** New path (and depth shift) for a category and all its descendants. */
  private async rewriteSubtree(tx: Tx, category: CategoryModel, newPath: string, depthShift: number): Promise<void> {
    // Target paths are free: the caller checked the new parent has no child with this slug.
    await tx.$executeRaw`
      UPDATE catalog.category SET path = ${newPath} || substr(path, length(${category.path}) + 1), depth = depth + ${depthShift}::int
      WHERE path = ${category.path} OR starts_with(path, ${category.path} || '/')`;
  }

  /** After a rename or move: the tree's event, and product.changed for every product below (their category path changed). */
  private async subtreeChanged(tx: Tx, touched: Touched, category: CategoryModel, change: 'renamed' | 'moved'): Promise<CatalogEvent[]> {
    const subtree = await tx.category.findMany({ where: { OR: [{ id: category.id }, { path: { startsWith: `${category.path}/` } }] }, select: { id: true } });
    const products = await tx.product.findMany({ where: { categoryId: { in: subtree.map((c) => c.id) } }, select: { id: true }, orderBy: { id: 'asc' } });
    touched.tree = true;
    for (const c of subtree) touched.categoryIds.add(c.id);
    for (const p of products) touched.productIds.add(p.id);
    return [
      { topic: 'category.changed', payload: { categoryId: category.id, change, path: category.path } },
      ...(await productChangedEvents(
        tx,
        products.map((p) => p.id),
        'edited',
      )),
    ];
  }
}

/** "M / Navy" from {"size":"M","colour":"Navy"}; the SKU when there are no options. */
function displayName(options: Record<string, string>, sku: string): string {
  const values = Object.values(options);
  return values.length > 0 ? values.join(' / ') : sku;
}
