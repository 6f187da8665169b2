#!/usr/bin/env node
/**
 * Per-kernel timings of one LeNet-5 training step (MNIST 28×28, batch 64; see src/models/lenet.ts):
 * every kernel call a step makes, with its real shapes, on the wasm backend and on the reference
 * backend, median of several runs. Copies in and out of wasm memory are included, as in training.
 *
 * Usage (after `npx tsc -p .`): node bench/kernels.mjs [--batch N] [--reps N] [--no-ref]
 *
 * Columns: "wasm" is the wasm backend; "ref+wasm GEMM" the reference kernel calling the wasm
 * `matmul` (how the wasm backend ran convolutions before they had wasm kernels: im2col and col2im
 * in JS, the column matrix copied into wasm memory for every GEMM); "ref" the reference backend.
 */
import * as wasm from "../build/src/backend/wasm/index.js";
import { refKernels as ref } from "../build/src/backend/ref/index.js";
import { median } from "./lib/measure.mjs";

if (!wasm.wasmSupported()) {
  console.error("kernels bench: this engine has no WebAssembly SIMD128");
  process.exit(1);
}

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const B = arg("--batch", 64);
const REPS = arg("--reps", 7);
const withRef = !process.argv.includes("--no-ref");

let seed = 1;
const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
function dense(shape) {
  const strides = [];
  let size = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = size;
    size *= shape[i];
  }
  return { data: Float32Array.from({ length: size }, random), shape, strides, offset: 0 };
}

/** Median milliseconds of fn() after one warm-up call. */
function time(fn, reps = REPS) {
  fn();
  const ts = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

// ---- the shapes of one LeNet-5 step ---------------------------------------------------------
const convGeom = (H, k, p) => ({ kernel: [k, k], stride: [1, 1], padding: [p, p], dilation: [1, 1], outSize: [H, H], groups: 1 });
const poolGeom = (H) => ({ kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], outSize: [H / 2, H / 2] });
const x1 = dense([B, 1, 28, 28]), w1 = dense([20, 1, 5, 5]), g1 = dense([B, 20, 28, 28]);
const x2 = dense([B, 20, 14, 14]), w2 = dense([50, 20, 5, 5]), g2 = dense([B, 50, 14, 14]);
const c1 = convGeom(28, 5, 2), c2 = convGeom(14, 5, 2);
const p1 = poolGeom(28), p2 = poolGeom(14);
const flat = dense([B, 2450]), fc1 = dense([500, 2450]), h = dense([B, 500]);
// linear(x, W) = x·Wᵀ with W [out, in]: the GEMM reads W transposed; its gradients are g·W and gᵀ·x.
const flatView = { ...flat, shape: [1, B, 2450], strides: [0, 2450, 1] };
const fc1T = { ...fc1, shape: [1, 2450, 500], strides: [0, 1, 2450] };
const hView = { ...h, shape: [1, B, 500], strides: [0, 500, 1] };
const hT = { ...h, shape: [1, 500, B], strides: [0, 1, 500] };
const bias = { data: dense([500]).data, shape: [B, 500], strides: [0, 1], offset: 0 };
const idx1 = wasm.maxPool(g1, p1, "max").indices;
const pooled1 = dense([B, 20, 14, 14]);
const idxView = { data: idx1, shape: pooled1.shape, strides: pooled1.strides, offset: 0 };
const P0 = { a: 0, b: 0 };

const cases = [
  ["conv1 forward", (k) => k.conv(x1, w1, c1, "im2col", "float32"), true],
  ["conv1 weight grad", (k) => k.convWeightGrad(x1, g1, c1, "im2col", "float32"), true],
  ["conv2 forward", (k) => k.conv(x2, w2, c2, "im2col", "float32"), true],
  ["conv2 input grad", (k) => k.convInputGrad(g2, w2, [14, 14], c2, "im2col", "float32"), true],
  ["conv2 weight grad", (k) => k.convWeightGrad(x2, g2, c2, "im2col", "float32"), true],
  ["fc1 forward x·Wᵀ (matmul)", (k) => k.matmul(flatView, fc1T, "float32")],
  ["fc1 input grad g·W (matmul)", (k) => k.matmul(hView, { ...fc1, shape: [1, 500, 2450], strides: [0, 2450, 1] }, "float32")],
  ["fc1 weight grad gᵀ·x (matmul)", (k) => k.matmul(hT, flatView, "float32")],
  ["maxPool 28→14 ×20", (k) => k.maxPool(g1, p1, "max")],
  ["scatterPlanes 14→28 ×20", (k) => k.scatterPlanes(pooled1, idxView, B * 20, 784, "float32")],
  ["relu [B,20,28,28]", (k) => k.unary("relu", g1, P0, "float32")],
  ["relu grad [B,20,28,28]", (k) => k.unaryGrad("relu", g1, g1, P0, "float32")],
  ["bias add [B,500]+[500]", (k) => k.binary("add", h, bias, [B, 500], "float32")],
  ["add same shape [B,20,28,28]", (k) => k.binary("add", g1, g1, g1.shape, "float32")],
  ["bias grad: sum [B,20,28,28] over 0,2,3", (k) => k.reduce("sum", g1, [0, 2, 3], "float32")],
];
/** The reference kernels, with the wasm GEMM under the composite (im2col) convolutions. */
const refOnWasmGemm = { ...ref, matmul: wasm.matmul };

const rows = [];
for (const [name, run, gemm] of cases) {
  const w = time(() => run(wasm));
  const before = gemm ? time(() => run(refOnWasmGemm)) : NaN;
  const r = withRef ? time(() => run(ref), Math.max(1, Math.floor(REPS / 3))) : NaN;
  const ms = (t) => (Number.isNaN(t) ? "-" : t.toFixed(2));
  rows.push({
    kernel: name,
    "wasm ms": ms(w),
    "ref+wasm GEMM ms": ms(before),
    "ref ms": ms(r),
    "speedup vs ref": withRef ? `${(r / w).toFixed(1)}×` : "-",
  });
}
console.log(`LeNet-5 step kernels, batch ${B} (median of ${REPS} runs; ref of ${Math.max(1, Math.floor(REPS / 3))})`);
console.table(rows);
