import { z } from 'zod';
import { line, optionalText, uuid } from '../adminInput.js';

/**
 * The rules review input must meet. parseInput (adminInput.ts) answers every broken rule at
 * once as BAD_USER_INPUT with the argument's name ("rating", "title"), before any SQL runs.
 */

export const MAX_TITLE = 120;
export const MAX_BODY = 5000;
export const MAX_MODERATION_NOTE = 1000;

/** A review's rating, and the storefront's star filter. */
export const stars = z.number().int('must be a whole number of stars').min(1, 'must be from 1 to 5').max(5, 'must be from 1 to 5');
/** A body keeps its line breaks; trimmed, it must say something. */
const body = z
  .string()
  .trim()
  .pipe(optionalText(MAX_BODY))
  .refine((s) => s.length > 0, 'must not be empty');

export const createReviewInput = z.object({ productId: uuid, rating: stars, title: line(MAX_TITLE), body });

export const updateReviewInput = z
  .object({ id: uuid, rating: stars.nullish(), title: line(MAX_TITLE).nullish(), body: body.nullish() })
  .refine((input) => input.rating != null || input.title != null || input.body != null, { message: 'give rating, title or body to change', path: ['rating'] });

export const moderateReviewInput = z.object({
  id: uuid,
  status: z.enum(['APPROVED', 'REJECTED']),
  note: optionalText(MAX_MODERATION_NOTE)
    .transform((s) => s.trim() || null)
    .nullish(),
});

export type CreateReviewInput = z.input<typeof createReviewInput>;
export type UpdateReviewInput = z.input<typeof updateReviewInput>;
export type ModerateReviewInput = z.input<typeof moderateReviewInput>;
