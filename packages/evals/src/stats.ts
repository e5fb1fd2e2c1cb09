/** The standard normal quantile for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** A 95% interval `[low, high]`. */
export type Interval = [number, number];

/**
 * The 95% Wilson score interval of `successes` out of `trials`: unlike the normal approximation it
 * stays inside [0, 1] and is honest at 0% and 100%, which small eval runs hit often. `null` for no trials.
 */
export function wilsonInterval(successes: number, trials: number, z = Z95): Interval | null {
  if (trials === 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** The `q`-quantile (0..1) of `values` with linear interpolation between order statistics (numpy's default). */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** mulberry32: a small seeded generator, so the bootstrap gives the same interval on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PairedDifference {
  /** Cases both models answered. */
  cases: number;
  /** Mean of (first - second) over those cases: the difference in success rate. */
  difference: number;
  /** Percentile 95% interval of the difference from the paired bootstrap. */
  interval95: Interval;
  resamples: number;
  seed: number;
}

/**
 * The difference in success between two models on the same cases, with a paired-bootstrap 95%
 * interval: cases are resampled with replacement and each keeps both models' scores, so the interval
 * reflects how the models differ on a case, not how hard the cases are. `pairs` holds per-case scores
 * in 0..1 (a case's mean over trials). Deterministic for a given seed. `null` for no pairs.
 */
export function pairedBootstrap(
  pairs: ReadonlyArray<readonly [number, number]>,
  options: { resamples?: number; seed?: number } = {},
): PairedDifference | null {
  const n = pairs.length;
  if (n === 0) return null;
  const resamples = options.resamples ?? 10_000;
  const seed = options.seed ?? 0;
  const differences = pairs.map(([first, second]) => first - second);
  const random = seededRandom(seed);
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += differences[Math.floor(random() * n)] as number;
    means.push(sum / n);
  }
  return {
    cases: n,
    difference: mean(differences) as number,
    interval95: [quantile(means, 0.025) as number, quantile(means, 0.975) as number],
    resamples,
    seed,
  };
}

/** The binomial coefficient n choose k (exact for the small counts of eval trials). */
function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

/**
 * pass^k as τ-bench defines it: the chance that all of k independent trials of a case succeed, averaged
 * over cases, estimated without bias from each case's `successes` out of `trials` as
 * C(successes, k) / C(trials, k). pass^1 is the plain success rate; pass^k falls as k grows unless the
 * model is consistent. `null` when no case has k trials.
 */
export function passHatK(
  cases: ReadonlyArray<{ successes: number; trials: number }>,
  k: number,
): number | null {
  const eligible = cases.filter((entry) => entry.trials >= k);
  if (eligible.length === 0) return null;
  return mean(eligible.map((entry) => choose(entry.successes, k) / choose(entry.trials, k)));
}
