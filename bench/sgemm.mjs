#!/usr/bin/env node
/**
 * Single-thread SGEMM benchmark: GFLOP/s of the wasm backend's matmul kernel against the
 * reference kernel for square n×n matrices (median of several runs), and the machine's practical
 * SIMD128 peak (bench/lib/peak.mjs: a tiny hand-assembled wasm module of independent f32x4 mul+add
 * chains, or relaxed fused multiply-adds when the GEMM uses them), so the GEMM can be stated as a
 * share of it. Relaxed SIMD is on where the engine has it (on Node 20 this script enables it as
 * the myelin CLI does; MYELIN_RELAXED_SIMD=0 measures the plain SIMD128 build).
 *
 * Usage (after `npx tsc -p .`): node bench/sgemm.mjs [n ...]   (default 256 512 1024)
 * The reference kernel is only timed up to n = 512 (it runs near 1 GFLOP/s).
 */
import "../build/src/cli/relaxed-simd.js";
import { matmul as wasmMatmul, relaxedSimdEnabled, wasmSupported } from "../build/src/backend/wasm/index.js";
import { refKernels } from "../build/src/backend/ref/index.js";
import { median } from "./lib/measure.mjs";
import { measurePeak, PEAK_METHOD } from "./lib/peak.mjs";

if (!wasmSupported()) {
  console.error("sgemm bench: this engine has no WebAssembly SIMD128");
  process.exit(1);
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(256, 512, 1024);
const REF_MAX_N = 512;

/** Median seconds of `fn()` over `reps` runs after one warm-up run. */
function time(fn, reps) {
  fn();
  const ts = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    ts.push((performance.now() - t0) / 1e3);
  }
  return median(ts);
}

/** Repetitions that keep one size to roughly a second of work. */
const repsFor = (n, gflops) => Math.max(3, Math.min(15, Math.round(1 / ((2 * n ** 3) / (gflops * 1e9)))));

function randomView(n) {
  const data = new Float32Array(n * n);
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
  return { data, shape: [1, n, n], strides: [n * n, n, 1], offset: 0 };
}

// ---- run -----------------------------------------------------------------------------------
const fused = relaxedSimdEnabled();
const peak = measurePeak(2e7, fused);
console.log(`GEMM build: ${fused ? "relaxed SIMD (fused multiply-add)" : "SIMD128 (mul+add)"}`);
console.log(`its peak (single thread): ${peak.gflops.toFixed(1)} GFLOP/s (${peak.chains} chains; ${PEAK_METHOD})\n`);

const rows = [];
for (const n of sizes) {
  const a = randomView(n), b = randomView(n);
  const flop = 2 * n ** 3;
  const wasmSecs = time(() => wasmMatmul(a, b, "float32"), repsFor(n, 25));
  const refSecs = n <= REF_MAX_N ? time(() => refKernels.matmul(a, b, "float32"), repsFor(n, 0.7)) : NaN;
  const w = flop / wasmSecs / 1e9, r = flop / refSecs / 1e9;
  rows.push({
    n,
    "wasm GFLOP/s": w.toFixed(2),
    "wasm ms": (wasmSecs * 1e3).toFixed(2),
    "% of peak": ((100 * w) / peak.gflops).toFixed(0),
    "ref GFLOP/s": Number.isNaN(r) ? "-" : r.toFixed(2),
    speedup: Number.isNaN(r) ? "-" : `${(w / r).toFixed(0)}×`,
  });
}
console.table(rows);
