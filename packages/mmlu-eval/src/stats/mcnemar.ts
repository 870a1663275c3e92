// McNemar's exact test for paired binary outcomes: with b items right only under A and c right only under B,
// p = min(1, 2·P(X <= min(b, c))) for X ~ Binomial(b + c, 1/2). Computed in log space, stable for any b + c.

/** P(X <= k) for X ~ Binomial(n, 1/2). */
export function binomialHalfCdf(k: number, n: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0) throw new RangeError(`binomialHalfCdf: integer k, n >= 0 needed, got ${k}, ${n}`);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (2 * k >= n) return 1 - binomialHalfCdf(n - k - 1, n);
  // log of the largest term C(n,k)/2^n (k < n/2, so terms increase up to j = k)
  // (Kahan-compensated sum of k + 1 logs: keeps ~1e-13 relative accuracy up to n in the tens of thousands)
  let logTerm = -n * Math.LN2;
  let carry = 0;
  for (let j = 1; j <= k; j++) {
    const y = Math.log((n - k + j) / j) - carry;
    const t = logTerm + y;
    carry = t - logTerm - y;
    logTerm = t;
  }
  // sum of t_j / t_k for j = k..0, via t_{j-1}/t_j = j / (n - j + 1)
  let ratio = 1;
  let sum = 1;
  for (let j = k; j >= 1; j--) {
    ratio *= j / (n - j + 1);
    sum += ratio;
    if (ratio < 1e-17 * sum) break;
  }
  return Math.exp(logTerm + Math.log(sum));
}

/** Two-sided exact McNemar p-value from the discordant counts b (A right, B wrong) and c (A wrong, B right). */
export function mcnemarExactP(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n));
}
