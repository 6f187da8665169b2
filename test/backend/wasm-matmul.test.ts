/**
 * The wasm backend's matmul against the reference kernel (its oracle): many shapes including
 * empty and edge sizes, strided operands (transposes, stride-0 batch broadcast, offsets,
 * negative strides), non-float storage, the float64 fallback, and a real op through the registry.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { View } from "../../src/backend/backend.js";
import { refKernels } from "../../src/backend/ref/index.js";
import { matmul as wasmMatmul, wasmSupported } from "../../src/backend/wasm/index.js";
import { getBackend, listBackends, setBackend } from "../../src/backend/registry.js";
import { matmul } from "../../src/ops/matmul.js";
import { transpose } from "../../src/ops/movement.js";
import { sum } from "../../src/ops/reduce.js";
import { randn } from "../../src/tensor/create.js";
import { Generator } from "../../src/tensor/random.js";
import type { TypedArray } from "../../src/tensor/dtype.js";

const gen = new Generator(1234);
const EPS32 = 2 ** -23;

/** Storage of `size` uniform values in [-1, 1). */
function randomData(size: number): Float32Array {
  const d = new Float32Array(size);
  for (let i = 0; i < size; i++) d[i] = gen.random() * 2 - 1;
  return d;
}

function view<A extends TypedArray>(data: A, shape: number[], strides: number[], offset = 0): View<A> {
  return { data, shape, strides, offset };
}

/** Contiguous [B, R, C] view of fresh random storage. */
function dense(B: number, R: number, C: number): View<Float32Array> {
  return view(randomData(B * R * C), [B, R, C], [R * C, C, 1]);
}

/** [B, R, C] view over storage laid out [B, C, R], i.e. a transposed view (swapped strides). */
function transposed(B: number, R: number, C: number): View<Float32Array> {
  return view(randomData(B * R * C), [B, R, C], [R * C, 1, R]);
}

/**
 * Asserts wasm == ref elementwise within float32 summation-order error: |Δ| ≤ 8·K·ε·max|a|·max|b|
 * (operands here are within [-1, 1] or small integers, scaled by `scale`).
 */
function assertMatches(a: View, b: View, label: string, scale = 1): void {
  const K = a.shape[2];
  const got = wasmMatmul(a, b, "float32");
  const want = refKernels.matmul(a, b, "float32");
  assert.ok(got instanceof Float32Array, `${label}: result is a Float32Array`);
  assert.equal(got.length, want.length, `${label}: length`);
  const tol = 8 * Math.max(K, 1) * EPS32 * scale;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol)) assert.fail(`${label}: element ${i} is ${got[i]}, reference ${want[i]} (tolerance ${tol})`);
  }
}

test("wasm: SIMD128 is detected in Node", () => {
  assert.equal(wasmSupported(), true);
});

test("wasm matmul: dense operands of many shapes match the reference", () => {
  const shapes: [number, number, number, number][] = [
    // [B, M, K, N]
    [1, 1, 1, 1], [1, 1, 7, 1], [1, 7, 1, 1], [1, 1, 1, 9], [2, 5, 1, 9], [1, 4, 8, 8],
    [3, 7, 13, 11], [2, 3, 5, 7], [1, 8, 16, 16], [4, 1, 33, 17], [1, 17, 2, 3],
    [1, 129, 257, 65],   // edges in every dimension, K over one packed slice
    [2, 9, 300, 17],     // two K slices: the second accumulates into C
    [1, 133, 3, 1031],   // more than one row block (MC) and column block (NC)
    [1, 5, 600, 9],      // three K slices
  ];
  for (let i = 0; i < 20; i++) {
    const r = () => 1 + Math.floor(gen.random() * 23);
    shapes.push([1 + Math.floor(gen.random() * 3), r(), r(), r()]);
  }
  for (const [B, M, K, N] of shapes) assertMatches(dense(B, M, K), dense(B, K, N), `[${B},${M},${K}]x[${B},${K},${N}]`);
});

