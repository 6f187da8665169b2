/**
 * Helpers shared by the wasm backend's parity tests: seeded random views (dense, offset,
 * permuted), dense copies, comparisons against the reference kernels — bit for bit
 * (`assertSame`, NaN-aware, −0 distinct from +0) or within float32 summation error (`assertNear`) —
 * and a kernel's results on 1 and on 2 threads (`onOneAndTwo`).
 */
import assert from "node:assert/strict";
import type { View } from "../../src/backend/backend.js";
import type { TypedArray } from "../../src/tensor/dtype.js";
import { contiguousStrides, numel } from "../../src/tensor/shape.js";
import { Generator } from "../../src/tensor/random.js";
import { getNumThreads, setNumThreads } from "../../src/backend/threads.js";
import { wasmRuntime } from "../../src/backend/wasm/loader.js";

export const gen = new Generator(20240611);

/** A uniform integer in [lo, hi]. */
export const int = (lo: number, hi: number): number => lo + (gen.nextUint32() % (hi - lo + 1));

/** `size` uniform values in [-1, 1). */
export function randomData(size: number): Float32Array {
  const d = new Float32Array(size);
  for (let i = 0; i < size; i++) d[i] = gen.random() * 2 - 1;
  return d;
}

/** A contiguous view of `data` (default: fresh random values) with the given shape, starting at `offset`. */
export function dense(shape: readonly number[], data?: TypedArray, offset = 0): View {
  const d = data ?? randomData(offset + numel(shape));
  return { data: d, shape, strides: contiguousStrides(shape), offset };
}

/**
 * A non-contiguous view of random storage with the given shape: the storage is laid out with
 * the axes in the order `perm` (a permutation of the axes), after `offset` unused elements.
 */
export function permuted(shape: readonly number[], perm: readonly number[], offset = 3): View {
  const stored = perm.map((a) => shape[a]);
  const storedStrides = contiguousStrides(stored);
  const strides = new Array<number>(shape.length);
  perm.forEach((a, i) => (strides[a] = storedStrides[i]));
  return { data: randomData(offset + numel(shape)), shape, strides, offset };
}

/** A dense Float32Array copy of any view, in row-major order. */
export function toDense(v: View): View {
  const n = numel(v.shape);
  const out = new Float32Array(n);
  const idx = new Array<number>(v.shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let at = v.offset;
    for (let d = 0; d < idx.length; d++) at += idx[d] * v.strides[d];
    out[k] = v.data[at];
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < v.shape[d]) break;
      idx[d] = 0;
    }
  }
  return dense(v.shape, out);
}

/** A number as text, with −0 shown as such. */
const fmt = (v: number): string => (Object.is(v, -0) ? "-0" : String(v));

/** Asserts identical arrays: same type and length, elements equal by Object.is (NaN = NaN, −0 ≠ +0). */
export function assertSame(got: TypedArray, want: TypedArray, label: string): void {
  assert.equal(got.constructor, want.constructor, `${label}: array type`);
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${label}: element ${i} is ${fmt(got[i])}, reference ${fmt(want[i])}`);
  }
}

/**
 * Asserts float32 results equal up to summation order: |got − want| ≤ tol·terms·2⁻²³·scale,
 * where `terms` is the number of products per output and `scale` bounds |each product|.
 */
export function assertNear(got: TypedArray, want: TypedArray, label: string, terms: number, scale = 1): void {
  assert.ok(got instanceof Float32Array, `${label}: result is a Float32Array`);
  assert.equal(got.length, want.length, `${label}: length`);
  const tol = 8 * Math.max(terms, 1) * 2 ** -23 * scale;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol)) assert.fail(`${label}: element ${i} is ${got[i]}, reference ${want[i]} (tolerance ${tol})`);
  }
}

/**
 * Results of `run` on 1 thread and on 2. Before the threaded run the per-call memory is filled
 * with NaN, so a part that did not run cannot pass unseen.
 */
export async function onOneAndTwo(run: () => TypedArray): Promise<[TypedArray, TypedArray]> {
  await setNumThreads(1);
  const one = run();
  await setNumThreads(2);
  assert.equal(getNumThreads(), 2, "the pool runs 2 threads");
  const rt = wasmRuntime();
  rt.f32().fill(NaN, rt.dataStart / 4);
  return [one, run()];
}
