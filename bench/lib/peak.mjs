/**
 * The machine's practical WebAssembly SIMD128 f32 peak, single thread: a tiny hand-assembled wasm
 * module runs `chains` independent accumulators acc = acc·m + c (f32x4.mul then f32x4.add, 8 FLOPs
 * per chain step), iterated `iters` times; the best GFLOP/s over a few chain counts (enough chains
 * to hide the latency of the dependent mul+add, few enough not to spill registers). With `fused`,
 * each step is one relaxed-SIMD f32x4.relaxed_madd instead: the peak of the relaxed-SIMD GEMM
 * build (Node 20 needs --experimental-wasm-relaxed-simd; later engines have it).
 */
import { median } from "./measure.mjs";

/** One line describing how the peak is measured, for reports. */
export const PEAK_METHOD = "hand-assembled wasm: independent f32x4 chains acc·m + c (mul then add, or one relaxed_madd; 8 FLOP per chain step), best of 8/10/12/14 chains, median of 5 runs each, single thread";

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
const [F32X4_SPLAT, F32X4_ADD, F32X4_MUL, F32X4_EXTRACT, F32X4_RELAXED_MADD] = [0x13, 0xe4, 0xe6, 0x1f, 0x105];

/**
 * (func (param $n i32) (result f32)) running `chains` chains acc = acc·m + c for $n iterations, as
 * a mul then an add, or as one relaxed fused multiply-add if `fused`.
 */
function peakModule(chains, fused) {
  const m = chains + 1, c = chains + 2; // locals: 0 = n, 1..chains = accumulators, then m, c
  const body = [
    0x01, ...uleb(chains + 2), 0x7b, // v128 locals
    0x43, ...f32(0.999), ...SIMD(F32X4_SPLAT), 0x21, ...uleb(m),
    0x43, ...f32(0.001), ...SIMD(F32X4_SPLAT), 0x21, ...uleb(c),
    0x03, 0x40, // loop
  ];
  for (let i = 1; i <= chains; i++) {
    if (fused) body.push(0x20, ...uleb(i), 0x20, ...uleb(m), 0x20, ...uleb(c), ...SIMD(F32X4_RELAXED_MADD), 0x21, ...uleb(i));
    else body.push(0x20, ...uleb(i), 0x20, ...uleb(m), ...SIMD(F32X4_MUL), 0x20, ...uleb(c), ...SIMD(F32X4_ADD), 0x21, ...uleb(i));
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

/** Median seconds of `fn()` over 5 runs after one warm-up run. */
function time(fn) {
  fn();
  const ts = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    fn();
    ts.push((performance.now() - t0) / 1e3);
  }
  return median(ts);
}

/**
 * `{ gflops, chains }`: the best single-thread SIMD128 mul+add (or, if `fused`, relaxed fused
 * multiply-add) rate over the chain counts.
 * `iters` loop iterations per run (2e7 ≈ 0.1 s per run on a ~30 GFLOP/s core).
 */
export function measurePeak(iters = 2e7, fused = false) {
  let best = { gflops: 0, chains: 0 };
  for (const chains of [8, 10, 12, 14]) {
    const peak = peakModule(chains, fused);
    const gflops = (iters * chains * 8) / time(() => peak(iters)) / 1e9; // 4 lanes × (mul + add) per chain step
    if (gflops > best.gflops) best = { gflops, chains };
  }
  return best;
}