test("wasm matmul: empty sizes give empty or zero results", () => {
  for (const [B, M, K, N] of [[0, 2, 3, 4], [1, 0, 3, 4], [2, 3, 0, 4], [1, 3, 4, 0], [2, 0, 0, 0]]) {
    const got = wasmMatmul(dense(B, M, K), dense(B, K, N), "float32");
    assert.ok(got instanceof Float32Array);
    assert.deepEqual(got, new Float32Array(B * M * N), `[${B},${M},${K}]x[${B},${K},${N}]`);
  }
});

test("wasm matmul: transposed operands (swapped strides) need no copy and match", () => {
  for (const [B, M, K, N] of [[1, 6, 5, 9], [2, 13, 31, 10], [1, 65, 129, 33], [1, 3, 270, 4]]) {
    const label = `[${B},${M},${K}]x[${B},${K},${N}]`;
    assertMatches(transposed(B, M, K), dense(B, K, N), `aᵀ ${label}`);
    assertMatches(dense(B, M, K), transposed(B, K, N), `bᵀ ${label}`);
    assertMatches(transposed(B, M, K), transposed(B, K, N), `aᵀbᵀ ${label}`);
  }
});

test("wasm matmul: batch broadcast (stride 0) on either or both operands", () => {
  const B = 5;
  for (const [M, K, N] of [[6, 25, 37], [1, 9, 10], [16, 150, 20], [7, 3, 1]]) {
    const aShared = view(randomData(M * K), [B, M, K], [0, K, 1]);
    const bShared = view(randomData(K * N), [B, K, N], [0, N, 1]);
    const label = `[${B},${M},${K}]x[${B},${K},${N}]`;
    assertMatches(aShared, dense(B, K, N), `a broadcast ${label}`);
    assertMatches(dense(B, M, K), bShared, `b broadcast ${label}`);
    assertMatches(transposed(B, M, K), bShared, `aᵀ with b broadcast ${label}`);
    assertMatches(aShared, bShared, `both broadcast ${label}`);
    // a row vector per batch whose batch stride is not M·K (M = 1 folding reads sa0).
    const rows = view(randomData(B * 3 * K), [B, 1, K], [3 * K, 999, 1], K);
    assertMatches(rows, bShared, `strided rows, b broadcast ${label}`);
  }
});

test("wasm matmul: offsets, padded rows, negative strides and row broadcast", () => {
  const [B, M, K, N] = [2, 7, 11, 9];
  // Sub-blocks of larger padded storage, starting at a non-zero offset.
  const a = view(randomData(3 + B * M * 20), [B, M, K], [M * 20, 20, 1], 3);
  const b = view(randomData(5 + B * K * 16 + 16), [B, K, N], [K * 16, 16, 1], 21);
  assertMatches(a, b, "offset views");
  // Rows of a read backwards, columns of b read backwards.
  const aRev = view(randomData(B * M * K), [B, M, K], [M * K, -K, 1], (M - 1) * K);
  const bRev = view(randomData(B * K * N), [B, K, N], [K * N, N, -1], N - 1);
  assertMatches(aRev, bRev, "negative strides");
  // Every row of a is the same row (stride 0 inside the matrix).
  assertMatches(view(randomData(K), [B, M, K], [0, 0, 1]), b, "row broadcast");
  // A thin, broadcast slice of big storage: gathered instead of copying the whole span.
  const big = randomData(400_000);
  const thin = view(big, [B, 3, 4], [0, 100_000, 1000], 7);
  assertMatches(thin, view(big, [B, 4, N], [3, 7, 40_000], 11), "thin slices of big storage");
});

