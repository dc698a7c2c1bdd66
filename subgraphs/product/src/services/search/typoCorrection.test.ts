import { describe, expect, it } from 'vitest';
import { correctWords, editDistance, maxEdits, queryWords } from './typoCorrection.js';

describe('typo correction', () => {
  it('counts a swap of neighbours as one edit, like OpenSearch fuzziness', () => {
    expect(editDistance('shrit', 'shirt')).toBe(1);
    expect(editDistance('iphnoe', 'iphone')).toBe(1);
    expect(editDistance('adiddas', 'adidas')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect([maxEdits('ab'), maxEdits('abcde'), maxEdits('abcdef')]).toEqual([0, 1, 2]);
  });

  it('replaces only unknown words, by the nearest and then most used term, within the edit limit', () => {
    const candidates = [
      { word: 'linnen', term: 'linen', documents: 40 },
      { word: 'linnen', term: 'linden', documents: 5 },
      { word: 'shrit', term: 'shirt', documents: 300 },
      { word: 'dress', term: 'dress', documents: 500 },
      { word: 'zzzzz', term: 'jazz', documents: 1 },
    ];
    expect(correctWords('linnen shrit dress', candidates)).toBe('linen shirt dress');
    expect(correctWords('linnen', [...candidates, { word: 'linnen', term: 'linden', documents: 900 }])).toBe('linden'); // equally near: the more used
    expect(correctWords('dress', candidates)).toBeNull();
    expect(correctWords('zzzzz', candidates)).toBeNull();
    expect(queryWords('men’s t-shirt 2 in 1 xl')).toEqual(['men', 'shirt']);
  });
});
