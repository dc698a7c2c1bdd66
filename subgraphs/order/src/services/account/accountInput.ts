import { InputError, isUuid, type FieldError } from '@shopgraph/kit';
import { z } from 'zod';

/** What accounts accept from callers, checked with zod; every problem is BAD_USER_INPUT naming its field. */

export const MIN_PASSWORD_LENGTH = 10;
/** argon2 takes any length; a cap keeps a megabyte "password" from costing a hash. */
const MAX_PASSWORD_LENGTH = 256;
const MAX_TEXT = 200;

/** Trimmed and lower-cased: the stored form, so uniqueness is case-insensitive. */
export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .toLowerCase()
  .pipe(z.email({ message: 'must be an email address such as ada@example.com' }));

const nameSchema = z.string().trim().min(1, `must be 1-${MAX_TEXT} characters`).max(MAX_TEXT, `must be 1-${MAX_TEXT} characters`);
const text = nameSchema;

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

/** A new password for the account of `email` (changePassword, resetPassword): the policy, and not the email itself. */
export function parseNewPassword(password: string, email: string, field: string): string {
  const next = parseInput(passwordSchema, password, field);
  if (next.trim().toLowerCase() === email) throw InputError.of(field, 'must not be your email address');
  return next;
}

export const registerSchema = z
  .object({ email: emailSchema, password: passwordSchema, name: nameSchema })
  .refine((r) => r.password.trim().toLowerCase() !== r.email, { path: ['password'], message: 'must not be your email address' });

export const profileSchema = z.object({ name: nameSchema.optional() });

/** An address of the book; the same rules as checkout's inline address, plus a phone. */
export const addressSchema = z.object({
  name: text,
  line1: text,
  line2: z
    .string()
    .trim()
    .max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`)
    .nullish()
    .transform((v) => v || null),
  city: text,
  postalCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9][A-Z0-9 -]{1,14}$/, 'must be 2-15 letters, digits, spaces or hyphens'),
  region: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be a region code such as "US-CA" or "DE"'),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "US"'),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()./-]{4,30}$/, 'must be 4-30 digits, spaces and + ( ) - . only')
    .nullish()
    .transform((v) => v || null),
}).refine((a) => a.region.slice(0, 2) === a.country, { path: ['region'], message: 'must be in the address\'s country (e.g. "US-CA" for US)' });

export type AddressFields = z.output<typeof addressSchema>;

/** Parses `input` or throws one InputError naming every bad field under `prefix` ("input.email"). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors = new Map<string, FieldError>();
  for (const issue of parsed.error.issues) {
    const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    // One message per field (the first), as a form shows it.
    if (!errors.has(field)) errors.set(field, { field, message: issue.message });
  }
  throw new InputError([...errors.values()]);
}

export function requireId(id: string, field: string): string {
  if (!isUuid(id)) throw InputError.of(field, 'is not an id');
  return id;
}
