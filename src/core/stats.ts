// The statistics behind the trend forecast and drift: ordinary least squares, Student-t quantiles
// and CDF, and robust location and spread (median, MAD). Pure.

export interface LinearFit {
  readonly n: number;
  readonly slope: number;
  readonly intercept: number;
  readonly xMean: number;
  readonly yMean: number;
  /** Sum of squared deviations of x from its mean. */
  readonly sxx: number;
  /** Residual sum of squares. */
  readonly sse: number;
  /** Total sum of squares of y about its mean. */
  readonly sst: number;
  /** y - fitted, in input order. */
  readonly residuals: readonly number[];
}

/** Ordinary least squares y = intercept + slope * x. Needs at least two distinct x values. */
export function leastSquares(xs: readonly number[], ys: readonly number[]): LinearFit {
  const n = xs.length;
  if (n !== ys.length) throw new RangeError('leastSquares: xs and ys differ in length');
  if (n < 2) throw new RangeError('leastSquares: needs at least two points');
  const xMean = mean(xs);
  const yMean = mean(ys);
  let sxx = 0;
  let sxy = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - xMean;
    const dy = (ys[i] ?? 0) - yMean;
    sxx += dx * dx;
    sxy += dx * dy;
    sst += dy * dy;
  }
  if (sxx === 0) throw new RangeError('leastSquares: all x values are equal');
  const slope = sxy / sxx;
  const intercept = yMean - slope * xMean;
  const residuals = xs.map((x, i) => (ys[i] ?? 0) - (intercept + slope * x));
  const sse = residuals.reduce((sum, r) => sum + r * r, 0);
  return { n, slope, intercept, xMean, yMean, sxx, sse, sst, residuals };
}

/**
 * 1 - SSE/SST, or null when y does not vary (SST is zero up to rounding): a flat series has no
 * variance for a line to explain, and printing 0 or 1 there would be a made-up number.
 */
export function rSquared(fit: Pick<LinearFit, 'sse' | 'sst' | 'yMean' | 'n'>): number | null {
  const scale = Math.max(fit.yMean * fit.yMean * fit.n, Number.MIN_VALUE);
  if (fit.sst <= scale * 1e-18) return null;
  return Math.max(0, 1 - fit.sse / fit.sst);
}

/**
 * The p-quantile of Student's t distribution with df degrees of freedom (df > 0, 0 < p < 1).
 * Inverts the CDF through the regularized incomplete beta function:
 * for t > 0, P(T > t) = I_{df/(df+t^2)}(df/2, 1/2) / 2.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  const upper = p > 0.5 ? 1 - p : p;
  const x = inverseRegularizedBeta(2 * upper, df / 2, 0.5);
  const t = Math.sqrt((df * (1 - x)) / x);
  return p > 0.5 ? t : -t;
}

/** The CDF of Student's t distribution, P(T <= t). */
export function studentTCdf(t: number, df: number): number {
  const tail = regularizedBeta(df / (df + t * t), df / 2, 0.5) / 2;
  return t >= 0 ? 1 - tail : tail;
}

/** I_x(a, b), the regularized incomplete beta function (Numerical Recipes' continued fraction). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront =
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(logFront);
  // The continued fraction converges fast only on this side of the mean; use symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

// I_x(a, b) increases monotonically in x, so bisection converges safely for every df; 200 halvings
// take the bracket below double precision.
function inverseRegularizedBeta(target: number, a: number, b: number): number {
  let low = 0;
  let high = 1;
  for (let i = 0; i < 200; i++) {
    const middle = (low + high) / 2;
    if (middle === low || middle === high) break;
    if (regularizedBeta(middle, a, b) < target) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos, g = 7), accurate to about 15 digits. */
export function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const shifted = z - 1;
  let series = LANCZOS[0] ?? 0;
  for (let i = 1; i < LANCZOS.length; i++) series += (LANCZOS[i] ?? 0) / (shifted + i);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(series);
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function mean(values: readonly number[]): number {
  return sum(values) / values.length;
}

/**
 * One buffer the medians sort in: drift takes a million medians of a few dozen values per
 * thousand groups, and a new array for each made it spend more time collecting garbage than
 * computing (10 s for 1,000 groups × 30 days).
 */
let scratch = new Float64Array(64);

/** The median of `count` values put in the scratch buffer by `fill`. */
function scratchMedian(count: number, fill: (buffer: Float64Array) => void): number {
  if (count === 0) return Number.NaN;
  if (scratch.length < count) scratch = new Float64Array(count * 2);
  fill(scratch);
  const values = scratch;
  // Insertion sort: for a few dozen values it beats any general sort and allocates nothing.
  for (let i = 1; i < count; i++) {
    const value = values[i] as number;
    let j = i - 1;
    while (j >= 0 && (values[j] as number) > value) {
      values[j + 1] = values[j] as number;
      j--;
    }
    values[j + 1] = value;
  }
  const middle = count >> 1;
  const upper = values[middle] as number;
  return count % 2 === 1 ? upper : ((values[middle - 1] as number) + upper) / 2;
}

/** The median; NaN for no values. An even count takes the mean of the two middle values. */
export function median(values: readonly number[]): number {
  return scratchMedian(values.length, (buffer) => {
    for (let i = 0; i < values.length; i++) buffer[i] = values[i] as number;
  });
}

/**
 * 1 / Φ⁻¹(3/4): the MAD times this estimates the standard deviation of normal data, while one
 * wild day in the sample moves it no more than any other.
 */
export const MAD_TO_SIGMA = 1.4826;

/** The median absolute deviation from the median, scaled by MAD_TO_SIGMA (a robust sigma). */
export function robustSigma(values: readonly number[], center = median(values)): number {
  const deviation = scratchMedian(values.length, (buffer) => {
    for (let i = 0; i < values.length; i++) buffer[i] = Math.abs((values[i] as number) - center);
  });
  return MAD_TO_SIGMA * deviation;
}
