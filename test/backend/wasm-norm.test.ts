/**
 * The wasm backend's normalization kernels (normStats, normalize, normalizeGrad) against the
 * reference kernels on batch-, group-, instance- and layer-norm layouts: BatchNorm1d rows of one
 * value ([128, 512], odd C), N = 1 with S > 1, odd S (vector tails), groups 0, 1, G and C,
 * non-contiguous x, g and weight views, weight and bias present or null, statistics from the
 * input or held constant, dx skipped, and the cases handed to the reference backend.
 *
 * Both compute in float64 with the same formulas. Where the wasm adds a row of S > 1 values
 * (or a group of channels) in two lanes instead of one after another, sums of M terms may differ
 * by the rounding of either order, at most 2(M − 1)·2⁻⁵³·Σ|term| each, so statistics and
 * gradient sums are compared within 4·M²·2⁻⁵³·max|term|, and dx (rounded to float32 from terms
 * built on such sums) within one float32 ulp plus that bound carried through its formula.
 * Everything else — BatchNorm1d statistics and gradients, every normalize output and every dx
 * with constant statistics — is bit for bit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { NormLayout, View } from "../../src/backend/backend.js";
import { refKernels } from "../../src/backend/ref/index.js";
import { normalize, normalizeGrad, normStats } from "../../src/backend/wasm/index.js";
import { numel } from "../../src/tensor/shape.js";
import { assertSame, dense, gen, int, permuted, randomData } from "./wasm-util.js";

/** A problem: x's shape and the statistic groups (−1: layer norm over everything after dim 0). */
interface Case {
  shape: number[];
  groups: number;
}

const cases: Case[] = [
  { shape: [128, 512], groups: 0 },    // BatchNorm1d in the W2 benchmark
  { shape: [128, 13], groups: 0 },     // odd C: scalar tail across channels
  { shape: [3, 1], groups: 0 },
  { shape: [1, 7, 9], groups: 0 },     // N = 1 with S > 1
  { shape: [4, 6, 5, 7], groups: 0 },  // BatchNorm2d, odd S
  { shape: [2, 3, 1], groups: 0 },     // S = 1 from a trailing dim
  { shape: [2, 6, 5, 7], groups: 1 },
  { shape: [2, 6, 5, 7], groups: 3 },
  { shape: [2, 6, 5, 7], groups: 6 },  // instance norm
  { shape: [1, 4, 33], groups: 2 },
  { shape: [5, 13], groups: -1 },      // LayerNorm, odd width
  { shape: [6, 512], groups: -1 },
  { shape: [3, 4, 10], groups: -1 },   // LayerNorm over [4, 10]
  { shape: [4, 12], groups: 4 },       // GroupNorm on [N, C]: runs of 3 channels
  { shape: [3, 10], groups: 5 },       // runs of 2
  { shape: [2, 5], groups: 5 },        // runs of 1
  { shape: [1, 1], groups: 1 },
];

function randomCase(): Case {
  const C = int(1, 12);
  const divisors = [...Array(C).keys()].map((i) => i + 1).filter((d) => C % d === 0);
  const spatial = gen.random() < 0.4 ? [] : [int(1, 9), ...(gen.random() < 0.5 ? [int(1, 5)] : [])];
  return { shape: [int(1, 5), C, ...spatial], groups: gen.random() < 0.4 ? 0 : divisors[int(0, divisors.length - 1)] };
}

/** The layout the nn functions hand the kernels for this case. */
function layoutOf({ shape, groups }: Case): NormLayout {
  if (groups < 0) return { N: shape[0], C: numel(shape.slice(1)), S: 1, groups: 1 };
  return { N: shape[0], C: shape[1], S: numel(shape.slice(2)), groups };
}

/** Random x with a nonzero mean (so centering matters), dense or laid out with its axes reversed. */
function input(shape: number[], strided: boolean): View {
  const v = strided ? permuted(shape, shape.map((_, i) => shape.length - 1 - i)) : dense(shape);
  const d = v.data as Float32Array;
  for (let i = 0; i < d.length; i++) d[i] = 3 + 2 * d[i];
  return v;
}

/** C per-channel values, either dense or every other element of a longer array. */
function channels(C: number, strided: boolean): View {
  return strided ? { data: randomData(2 * C + 1), shape: [C], strides: [2], offset: 1 } : dense([C]);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Asserts float64 arrays equal within `tol`, or exactly when `exact`. */
function assertClose(got: Float64Array, want: Float64Array, tol: number, exact: boolean, label: string): void {
  if (exact) return assertSame(got, want, label);
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol)) assert.fail(`${label}: element ${i} is ${got[i]}, reference ${want[i]} (tolerance ${tol})`);
  }
}

/** Bound on the difference of two summation orders of M terms of size ≤ `term`. */
const orderTol = (M: number, term: number): number => 4 * M * M * 2 ** -53 * term;

