/** "Did you mean" shared by the engines: which words to correct, and to what. */

export interface TermCandidate {
  word: string;
  term: string;
  documents: number;
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbours each cost one edit (as OpenSearch's fuzziness counts them: "shrit" is 1 from "shirt").
 */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/** Words worth correcting: letters only, at least 3 of them (shorter ones are too ambiguous). */
export function queryWords(text: string): string[] {
  return [...new Set(text.split(/[^\p{L}\p{N}]+/u).filter((w) => /^\p{L}{3,}$/u.test(w)))];
}

/** OpenSearch's fuzziness AUTO: 0 edits up to 2 characters, 1 up to 5, then 2. */
export function maxEdits(word: string): number {
  return word.length <= 2 ? 0 : word.length <= 5 ? 1 : 2;
}

/**
 * The text with each word the lexicon lacks replaced by its nearest term (fewest edits,
 * then most documents); null when every word is known or nothing is close enough.
 */
export function correctWords(text: string, candidates: readonly TermCandidate[]): string | null {
  const byWord = new Map<string, TermCandidate[]>();
  for (const c of candidates) byWord.set(c.word, [...(byWord.get(c.word) ?? []), c]);
  let changed = false;
  const corrected = text.replace(/\p{L}+/gu, (word) => {
    const options = byWord.get(word);
    if (!options || options.some((c) => c.term === word)) return word;
    const best = options
      .map((c) => ({ ...c, distance: editDistance(word, c.term) }))
      .filter((c) => c.distance <= maxEdits(word))
      .sort((a, b) => a.distance - b.distance || b.documents - a.documents || a.term.localeCompare(b.term))[0];
    if (!best) return word;
    changed = true;
    return best.term;
  });
  return changed ? corrected : null;
}
