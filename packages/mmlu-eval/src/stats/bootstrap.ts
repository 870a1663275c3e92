// Paired bootstrap of an accuracy difference. Resampling n paired items with replacement only matters through how
// many draws land in "right under A only" (+1), "right under B only" (-1) or neither group (0), so each resample
// draws those counts from their exact multinomial: K_A ~ Binomial(n, pA), then K_B | K_A ~ Binomial(n - K_A,
// pB / (1 - pA)), by inverting tabulated CDFs. Same distribution as the item loop, in O(resamples·log n).
import { mulberry32 } from './random.js';

/** Inverse-CDF sampler of Binomial(n, p) over the window holding all but ~1e-30 of its mass. */
class BinomialTable {
  private readonly lo: number;
  private readonly cdf: Float64Array;

  constructor(n: number, p: number) {
    if (n === 0 || p <= 0) { this.lo = 0; this.cdf = new Float64Array([1]); return; }
    if (p >= 1) { this.lo = n; this.cdf = new Float64Array([1]); return; }
    const mode = Math.min(n, Math.floor((n + 1) * p));
    const odds = p / (1 - p);
    const up: number[] = [];
    for (let k = mode, w = 1; k < n && w > 1e-30; k++) { w *= ((n - k) / (k + 1)) * odds; up.push(w); }
    const down: number[] = [];
    for (let k = mode, w = 1; k > 0 && w > 1e-30; k--) { w *= (k / (n - k + 1)) / odds; down.push(w); }
    const weights = [...down.reverse(), 1, ...up];
    this.lo = mode - down.length;
    const total = weights.reduce((a, b) => a + b, 0);
    this.cdf = new Float64Array(weights.length);
    let acc = 0;
    for (let i = 0; i < weights.length; i++) { acc += weights[i] / total; this.cdf[i] = acc; }
    this.cdf[weights.length - 1] = 1;
  }

  /** The smallest k with CDF(k) > u. */
  sample(u: number): number {
    let a = 0;
    let b = this.cdf.length - 1;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (this.cdf[mid] > u) b = mid;
      else a = mid + 1;
    }
    return this.lo + a;
  }
}

/** `resamples` bootstrap replicates of mean(d) for onlyA (+1), onlyB (-1) and n - onlyA - onlyB zeros, seeded. */
export function bootstrapPairedDiffs(onlyA: number, onlyB: number, n: number, resamples: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const pA = onlyA / n;
  const q = pA < 1 ? onlyB / n / (1 - pA) : 0;
  const tableA = new BinomialTable(n, pA);
  const tablesB = new Map<number, BinomialTable>();
  const out = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    const kA = tableA.sample(rand());
    let tb = tablesB.get(kA);
    if (!tb) tablesB.set(kA, (tb = new BinomialTable(n - kA, q)));
    const kB = tb.sample(rand());
    out[r] = (kA - kB) / n;
  }
  return out;
}