test("wasm matmul: infinities and NaN propagate as in IEEE arithmetic (0·∞ = NaN)", () => {
  // a [1,5,2] × b [1,2,9]: edge tiles in both dims, so padding must not leak into stored values.
  const a = view(Float32Array.from([0, 1, 2, 0, 0, 0, NaN, 1, 1, 1]), [1, 5, 2], [10, 2, 1]);
  const bData = new Float32Array(18).map((_, i) => i - 5);
  bData[0] = Infinity;  // b[0,0]
  bData[12] = -Infinity; // b[1,3]
  const b = view(bData, [1, 2, 9], [18, 9, 1]);
  const got = wasmMatmul(a, b, "float32");
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 9; j++) {
      const want = a.data[2 * i] * bData[j] + a.data[2 * i + 1] * bData[9 + j];
      assert.ok(Object.is(got[i * 9 + j], Math.fround(want)), `(${i},${j}): got ${got[i * 9 + j]}, want ${want}`);
    }
  }
});

test("wasm matmul: int32 and bool storage are converted to float32", () => {
  const [B, M, K, N] = [2, 5, 6, 7];
  const ints = new Int32Array(B * M * K).map(() => Math.floor(gen.random() * 9) - 4);
  const bools = new Uint8Array(B * K * N).map(() => (gen.random() < 0.5 ? 1 : 0));
  const a = view(ints, [B, M, K], [M * K, K, 1]);
  const b = view(bools, [B, K, N], [K * N, N, 1]);
  assert.deepEqual(wasmMatmul(a, b, "float32"), refKernels.matmul(a, b, "float32")); // exact: small integers
});

test("wasm matmul: float64 inputs or output fall back to the reference kernel", () => {
  const a64 = view(Float64Array.from(randomData(12)), [1, 3, 4], [12, 4, 1]);
  const b64 = view(Float64Array.from(randomData(20)), [1, 4, 5], [20, 5, 1]);
  const out = wasmMatmul(a64, b64, "float64");
  assert.ok(out instanceof Float64Array);
  assert.deepEqual(out, refKernels.matmul(a64, b64, "float64"));
  const a32 = dense(1, 3, 4), b32 = dense(1, 4, 5);
  assert.deepEqual(wasmMatmul(a32, b32, "float64"), refKernels.matmul(a32, b32, "float64"));
});

test("wasm matmul: results are fresh arrays that later calls (and memory growth) leave alone", () => {
  const a = dense(1, 3, 4), b = dense(1, 4, 5);
  const first = wasmMatmul(a, b, "float32");
  const copy = first.slice();
  // Large enough to grow the wasm memory, which detaches its old buffer.
  assertMatches(dense(1, 300, 301), dense(1, 301, 302), "growth");
  const second = wasmMatmul(a, b, "float32");
  assert.notEqual(first, second);
  assert.deepEqual(first, copy);
  assert.deepEqual(second, copy);
});

test("wasm backend: matmul op and its gradients through the registry match ref", () => {
  assert.ok(listBackends().includes("wasm"), "the registry registers wasm when SIMD is supported");
  const previous = getBackend();
  setBackend("ref");
  const a = randn([3, 17, 23], { requiresGrad: true });
  const b = randn([23, 19], { requiresGrad: true });
  const run = () => {
    a.grad = null;
    b.grad = null;
    const y = matmul(a, transpose(b, 0, 1).contiguous().transpose(0, 1));
    sum(y).backward();
    return { y: y.data as Float32Array, ga: a.grad!.data as Float32Array, gb: b.grad!.data as Float32Array };
  };
  const ref = run();
  try {
    setBackend("wasm");
    assert.equal(getBackend(), "wasm");
    const got = run();
    // |values| ≲ 5 for sums of 23 (or 51) products of standard normals.
    for (const key of ["y", "ga", "gb"] as const) {
      assert.equal(got[key].length, ref[key].length);
      for (let i = 0; i < ref[key].length; i++) {
        assert.ok(Math.abs(got[key][i] - ref[key][i]) <= 1e-4 * (1 + Math.abs(ref[key][i])), `${key}[${i}]`);
      }
    }
  } finally {
    setBackend(previous);
  }
});
