#!/usr/bin/env node
/**
 * Single-thread SGEMM benchmark: GFLOP/s of the wasm backend's matmul kernel against the
 * reference kernel for square n×n matrices (median of several runs), and the machine's practical
 * SIMD128 peak, measured with a tiny hand-assembled wasm module of independent f32x4 mul+add
 * chains, so the GEMM can be stated as a share of it.
 *
 * Usage (after `npx tsc -p .`): node bench/sgemm.mjs [n ...]   (default 256 512 1024)
 * The reference kernel is only timed up to n = 512 (it runs near 1 GFLOP/s).
 */
import { matmul as wasmMatmul, wasmSupported } from "../build/src/backend/wasm/index.js";
import { refKernels } from "../build/src/backend/ref/index.js";

if (!wasmSupported()) {
  console.error("sgemm bench: this engine has no WebAssembly SIMD128");
  process.exit(1);
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(256, 512, 1024);
const REF_MAX_N = 512;

function median(xs) {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

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

// ---- peak: `chains` independent accumulators acc = acc·m + c, iterated `iters` times ----------
const uleb = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const f32 = (x) => [...new Uint8Array(new Float32Array([x]).buffer)];
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const SIMD = (op) => [0xfd, ...uleb(op)];
const [F32X4_SPLAT, F32X4_ADD, F32X4_MUL, F32X4_EXTRACT] = [0x13, 0xe4, 0xe6, 0x1f];

/** (func (param $n i32) (result f32)) running `chains` mul+add chains for $n iterations. */
function peakModule(chains) {
  const m = chains + 1, c = chains + 2; // locals: 0 = n, 1..chains = accumulators, then m, c
  const body = [
    0x01, ...uleb(chains + 2), 0x7b, // v128 locals
    0x43, ...f32(0.999), ...SIMD(F32X4_SPLAT), 0x21, ...uleb(m),
    0x43, ...f32(0.001), ...SIMD(F32X4_SPLAT), 0x21, ...uleb(c),
    0x03, 0x40, // loop
  ];
  for (let i = 1; i <= chains; i++) {
    body.push(0x20, ...uleb(i), 0x20, ...uleb(m), ...SIMD(F32X4_MUL), 0x20, ...uleb(c), ...SIMD(F32X4_ADD), 0x21, ...uleb(i));
  }
  body.push(0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b); // n -= 1; br_if n; end
  body.push(0x20, 0x01);
  for (let i = 2; i <= chains; i++) body.push(0x20, ...uleb(i), ...SIMD(F32X4_ADD));
  body.push(...SIMD(F32X4_EXTRACT), 0x00, 0x0b);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x01, 0x7d]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, 0x04, ...[..."peak"].map((ch) => ch.charCodeAt(0)), 0x00, 0x00]),
    ...section(10, [0x01, ...uleb(body.length), ...body]),
  ];
  return new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes))).exports.peak;
}

/** Best GFLOP/s over a few chain counts (enough chains to hide latency, few enough not to spill). */
function measurePeak() {
  let best = { gflops: 0, chains: 0 };
  for (const chains of [8, 10, 12, 14]) {
    const peak = peakModule(chains);
    const iters = 2e7;
    const secs = time(() => peak(iters), 5);
    const gflops = (iters * chains * 8) / secs / 1e9; // 4 lanes × (mul + add) per chain step
    if (gflops > best.gflops) best = { gflops, chains };
  }
  return best;
}

// ---- run -----------------------------------------------------------------------------------
const peak = measurePeak();
console.log(`SIMD128 f32x4 mul+add peak (single thread): ${peak.gflops.toFixed(1)} GFLOP/s (${peak.chains} chains)\n`);

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
