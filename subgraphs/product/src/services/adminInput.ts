import { z } from 'zod';
import { InputError, isUuid, type FieldError } from '@shopgraph/kit';

/**
 * The rules admin input must meet, as zod schemas. `parseInput` checks a whole input and
 * answers every broken rule at once as BAD_USER_INPUT with field paths ("input.variants.0.sku"),
 * before any SQL runs.
 */

/** C0 and C1 control characters (NUL included, which PostgreSQL text cannot hold). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, but line breaks and tabs are allowed (descriptions). */
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_EXCEPT_LAYOUT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Up to 10 whole digits and 2 decimals: what numeric(12,2) holds. */
export const PRICE_PATTERN = /^\d{1,10}(\.\d{1,2})?$/;

export const uuid = z.string().refine(isUuid, 'is not a valid id');

/** One line of text: trimmed, 1-max characters, no control characters. */
export const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters');

export const optionalText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL_EXCEPT_LAYOUT.test(s), 'must not contain control characters');

export const slug = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens');

export const sku = z
  .string()
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Z0-9][A-Z0-9_-]*$/, 'must be upper-case letters, digits, - and _');

export const price = z.string().regex(PRICE_PATTERN, 'must be a non-negative amount with at most 10 digits and 2 decimals');

export const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD');

export const reason = optionalText(500).nullish();

/** Name/value pairs with unique names, as a JSON object in the given order. */
export const pairs = (max: number, label: string) =>
  z
    .array(z.object({ name: line(60), value: line(500) }))
    .max(max, `must have at most ${max} ${label}`)
    .refine((list) => new Set(list.map((p) => p.name)).size === list.length, 'names must be unique')
    .transform((list) => Object.fromEntries(list.map((p) => [p.name, p.value])) as Record<string, string>);

export const variantInput = z.object({
  sku,
  name: line(120).nullish(),
  options: pairs(10, 'options').nullish(),
  price,
});

export const createProductInput = z.object({
  sku,
  slug: slug(120),
  name: line(200),
  description: optionalText(10_000).nullish(),
  brandId: uuid,
  categoryId: uuid,
  currency,
  attributes: pairs(50, 'attributes').nullish(),
  variants: z.array(variantInput).min(1, 'must have at least one variant').max(100, 'must have at most 100 variants'),
});

export const updateProductInput = z.object({
  slug: slug(120).nullish(),
  name: line(200).nullish(),
  description: optionalText(10_000).nullish(),
  brandId: uuid.nullish(),
  categoryId: uuid.nullish(),
  attributes: pairs(50, 'attributes').nullish(),
});

export const updateVariantInput = z.object({
  sku: sku.nullish(),
  name: line(120).nullish(),
  options: pairs(10, 'options').nullish(),
  position: z.number().int().min(0, 'must be 0 or more').max(10_000, 'must be at most 10000').nullish(),
});

const MAX_WINDOW_MS = 366 * 86_400_000;
const MAX_LEAD_MS = 5 * 366 * 86_400_000;

/** A start in the past means now: a window never rewrites what was already charged. */
export const schedulePriceInput = z
  .object({ variantId: uuid, price, startsAt: z.date(), endsAt: z.date(), reason })
  .transform((v) => ({ ...v, startsAt: new Date(Math.max(v.startsAt.getTime(), Date.now())) }))
  .superRefine((v, issue) => {
    if (v.endsAt.getTime() <= v.startsAt.getTime()) issue.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    else if (v.endsAt.getTime() - v.startsAt.getTime() > MAX_WINDOW_MS) issue.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be at most 366 days after startsAt' });
    if (v.endsAt.getTime() <= Date.now()) issue.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be in the future' });
    if (v.startsAt.getTime() > Date.now() + MAX_LEAD_MS) issue.addIssue({ code: 'custom', path: ['startsAt'], message: 'must be within 5 years from now' });
  });

export const createCategoryInput = z.object({ name: line(100), slug: slug(80), parentId: uuid.nullish() });

export const createBrandInput = z.object({ name: line(100), slug: slug(80) });

/** Parses `value` or throws one InputError naming every offending field under `prefix`. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    field: [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.') || (prefix ?? 'input'),
    message: issue.message,
  }));
  throw new InputError(errors);
}

/** An id argument: a UUID or BAD_USER_INPUT naming it. */
export function parseId(field: string, value: string): string {
  if (!isUuid(value)) throw InputError.of(field, 'is not a valid id');
  return value.toLowerCase();
}
