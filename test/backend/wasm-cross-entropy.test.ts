/**
 * The wasm backend's softmax cross-entropy kernels against the reference kernels: one row and
 * one class, C = 10 and 1000, logits in [−1, 1) and scaled to ±1000 (exp underflows to 0 for all
 * but the largest), ignored positions, class weights, label smoothing 0, 0.1 and 1, transposed
 * (non-contiguous) x, and the cases handed to the reference backend (probability targets, extra
 * dims s > 1, float64).
 *
 * Both compute in float64 with the same formulas in the same order; the wasm's exp and log are
 * fdlibm's, as V8's Math.exp and Math.log, so lse, losses and dx agree bit for bit here. Other
 * engines may round exp and log differently by an ulp, which the tolerance below would absorb.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ClassScoresLayout, ClassTarget, View } from "../../src/backend/backend.js";
import { refKernels } from "../../src/backend/ref/index.js";
import { softmaxCrossEntropy, softmaxCrossEntropyGrad } from "../../src/backend/wasm/index.js";
import { assertSame, dense, gen, int, permuted, randomData } from "./wasm-util.js";

/** Asserts float64 arrays equal within a few ulps of their magnitude plus `abs`. */
function assertClose(got: Float64Array, want: Float64Array, abs: number, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    if (Object.is(got[i], want[i])) continue;
    const tol = 8 * 2 ** -52 * Math.abs(want[i]) + abs;
    if (!(Math.abs(got[i] - want[i]) <= tol)) assert.fail(`${label}: element ${i} is ${got[i]}, reference ${want[i]} (tolerance ${tol})`);
  }
}

/** Logits [n, c] times `scale`, dense or stored transposed. */
function logits(n: number, c: number, scale: number, strided: boolean): View {
  const v = strided ? permuted([n, c], [1, 0]) : dense([n, c]);
  const d = v.data as Float32Array;
  for (let i = 0; i < d.length; i++) d[i] *= scale;
  return v;
}

/** Random class indices in [0, c), with about a quarter ignored (negative). */
function classes(n: number, c: number): Int32Array {
  return Int32Array.from({ length: n }, () => (gen.random() < 0.25 ? -1 : int(0, c - 1)));
}

/** Runs forward and backward on both backends and compares them. */
function check(x: View, L: ClassScoresLayout, target: ClassTarget, w: Float64Array | null, eps: number, label: string): void {
  const ref = refKernels.softmaxCrossEntropy(x, L, target, w, eps);
  const got = softmaxCrossEntropy(x, L, target, w, eps);
  // lse = m + log Σ with |log Σ| ≤ log c; losses sum c terms of |wq·(lse − x)|.
  assertClose(got.lse, ref.lse, 8 * 2 ** -52 * Math.log(L.c + 1), `${label}: lse`);
  assertClose(got.losses, ref.losses, 0, `${label}: losses`);
  const scale = Float64Array.from({ length: L.n * L.s }, () => gen.random() * 2 - 1);
  const want = refKernels.softmaxCrossEntropyGrad(x, L, target, w, eps, ref.lse, scale, "float32", "float32");
  const have = softmaxCrossEntropyGrad(x, L, target, w, eps, ref.lse, scale, "float32", "float32");
  assertSame(have.dx, want.dx, `${label}: dx`);
  assert.equal(have.dTarget === null, want.dTarget === null, `${label}: dTarget presence`);
  if (have.dTarget && want.dTarget) assertSame(have.dTarget, want.dTarget, `${label}: dTarget`);
}

const shapes: [number, number][] = [[1, 1], [1, 10], [4, 1], [3, 3], [64, 10], [7, 13], [5, 1000], [1, 1000]];

test("wasm softmaxCrossEntropy matches the reference on class-index targets", () => {
  for (const [n, c] of shapes) {
    for (const scale of [1, 1000]) {
      for (let variant = 0; variant < 4; variant++) {
        const strided = variant % 2 === 1;
        const w = variant >= 2 ? Float64Array.from(randomData(c), (v) => 1.5 + v) : null;
        for (const eps of [0, 0.1, 1]) {
          const x = logits(n, c, scale, strided);
          check(x, { n, c, s: 1 }, { classes: classes(n, c) }, w, eps, `[${n}, ${c}] ×${scale} variant ${variant} ε ${eps}`);
        }
      }
    }
  }
});

test("wasm softmaxCrossEntropy matches on random shapes", () => {
  for (let r = 0; r < 40; r++) {
    const n = int(1, 20);
    const c = int(1, 40);
    const w = gen.random() < 0.5 ? Float64Array.from(randomData(c), (v) => 1 + v) : null;
    const x = logits(n, c, gen.random() < 0.3 ? 1000 : 10, gen.random() < 0.5);
    check(x, { n, c, s: 1 }, { classes: classes(n, c) }, w, gen.random() < 0.5 ? 0 : gen.random(), `random [${n}, ${c}]`);
  }
});

test("exp and log agree on every branch", () => {
  // Rows holding 0 (the maximum) and values swept densely over exp's argument ranges: k = 0,
  // k = −1 (up to 1.5·ln2), the general reduction, and near and below underflow.
  const ranges: [number, number][] = [[-0.01, 0], [-2, 0], [-60, -1], [-760, -690]];
  for (const [lo, hi] of ranges) {
    const n = 50, c = 64;
    const d = new Float32Array(n * c);
    for (let i = 0; i < d.length; i++) d[i] = i % c === 0 ? 0 : lo + (hi - lo) * gen.random();
    check(dense([n, c], d), { n, c, s: 1 }, { classes: classes(n, c) }, null, 0.1, `x − max in [${lo}, ${hi}]`);
  }
});

test("all-ignored rows give zero loss and zero gradient", () => {
  const x = logits(3, 5, 1, false);
  const L = { n: 3, c: 5, s: 1 };
  const target = { classes: new Int32Array([-1, -1, -1]) };
  const { losses, lse } = softmaxCrossEntropy(x, L, target, null, 0.2);
  assertSame(losses, new Float64Array(3), "losses");
  assertSame(softmaxCrossEntropyGrad(x, L, target, null, 0.2, lse, new Float64Array([1, 1, 1]), "float32", null).dx, new Float32Array(15), "dx");
});

test("cases the wasm kernels do not cover go to the reference", () => {
  // Probability targets (with their gradient), extra dims, float64 logits.
  const probs = dense([4, 6]);
  check(logits(4, 6, 1, false), { n: 4, c: 6, s: 1 }, { probs }, null, 0.1, "probability targets");
  check(logits(3, 4 * 5, 1, true), { n: 3, c: 4, s: 5 }, { classes: classes(15, 4) }, null, 0, "s = 5");
  const x64: View = { data: Float64Array.from(randomData(12)), shape: [3, 4], strides: [4, 1], offset: 0 };
  const L = { n: 3, c: 4, s: 1 };
  const target = { classes: classes(3, 4) };
  const ref = refKernels.softmaxCrossEntropy(x64, L, target, null, 0);
  assertSame(softmaxCrossEntropy(x64, L, target, null, 0).losses, ref.losses, "float64 losses");
  const scale = new Float64Array([1, 2, 3]);
  assertSame(
    softmaxCrossEntropyGrad(x64, L, target, null, 0, ref.lse, scale, "float64", null).dx,
    refKernels.softmaxCrossEntropyGrad(x64, L, target, null, 0, ref.lse, scale, "float64", null).dx,
    "float64 dx",
  );
});
