import { InputError } from './errors.js';
import { isUuid } from './ids.js';
import { decodeCursor } from './pagination.js';

/** Rows strictly past a cursor in (`column` desc, id desc) order, as a Prisma filter; `{}` on the first page. */
export type NewestFirstFilter<C extends string> = {
  OR?: Array<{ [K in C]: { lt: Date } } | ({ [K in C]: Date } & { id: { lt: string } })>;
};

/**
 * The keyset of a newest-first connection (rows ordered by a timestamp `column` desc, then id
 * desc; cursors cut as [timestamp ISO string, id]): the decoded `after` for toConnection, and
 * the filter for the rows past it. BAD_USER_INPUT on `after` for a cursor of another sort or shape.
 */
export function newestFirstKeyset<C extends string>(
  after: string | null | undefined,
  sort: string,
  column: C,
): { after: unknown[] | null; keyset: NewestFirstFilter<C> } {
  if (!after) return { after: null, keyset: {} };
  const key = decodeCursor(after, sort, 2);
  const [at, id] = key;
  if (typeof at !== 'string' || typeof id !== 'string' || !isUuid(id)) throw InputError.of('after', 'is not a cursor returned by this connection');
  const time = new Date(at);
  const before = { [column]: { lt: time } } as { [K in C]: { lt: Date } };
  const tie = { [column]: time, id: { lt: id } } as { [K in C]: Date } & { id: { lt: string } };
  return { after: key, keyset: { OR: [before, tie] } };
}
