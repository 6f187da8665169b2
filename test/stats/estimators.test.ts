/**
 * The course's estimators against values worked out by hand: sample mean, biased and unbiased
 * variance (E[biased] = (m−1)σ²/m), standard error σ/√m, the 95% interval μ̂ ± 1.96·SE, the
 * test-error interval with SE = √(p(1−p)/m), and the comparison rule for two models.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ValueError, Generator } from "../../src/index.js";
import {
  sampleMean, sampleVariance, standardError, confidenceInterval95, errorRateInterval, compareErrorIntervals, type Interval,
} from "../../src/stats/estimators.js";

const near = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${a} vs ${b}`);

// x = 2, 4, 4, 4, 5, 5, 7, 9: Σx = 40, m = 8, μ̂ = 5, Σ(x−μ̂)² = 9+1+1+1+0+0+4+16 = 32.
const xs = [2, 4, 4, 4, 5, 5, 7, 9];

describe("sample mean and variance", () => {
  it("hand-computed values", () => {
    assert.equal(sampleMean(xs), 5);
    assert.equal(sampleVariance(xs), 32 / 8); // biased: divisor m
    assert.equal(sampleVariance(xs, { unbiased: false }), 4);
    assert.equal(sampleVariance(xs, { unbiased: true }), 32 / 7); // unbiased: divisor m − 1
    assert.equal(sampleVariance([3]), 0);
  });

  it("biased = (m−1)/m · unbiased, so on average the biased one is (m−1)σ²/m", () => {
    near(sampleVariance(xs), ((8 - 1) / 8) * sampleVariance(xs, { unbiased: true }));
    // Average over many samples of m = 4 standard normals (σ² = 1): ≈ 3/4 and ≈ 1.
    const g = new Generator(7);
    const m = 4;
    const trials = 20000;
    let biased = 0;
    let unbiased = 0;
    for (let t = 0; t < trials; t++) {
      const s = Array.from({ length: m }, () => g.normal());
      biased += sampleVariance(s) / trials;
      unbiased += sampleVariance(s, { unbiased: true }) / trials;
    }
    // SE of each average is about √(2/(m−1))/√trials ≈ 0.006; allow 4 SE.
    assert.ok(Math.abs(biased - 0.75) < 0.025, `mean biased variance ${biased}`);
    assert.ok(Math.abs(unbiased - 1) < 0.033, `mean unbiased variance ${unbiased}`);
  });

  it("errors name the function and the count", () => {
    assert.throws(() => sampleMean([]), (e: Error) => e instanceof ValueError && /sampleMean: no values/.test(e.message));
    assert.throws(() => sampleVariance([]), /sampleVariance: need at least 1 values, got 0/);
    assert.throws(() => sampleVariance([1], { unbiased: true }), /sampleVariance: need at least 2 values, got 1/);
  });
});

describe("standard error and 95% interval of a mean", () => {
  it("SE = σ/√m with σ from the unbiased variance; interval μ̂ ± 1.96·SE", () => {
    const se = Math.sqrt(32 / 7) / Math.sqrt(8);
    near(standardError(xs), se);
    const ci = confidenceInterval95(xs);
    assert.equal(ci.estimate, 5);
    near(ci.standardError, se);
    near(ci.lower, 5 - 1.96 * se);
    near(ci.upper, 5 + 1.96 * se);
  });

  it("constant values have zero width; one value is an error", () => {
    assert.deepEqual(confidenceInterval95([3, 3, 3]), { estimate: 3, standardError: 0, lower: 3, upper: 3 });
    assert.throws(() => standardError([1]), /standardError: need at least 2 values, got 1/);
    assert.throws(() => confidenceInterval95([]), ValueError);
  });
});

describe("test error interval", () => {
  it("p = errors/m, SE = √(p(1−p)/m), p ± 1.96·SE", () => {
    // 20 errors in 400: p = 0.05, SE = √(0.05·0.95/400) = √0.00011875.
    const r = errorRateInterval(20, 400);
    assert.equal(r.estimate, 0.05);
    near(r.standardError, Math.sqrt(0.00011875));
    near(r.lower, 0.05 - 1.96 * Math.sqrt(0.00011875));
    near(r.upper, 0.05 + 1.96 * Math.sqrt(0.00011875));
    // It is the mean of m 0/1 losses with the biased Bernoulli σ: same as √(biased var / m).
    const losses = [...new Array<number>(20).fill(1), ...new Array<number>(380).fill(0)];
    near(r.standardError, Math.sqrt(sampleVariance(losses) / 400));
  });

  it("clips to [0, 1]; 0 or m errors give a zero-width interval", () => {
    // 1 error in 10: p = 0.1, SE = √(0.009) ≈ 0.0949, p − 1.96·SE < 0 → 0.
    const low = errorRateInterval(1, 10);
    assert.equal(low.lower, 0);
    near(low.upper, 0.1 + 1.96 * Math.sqrt(0.009));
    const high = errorRateInterval(9, 10);
    assert.equal(high.upper, 1);
    near(high.lower, 0.9 - 1.96 * Math.sqrt(0.009));
    assert.deepEqual(errorRateInterval(0, 50), { estimate: 0, standardError: 0, lower: 0, upper: 0 });
    assert.deepEqual(errorRateInterval(50, 50), { estimate: 1, standardError: 0, lower: 1, upper: 1 });
  });

  it("rejects impossible counts", () => {
    assert.throws(() => errorRateInterval(5, 0), (e: Error) => e instanceof ValueError && /need 0 ≤ errors ≤ m and m > 0, got 5 of 0/.test(e.message));
    assert.throws(() => errorRateInterval(-1, 10), /got -1 of 10/);
    assert.throws(() => errorRateInterval(11, 10), /got 11 of 10/);
    assert.throws(() => errorRateInterval(NaN, 10), /got NaN of 10/);
    assert.throws(() => errorRateInterval(1, NaN), /got 1 of NaN/);
  });
});

describe("comparing two models", () => {
  const iv = (lower: number, upper: number): Interval => ({ estimate: (lower + upper) / 2, standardError: (upper - lower) / 3.92, lower, upper });

  it("A is better than B when A's upper bound is below B's lower bound, and vice versa", () => {
    assert.equal(compareErrorIntervals(iv(0.01, 0.03), iv(0.05, 0.08)), "a better");
    assert.equal(compareErrorIntervals(iv(0.05, 0.08), iv(0.01, 0.03)), "b better");
  });

  it("overlapping or touching intervals are not significant", () => {
    assert.equal(compareErrorIntervals(iv(0.01, 0.06), iv(0.05, 0.08)), "not significant");
    assert.equal(compareErrorIntervals(iv(0.01, 0.05), iv(0.05, 0.08)), "not significant");
    assert.equal(compareErrorIntervals(iv(0.02, 0.04), iv(0.02, 0.04)), "not significant");
  });

  it("on real counts: 2% vs 6% of 1000 differ, 2% vs 3% of 1000 do not", () => {
    // 20/1000: SE ≈ 0.00443 → [0.0113, 0.0287]; 60/1000: SE ≈ 0.00751 → [0.0453, 0.0747].
    assert.equal(compareErrorIntervals(errorRateInterval(20, 1000), errorRateInterval(60, 1000)), "a better");
    // 30/1000: SE ≈ 0.00539 → [0.0194, 0.0406], overlapping [0.0113, 0.0287].
    assert.equal(compareErrorIntervals(errorRateInterval(20, 1000), errorRateInterval(30, 1000)), "not significant");
  });
});