function check(c: Case, variant: number): void {
  const L = layoutOf(c);
  const what = `x[${c.shape}] groups ${c.groups} variant ${variant}`;
  const strided = variant % 2 === 1;
  const x = input(c.shape, strided);
  const g = strided ? permuted(c.shape, c.shape.map((_, i) => (i + 1) % c.shape.length)) : dense(c.shape);
  const weight = variant >= 2 ? channels(L.C, strided) : null;
  const bias = variant >= 2 ? channels(L.C, !strided) : null;
  // BatchNorm1d-like layouts add in the reference's order; everything else may reorder sums.
  const exact = L.S === 1 && L.groups === 0;
  const M = L.groups ? (L.C / L.groups) * L.S : L.N * L.S;
  const xMax = maxAbs(x.data);

  const ref = refKernels.normStats(x, L);
  const got = normStats(x, L);
  assertClose(got.mean, ref.mean, orderTol(M, xMax) / M, exact, `${what}: mean`);
  assertClose(got.variance, ref.variance, orderTol(M, xMax ** 2) / M, exact, `${what}: variance`);

  const invStd = ref.variance.map((v) => 1 / Math.sqrt(v + 1e-5));
  const { mean } = ref;
  assertSame(normalize(x, L, mean, invStd, weight, bias, "float32"), refKernels.normalize(x, L, mean, invStd, weight, bias, "float32"), `${what}: normalize`);

  // Bound on the backward's summed terms g, g·x̂, γ·g and γ·g·x̂ (|x − μ| ≤ 2·max|x|).
  const is = maxAbs(invStd);
  const term = maxAbs(g.data) * (1 + 2 * xMax * is) * Math.max(1, weight ? maxAbs(weight.data) : 1);
  for (const statsFromInput of [true, false]) {
    const label = `${what}, statsFromInput ${statsFromInput}`;
    const want = refKernels.normalizeGrad(x, g, L, mean, invStd, weight, statsFromInput, "float32");
    const have = normalizeGrad(x, g, L, mean, invStd, weight, statsFromInput, "float32");
    // Channel sums have N·S terms (batch norm: the same M).
    const perChannel = L.N * L.S;
    assertClose(have.dBias, want.dBias, orderTol(perChannel, term), exact, `${label}: dBias`);
    assertClose(have.dWeight, want.dWeight, orderTol(perChannel, term), exact, `${label}: dWeight`);
    const dx = have.dx as Float32Array;
    const ref = want.dx as Float32Array;
    if (exact || !statsFromInput) {
      assertSame(dx, ref, `${label}: dx`);
      continue;
    }
    assert.equal(dx.length, ref.length, `${label}: dx length`);
    // dx = a·g + c0 + c1·x with c0, c1 from per-statistic sums of M terms, scaled by invStd/M
    // (and invStd²·(|x| + |μ|)/M for the x̂ part).
    const slack = (orderTol(M, term) / M) * is * (1 + 2 * is * xMax);
    for (let i = 0; i < ref.length; i++) {
      const tol = Math.abs(ref[i]) * 2 ** -23 + slack;
      if (!(Math.abs(dx[i] - ref[i]) <= tol)) assert.fail(`${label}: dx element ${i} is ${dx[i]}, reference ${ref[i]} (tolerance ${tol})`);
    }
  }
  const skipped = normalizeGrad(x, g, L, mean, invStd, weight, true, null);
  assert.equal(skipped.dx, null, `${what}: dx skipped`);
  assertClose(skipped.dBias, refKernels.normalizeGrad(x, g, L, mean, invStd, weight, true, null).dBias, orderTol(L.N * L.S, term), exact, `${what}: dBias without dx`);
}

test("wasm normalization: batch, group, instance and layer norm layouts agree with the reference", () => {
  for (const c of cases) for (let variant = 0; variant < 4; variant++) check(c, variant);
});

test("wasm normalization: random layouts agree with the reference", () => {
  for (let t = 0; t < 60; t++) check(randomCase(), int(0, 3));
});

test("wasm normalization: float64 and empty inputs are the reference's results", () => {
  const L: NormLayout = { N: 3, C: 4, S: 5, groups: 2 };
  const x: View = { data: Float64Array.from(randomData(60)), shape: [3, 4, 5], strides: [20, 5, 1], offset: 0 };
  const s = refKernels.normStats(x, L);
  assertSame(normStats(x, L).mean, s.mean, "normStats float64");
  const invStd = s.variance.map((v) => 1 / Math.sqrt(v + 1e-5));
  assertSame(normalize(x, L, s.mean, invStd, null, null, "float64"), refKernels.normalize(x, L, s.mean, invStd, null, null, "float64"), "normalize float64");
  const grad = normalizeGrad(x, x, L, s.mean, invStd, null, true, "float64");
  assertSame(grad.dx!, refKernels.normalizeGrad(x, x, L, s.mean, invStd, null, true, "float64").dx!, "normalizeGrad float64");

  const E: NormLayout = { N: 0, C: 3, S: 1, groups: 0 };
  const empty = dense([0, 3]);
  assertSame(normStats(empty, E).mean, refKernels.normStats(empty, E).mean, "normStats empty");
  assertSame(normalize(empty, E, new Float64Array(3), new Float64Array(3), null, null, "float32"), new Float32Array(0), "normalize empty");
});
