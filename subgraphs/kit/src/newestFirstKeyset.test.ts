import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { newestFirstKeyset } from './newestFirstKeyset.js';
import { encodeCursor } from './pagination.js';

const ID = '0b6f3f5e-8a4b-4c1e-9d2a-3f1e2d4c5b6a';

describe('newestFirstKeyset', () => {
  it('filters nothing on the first page', () => {
    expect(newestFirstKeyset(null, 'S', 'createdAt')).toEqual({ after: null, keyset: {} });
    expect(newestFirstKeyset('', 'S', 'createdAt')).toEqual({ after: null, keyset: {} });
  });

  it('resumes strictly past the cursor row: an older time, or the same time and a lower id', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const { after, keyset } = newestFirstKeyset(encodeCursor('S', [at, ID]), 'S', 'placedAt');
    expect(after).toEqual([at, ID]);
    expect(keyset).toEqual({ OR: [{ placedAt: { lt: new Date(at) } }, { placedAt: new Date(at), id: { lt: ID } }] });
  });

  it('refuses a cursor of another sort or of another shape on `after`', () => {
    for (const cursor of [encodeCursor('OTHER', ['2026-01-01T00:00:00.000Z', ID]), encodeCursor('S', [1, ID]), encodeCursor('S', ['2026-01-01T00:00:00.000Z', 'x']), '%%%']) {
      expect(() => newestFirstKeyset(cursor, 'S', 'createdAt'), cursor).toThrow(InputError);
      expect(() => newestFirstKeyset(cursor, 'S', 'createdAt'), cursor).toThrow(/^Invalid after: /);
    }
  });
});
