/**
 * Shared helpers of the optim tests: deterministic parameter/gradient data as plain numbers,
 * tensors built from them, and element-wise comparison.
 */
import assert from "node:assert/strict";
import { tensor, type Tensor } from "../../src/index.js";

/** A small deterministic pseudo-random sequence in [-1, 1) (no dependence on Myelin's RNG). */
export function numbers(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(s / 2 ** 31 - 1);
  }
  return out;
}

/** A float64 (default) leaf tensor that requires grad. */
export function param(values: number[], shape: number[] = [values.length], dtype: "float32" | "float64" = "float64"): Tensor {
  return tensor(values, { shape, dtype }).requiresGrad_();
}

export function values(t: Tensor): number[] {
  return Array.from(t.toTypedArray());
}

/** |a − b| ≤ tol·(1 + |b|) elementwise. */
export function assertNear(actual: readonly number[], expected: readonly number[], tol = 1e-12, what = ""): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])))) {
      assert.fail(`${what} element ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}
