/**
 * The wasm backend's normalization kernels (`Kernels.normStats`, `normalize`, `normalizeGrad`)
 * for float32 data, on assembly/norm.ts; float64 and empty inputs go to the reference kernels.
 * The wasm computes in f64 with the reference's formulas and order, so results equal the
 * reference's except where it adds a row of S > 1 values, or a statistic's block of channels,
 * in two lanes rather than one after another: those sums may then differ in the last f64 bits.
 *
 * Operands are copied densely into wasm memory; per-channel parameters and per-statistic
 * values travel as f64 arrays. A missing weight or bias becomes ones or zeros, the values the
 * reference uses in its place.
 */
import type { NormLayout, View } from "../backend.js";
import { refKernels } from "../ref/index.js";
import { inputGradTerms, perStat, statCount } from "../ref/normalization.js";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { contiguousStrides } from "../../tensor/shape.js";
import { layout, wasmRuntime, type WasmRuntime } from "./loader.js";
import { putDense } from "./io.js";

/** Whether the wasm kernels take these operands: float32 data (and output), not empty. */
const applies = (L: NormLayout, outDtype: DType | null, ...views: View[]): boolean =>
  L.N * L.C * L.S > 0 && (outDtype === null || outDtype === "float32") && views.every((v) => v.data instanceof Float32Array);

/** A float64 window of `n` values at byte address `at` of wasm memory (valid until it grows). */
const f64 = (rt: WasmRuntime, at: number, n: number): Float64Array => new Float64Array(rt.memory.buffer, at, n);

/** Writes the C values of a weight or bias view (row-major) at `at` as f64; `fill` when there is none. */
function putChannels(rt: WasmRuntime, at: number, C: number, v: View | null, fill: number): void {
  const out = f64(rt, at, C);
  if (v) refKernels.copy(v, { data: out, shape: v.shape, strides: contiguousStrides(v.shape), offset: 0 });
  else out.fill(fill);
}

/** Biased mean and variance of each statistic group (`Kernels.normStats`). */
export function normStats(x: View, L: NormLayout): { mean: Float64Array; variance: Float64Array } {
  if (!applies(L, null, x)) return refKernels.normStats(x, L);
  const size = L.N * L.C * L.S;
  const K = statCount(L);
  const rt = wasmRuntime();
  const at = layout(rt, size, 2 * K, 2 * K);
  if (!at) return refKernels.normStats(x, L);
  const [xAt, meanAt, varAt] = at;
  putDense(x, rt.f32(), xAt / 4);
  // Sums over [R, Q, T] for each q: batch norm reduces [N, C, S] over N and S; a grouped
  // statistic covers a contiguous block of M values, so the input is [1, K, M].
  const M = perStat(L);
  const [R, Q, T] = L.groups ? [1, K, M] : [L.N, L.C, L.S];
  f64(rt, meanAt, K).fill(0);
  f64(rt, varAt, K).fill(0);
  rt.norm.sums(R, Q, T, xAt, 0, meanAt);
  const mean = f64(rt, meanAt, K).map((s) => s / M);
  f64(rt, meanAt, K).set(mean);
  rt.norm.sums(R, Q, T, xAt, meanAt, varAt);
  return { mean, variance: f64(rt, varAt, K).map((s) => s / M) };
}

/** y = x·s + (β − μ·s) with s = invStd·γ per row (`Kernels.normalize`). */
export function normalize(
  x: View, L: NormLayout, mean: Float64Array, invStd: Float64Array, weight: View | null, bias: View | null, outDtype: DType,
): TypedArray {
  if (!applies(L, outDtype, x)) return refKernels.normalize(x, L, mean, invStd, weight, bias, outDtype);
  const { N, C, S, groups } = L;
  const size = N * C * S;
  const K = statCount(L);
  const rt = wasmRuntime();
  const at = layout(rt, size, 2 * K, 2 * K, 2 * C, 2 * C);
  if (!at) return refKernels.normalize(x, L, mean, invStd, weight, bias, outDtype);
  const [xAt, meanAt, invAt, wAt, bAt] = at;
  putDense(x, rt.f32(), xAt / 4);
  f64(rt, meanAt, K).set(mean);
  f64(rt, invAt, K).set(invStd);
  putChannels(rt, wAt, C, weight, 1);
  putChannels(rt, bAt, C, bias, 0);
  rt.norm.normalize(N, C, S, groups, xAt, meanAt, invAt, wAt, bAt, xAt, rt.scratch);
  return rt.f32().slice(xAt / 4, xAt / 4 + size);
}

/** Gradients of `normalize` (`Kernels.normalizeGrad`). */
export function normalizeGrad(
  x: View, g: View, L: NormLayout, mean: Float64Array, invStd: Float64Array, weight: View | null,
  statsFromInput: boolean, dxDtype: DType | null,
): { dx: TypedArray | null; dWeight: Float64Array; dBias: Float64Array } {
  const fallback = () => refKernels.normalizeGrad(x, g, L, mean, invStd, weight, statsFromInput, dxDtype);
  if (!applies(L, dxDtype, x, g)) return fallback();
  const { N, C, S, groups } = L;
  const size = N * C * S;
  const K = statCount(L);
  const rt = wasmRuntime();
  // x, g, then f64: mean, invStd, weight, then the zeroed sums dBias, dWeight, sumG, sumGX.
  const at = layout(rt, size, size, 2 * K, 2 * K, 2 * C, 4 * C + 4 * K);
  if (!at) return fallback();
  const [xAt, gAt, meanAt, invAt, wAt, sumsAt] = at;
  const [dBAt, dWAt, sGAt, sGXAt] = [sumsAt, sumsAt + 8 * C, sumsAt + 16 * C, sumsAt + 16 * C + 8 * K];
  const heap = rt.f32();
  putDense(x, heap, xAt / 4);
  putDense(g, heap, gAt / 4);
  f64(rt, meanAt, K).set(mean);
  f64(rt, invAt, K).set(invStd);
  putChannels(rt, wAt, C, weight, 1);
  f64(rt, sumsAt, 2 * C + 2 * K).fill(0);
  rt.norm.gradSums(N, C, S, groups, xAt, gAt, meanAt, invAt, wAt, dBAt, dWAt, sGAt, sGXAt, rt.scratch);
  const dBias = f64(rt, dBAt, C).slice();
  const dWeight = f64(rt, dWAt, C).slice();
  if (dxDtype === null) return { dx: null, dWeight, dBias };
  const { c0, c1 } = inputGradTerms(L, mean, invStd, f64(rt, sGAt, K), f64(rt, sGXAt, K), statsFromInput);
  f64(rt, sGAt, K).set(c0);
  f64(rt, sGXAt, K).set(c1);
  rt.norm.inputGrad(N, C, S, groups, xAt, gAt, invAt, wAt, sGAt, sGXAt, gAt, rt.scratch);
  return { dx: rt.f32().slice(gAt / 4, gAt / 4 + size), dWeight, dBias };
}
