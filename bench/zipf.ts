/**
 * Zipf-distributed product ids: a few products get most of the traffic, as in a real shop.
 * P(rank k) is proportional to 1 / k^s; sampling by binary search over the cumulative weights.
 */
export function zipfSampler(n: number, s: number, random: () => number = Math.random): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 1; k <= n; k++) {
    total += 1 / k ** s;
    cumulative[k - 1] = total;
  }
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
