import { InputError } from '@shopgraph/kit';
import type { CategoryResolvers } from '../generated/resolvers-types.js';

export const Category: CategoryResolvers = {
  parent: (c, _, ctx) => (c.parentId ? ctx.loaders.categoryById.load(c.parentId) : null),
  children: (c, _, ctx) => ctx.loaders.categoriesByParentId.load(c.id),
  ancestors: (c, _, ctx) => ctx.services.catalog.ancestors(ctx, c),
  products: (c, { filter, ...page }, ctx) => {
    if (filter?.category != null) throw InputError.of('filter.category', 'is already given by the category itself');
    return ctx.services.catalog.listProducts(ctx, { ...page, filter: { ...filter, category: c.id } });
  },
};
