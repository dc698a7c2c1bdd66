import { InputError, isUuid, type Prisma } from '@shopgraph/kit';
import type { ProductModel } from '../models.js';

export type ProductSortName = 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC' | 'NAME_ASC';

/**
 * A sort order for keyset pagination: the ORDER BY, the key a cursor stores (always
 * ending with the id tie-breaker) and the WHERE that starts strictly after a key.
 */
interface ProductSortSpec {
  orderBy: Prisma.ProductOrderByWithRelationInput[];
  keyOf(row: ProductModel): [string, string];
  after(key: readonly unknown[]): Prisma.ProductWhereInput;
}

const DECIMAL = /^\d{1,12}(\.\d{1,2})?$/;

function cursorKey(key: readonly unknown[], validFirst: (v: string) => boolean): [string, string] {
  const [first, id] = key;
  if (typeof first !== 'string' || !validFirst(first) || typeof id !== 'string' || !isUuid(id)) {
    throw InputError.of('after', 'is not a cursor returned by this connection');
  }
  return [first, id];
}

const isIsoDate = (v: string) => !Number.isNaN(Date.parse(v));
const isDecimal = (v: string) => DECIMAL.test(v);
const isName = (v: string) => v.length <= 500;

export const PRODUCT_SORTS: Record<ProductSortName, ProductSortSpec> = {
  NEWEST: {
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    keyOf: (p) => [p.createdAt.toISOString(), p.id],
    after(key) {
      const [at, id] = cursorKey(key, isIsoDate);
      const createdAt = new Date(at);
      return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
    },
  },
  PRICE_ASC: {
    orderBy: [{ effectiveMinPrice: 'asc' }, { id: 'asc' }],
    keyOf: (p) => [p.effectiveMinPrice.toFixed(2), p.id],
    after(key) {
      const [price, id] = cursorKey(key, isDecimal);
      return { OR: [{ effectiveMinPrice: { gt: price } }, { effectiveMinPrice: price, id: { gt: id } }] };
    },
  },
  PRICE_DESC: {
    orderBy: [{ effectiveMinPrice: 'desc' }, { id: 'desc' }],
    keyOf: (p) => [p.effectiveMinPrice.toFixed(2), p.id],
    after(key) {
      const [price, id] = cursorKey(key, isDecimal);
      return { OR: [{ effectiveMinPrice: { lt: price } }, { effectiveMinPrice: price, id: { lt: id } }] };
    },
  },
  NAME_ASC: {
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    keyOf: (p) => [p.name, p.id],
    after(key) {
      const [name, id] = cursorKey(key, isName);
      return { OR: [{ name: { gt: name } }, { name, id: { gt: id } }] };
    },
  },
};
