/**
 * The estimators the course uses to compare models: sample mean, biased and unbiased variance,
 * standard error σ/√m, the 95% confidence interval μ̂ ± 1.96·SE, and the comparison rule
 * "A performs better than B if A's upper bound of test error is below B's lower bound".
 */
import { ValueError } from "../errors.js";

const Z95 = 1.96;

export function sampleMean(values: readonly number[]): number {
  if (values.length === 0) throw new ValueError("sampleMean: no values");
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Sample variance: divisor m (biased, the default estimator of the course) or m − 1 (unbiased). */
export function sampleVariance(values: readonly number[], options: { unbiased?: boolean } = {}): number {
  const m = values.length;
  const unbiased = options.unbiased ?? false;
  if (m < (unbiased ? 2 : 1)) throw new ValueError(`sampleVariance: need at least ${unbiased ? 2 : 1} values, got ${m}`);
  const mu = sampleMean(values);
  return values.reduce((s, v) => s + (v - mu) ** 2, 0) / (unbiased ? m - 1 : m);
}

/** Standard error of the mean, σ/√m (σ from the unbiased variance). */
export function standardError(values: readonly number[]): number {
  if (values.length < 2) throw new ValueError(`standardError: need at least 2 values, got ${values.length}`);
  return Math.sqrt(sampleVariance(values, { unbiased: true }) / values.length);
}

/** An estimate with its standard error and 95% interval. */
export interface Interval {
  estimate: number;
  standardError: number;
  lower: number;
  upper: number;
}

/** μ̂ ± 1.96·SE for the mean of `values`. */
export function confidenceInterval95(values: readonly number[]): Interval {
  const estimate = sampleMean(values);
  const se = standardError(values);
  return { estimate, standardError: se, lower: estimate - Z95 * se, upper: estimate + Z95 * se };
}

/**
 * Test error with its 95% interval from `errors` mistakes on `m` examples: the mean of m 0/1
 * losses, SE = √(p(1 − p)/m) (σ of a Bernoulli over √m).
 */
export function errorRateInterval(errors: number, m: number): Interval {
  if (!(m > 0) || !(errors >= 0 && errors <= m)) throw new ValueError(`errorRateInterval: need 0 ≤ errors ≤ m and m > 0, got ${errors} of ${m}`);
  const p = errors / m;
  const se = Math.sqrt((p * (1 - p)) / m);
  return { estimate: p, standardError: se, lower: Math.max(0, p - Z95 * se), upper: Math.min(1, p + Z95 * se) };
}

/** The course's rule: "a" is better when its upper bound of error is below b's lower bound. */
export function compareErrorIntervals(a: Interval, b: Interval): "a better" | "b better" | "not significant" {
  if (a.upper < b.lower) return "a better";
  if (b.upper < a.lower) return "b better";
  return "not significant";
}
