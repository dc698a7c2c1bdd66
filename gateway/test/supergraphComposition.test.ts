import { describe, expect, it } from 'vitest';
import { composeSupergraph, readCheckedInSupergraph } from '../src/supergraph/composeSupergraph.js';

describe('schema/supergraph.graphql', () => {
  it('composes from schema/*.graphql with no hint we did not accept on purpose', () => {
    const { unexpectedHints } = composeSupergraph();
    expect(unexpectedHints.map((h) => `${h.definition.code}: ${h.message}`)).toEqual([]);
  });

  it('is the checked-in file (run `npm run compose` after changing a subgraph SDL)', () => {
    expect(readCheckedInSupergraph()).toBe(composeSupergraph().supergraphSdl);
  });
});
