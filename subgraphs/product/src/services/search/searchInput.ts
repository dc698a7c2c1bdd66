import { decodeCursor, encodeCursor, isUuid, parseFirst, type FieldError } from '@shopgraph/kit';
import { InputError } from '@shopgraph/kit';
import {
  MAX_PREFIX_LENGTH,
  MAX_QUERY_LENGTH,
  MAX_RESULT_WINDOW,
  MAX_SUGGESTIONS,
  type SearchFilter,
  type SearchQuery,
  type SearchSortName,
} from './searchTypes.js';

export interface SearchFilterInput {
  categories?: readonly string[] | null;
  brands?: readonly string[] | null;
  priceMin?: string | null;
  priceMax?: string | null;
  minRating?: number | null;
  inStock?: boolean | null;
  attributes?: ReadonlyArray<{ name: string; values: readonly string[] }> | null;
}

export interface SearchInput {
  query: string;
  filter?: SearchFilterInput | null;
  sort?: SearchSortName | null;
  first?: number | null;
  after?: string | null;
}

const PRICE = /^\d{1,10}(\.\d{1,2})?$/;
const MAX_IDS = 50;
const MAX_ATTRIBUTES = 10;

/** Trimmed, inner whitespace collapsed, lower-cased: "  Linen   DRESS " and "linen dress" are one query. */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

const sortedUnique = (values: readonly string[]) => [...new Set(values)].sort();

/**
 * Checks a search request before anything runs and returns its normalised form. Every
 * problem names its field; ids are only checked for shape here (existence needs a lookup).
 */
export function parseSearchInput(input: SearchInput, wantFacets: boolean): SearchQuery {
  const errors: FieldError[] = [];
  const text = normaliseText(input.query);
  if (text.length === 0) errors.push({ field: 'query', message: 'must not be empty' });
  if (text.length > MAX_QUERY_LENGTH) errors.push({ field: 'query', message: `must be at most ${MAX_QUERY_LENGTH} characters` });

  const sort = input.sort ?? 'RELEVANCE';
  let limit = 20;
  let offset = 0;
  try {
    limit = parseFirst(input.first);
    if (input.after != null) {
      const [position] = decodeCursor(input.after, sort, 1);
      if (typeof position !== 'number' || !Number.isInteger(position) || position < 1 || position >= MAX_RESULT_WINDOW) {
        throw InputError.of('after', 'is not a cursor returned by this connection');
      }
      offset = position;
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    errors.push(...err.fieldErrors);
  }
  if (offset + limit > MAX_RESULT_WINDOW) errors.push({ field: 'after', message: `search pages only through the first ${MAX_RESULT_WINDOW} results` });

  const filter = parseFilter(input.filter ?? {}, errors);
  if (errors.length > 0) throw new InputError(errors);
  return { text, filter, sort, offset, limit, facets: wantFacets };
}

function parseFilter(f: SearchFilterInput, errors: FieldError[]): SearchFilter {
  const categories = sortedUnique(f.categories ?? []);
  const brands = sortedUnique(f.brands ?? []);
  if (categories.length > MAX_IDS) errors.push({ field: 'filter.categories', message: `at most ${MAX_IDS} ids` });
  if (categories.some((id) => !isUuid(id))) errors.push({ field: 'filter.categories', message: 'is not a list of category ids' });
  if (brands.length > MAX_IDS) errors.push({ field: 'filter.brands', message: `at most ${MAX_IDS} ids` });
  if (brands.some((id) => !isUuid(id))) errors.push({ field: 'filter.brands', message: 'is not a list of brand ids' });

  const priceMin = f.priceMin ?? null;
  const priceMax = f.priceMax ?? null;
  if (priceMin != null && !PRICE.test(priceMin)) errors.push({ field: 'filter.priceMin', message: 'must be a non-negative amount with at most 2 decimals' });
  if (priceMax != null && !PRICE.test(priceMax)) errors.push({ field: 'filter.priceMax', message: 'must be a non-negative amount with at most 2 decimals' });
  if (priceMin != null && priceMax != null && PRICE.test(priceMin) && PRICE.test(priceMax) && compareDecimal(priceMin, priceMax) > 0) {
    errors.push({ field: 'filter.priceMax', message: 'must not be below priceMin' });
  }

  const minRating = f.minRating ?? null;
  if (minRating != null && !(Number.isFinite(minRating) && minRating >= 0 && minRating <= 5)) {
    errors.push({ field: 'filter.minRating', message: 'must be between 0 and 5' });
  }

  const attributes = new Map<string, Set<string>>();
  for (const a of f.attributes ?? []) {
    const name = a.name.trim();
    if (name.length === 0 || name.length > 50 || a.values.length === 0 || a.values.length > 20 || a.values.some((v) => v.length === 0 || v.length > 100)) {
      errors.push({ field: 'filter.attributes', message: 'each needs a name (1-50 characters) and 1-20 values (1-100 characters)' });
      break;
    }
    const values = attributes.get(name) ?? new Set<string>();
    for (const v of a.values) values.add(v);
    attributes.set(name, values);
  }
  if (attributes.size > MAX_ATTRIBUTES) errors.push({ field: 'filter.attributes', message: `at most ${MAX_ATTRIBUTES} attribute names` });

  return {
    categories,
    brands,
    priceMin: priceMin != null ? canonicalDecimal(priceMin) : null,
    priceMax: priceMax != null ? canonicalDecimal(priceMax) : null,
    minRating,
    inStock: f.inStock ?? null,
    attributes: [...attributes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, values]) => ({ name, values: [...values].sort() })),
  };
}

/** Compares two validated non-negative decimals exactly (no floats). */
function compareDecimal(a: string, b: string): number {
  const [ai, af = ''] = canonicalDecimal(a).split('.');
  const [bi, bf = ''] = canonicalDecimal(b).split('.');
  if (ai!.length !== bi!.length) return ai!.length - bi!.length;
  return (ai! + af.padEnd(2, '0')).localeCompare(bi! + bf.padEnd(2, '0'));
}

function canonicalDecimal(value: string): string {
  const [int, frac = ''] = value.split('.');
  return `${int!.replace(/^0+(?=\d)/, '')}.${frac.padEnd(2, '0')}`;
}

export function parseSuggestInput(prefix: string, first: number | null | undefined): { prefix: string; limit: number } {
  const errors: FieldError[] = [];
  const normalised = normaliseText(prefix);
  if (normalised.length === 0) errors.push({ field: 'prefix', message: 'must not be empty' });
  if (normalised.length > MAX_PREFIX_LENGTH) errors.push({ field: 'prefix', message: `must be at most ${MAX_PREFIX_LENGTH} characters` });
  const limit = first ?? 8;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SUGGESTIONS) errors.push({ field: 'first', message: `must be between 1 and ${MAX_SUGGESTIONS}` });
  if (errors.length > 0) throw new InputError(errors);
  return { prefix: normalised, limit };
}

/** Search cursors are positions in the ranked list, tied to the sort they were cut for. */
export function searchCursor(sort: SearchSortName, position: number): string {
  return encodeCursor(sort, [position]);
}
