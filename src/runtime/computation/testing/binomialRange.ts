// Exact binomial tails, for checking challenge counts against their rate (challengeMath.ts). Test
// arithmetic in floating point, never used by the runtime itself.

/**
 * The acceptance range [lo, hi] of a Binomial(n, p) count at tail probability `alpha` per side: the
 * largest lo with P(X < lo) ≤ alpha and the smallest hi with P(X > hi) ≤ alpha.
 */
export function binomialRange(n: number, p: number, alpha: number): { lo: number; hi: number } {
  if (p <= 0) return { lo: 0, hi: 0 };
  if (p >= 1) return { lo: n, hi: n };
  const logs = logPmf(n, p);
  const mode = Math.floor((n + 1) * p);
  // Lower tail from 0 up, upper tail from n down, each summed in log space from its far end.
  let lo = 0;
  let below = Number.NEGATIVE_INFINITY;
  for (let k = 0; k <= mode; k++) {
    const next = logAdd(below, logs[k]!);
    if (Math.exp(next) > alpha) break;
    below = next;
    lo = k + 1;
  }
  let hi = n;
  let above = Number.NEGATIVE_INFINITY;
  for (let k = n; k >= mode; k--) {
    const next = logAdd(above, logs[k]!);
    if (Math.exp(next) > alpha) break;
    above = next;
    hi = k - 1;
  }
  return { lo, hi };
}

/** log P(X = k) for k = 0..n, by the ratio of consecutive terms (exact up to rounding). */
function logPmf(n: number, p: number): Float64Array {
  const out = new Float64Array(n + 1);
  const odds = Math.log(p) - Math.log1p(-p);
  out[0] = n * Math.log1p(-p);
  for (let k = 0; k < n; k++) out[k + 1] = out[k]! + Math.log(n - k) - Math.log(k + 1) + odds;
  return out;
}

function logAdd(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const high = Math.max(a, b);
  return high + Math.log1p(Math.exp(Math.min(a, b) - high));
}
