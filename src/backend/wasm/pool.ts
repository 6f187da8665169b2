/**
 * The wasm backend's pooling kernels (`Kernels.maxPool`, `avgPool`, `avgPoolGrad`,
 * `scatterPlanes`) for float32 data, 2-D windows for the first three (1-D ones as 2-D windows over
 * a 1-high plane); anything else goes to the reference kernels. The wasm (assembly/pool.ts) follows the reference's visiting and summation
 * order, so results are identical to it, indices and NaN handling included.
 */
import type { View, WindowGeometry } from "../backend.js";
import { refKernels } from "../ref/index.js";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { numel } from "../../tensor/shape.js";
import { layout, wasmRuntime, type WasmRuntime } from "./loader.js";
import { float32Only, lift1d, liftWindow, putDense, window2d } from "./io.js";

/** Whether a window kernel runs in wasm: float32 [N, C, H, W] data and a 2-D window. */
const window2dApplies = (v: View, geom: WindowGeometry) => v.shape.length === 4 && geom.kernel.length === 2 && v.data instanceof Float32Array;

/** Whether a 1-D window over float32 [N, C, L] runs here as the 2-D one over [N, C, 1, L] (`lift1d`). */
const lifts = (v: View, geom: WindowGeometry) => v.shape.length === 3 && geom.kernel.length === 1 && v.data instanceof Float32Array;

/** A 2×2 window at stride 2 without padding or dilation (the specialised max-pooling kernel's case). */
const isPlain2x2 = (g: WindowGeometry) =>
  [g.kernel, g.stride].every(([a, b]) => a === 2 && b === 2) && g.padding.every((p) => p === 0) && g.dilation.every((d) => d === 1);

/** Whether `maxPool2x2` computes this pooling of H×W planes: a plain 2×2 window, every window inside. */
export const takesPlain2x2 = (g: WindowGeometry, H: number, W: number) => isPlain2x2(g) && 2 * g.outSize[0] <= H && 2 * g.outSize[1] <= W;

/** Max (or min) pooling of x [N, C, H, W]: values and the winner's flat index within its plane. */
export function maxPool(x: View, geom: WindowGeometry, mode: "max" | "min"): { values: TypedArray; indices: Int32Array } {
  if (lifts(x, geom)) return maxPool(lift1d(x), liftWindow(geom), mode);
  if (!window2dApplies(x, geom)) return refKernels.maxPool(x, geom, mode);
  const [N, C, H, W] = x.shape;
  const planes = N * C;
  const size = planes * numel(geom.outSize);
  if (size === 0) return { values: new Float32Array(0), indices: new Int32Array(0) };
  const rt = wasmRuntime();
  const at = layout(rt, planes * H * W, size, size);
  if (!at) return refKernels.maxPool(x, geom, mode);
  const [xAt, vAt, iAt] = at;
  putDense(x, rt.f32(), xAt / 4);
  const sign = mode === "max" ? 1 : -1;
  const [oh, ow] = geom.outSize;
  if (takesPlain2x2(geom, H, W)) rt.pool.maxPool2x2(xAt, planes, H, W, oh, ow, sign, vAt, iAt);
  else rt.pool.maxPool2d(xAt, planes, ...window2d([H, W], geom), sign, vAt, iAt);
  return { values: rt.f32().slice(vAt / 4, vAt / 4 + size), indices: rt.i32().slice(iAt / 4, iAt / 4 + size) };
}

/**
 * Lays out [input, divisor table, output] and fills the divisor table (f64, one per output
 * position); null when the memory cannot grow.
 */
function avgLayout(
  inputSize: number, outputSize: number, inSpatial: readonly number[], geom: WindowGeometry, countIncludePad: boolean, divisorOverride: number | null,
): { rt: WasmRuntime; at: number[] } | null {
  const rt = wasmRuntime();
  const at = layout(rt, inputSize, 2 * numel(geom.outSize), outputSize);
  if (!at) return null;
  const [H, W, kh, kw, sh, sw, ph, pw, , , oh, ow] = window2d(inSpatial, geom);
  rt.pool.avgDivisors2d(H, W, kh, kw, sh, sw, ph, pw, oh, ow, countIncludePad, divisorOverride ?? 0, at[1]);
  return { rt, at };
}

/** Average pooling of x [N, C, H, W] (divisors as PyTorch, see `Kernels.avgPool`). */
export function avgPool(x: View, geom: WindowGeometry, countIncludePad: boolean, divisorOverride: number | null): TypedArray {
  if (lifts(x, geom)) return avgPool(lift1d(x), liftWindow(geom), countIncludePad, divisorOverride);
  // A divisor override of 0 is passed to wasm as "none"; the reference handles it.
  if (!window2dApplies(x, geom) || divisorOverride === 0) return refKernels.avgPool(x, geom, countIncludePad, divisorOverride);
  const [N, C, H, W] = x.shape;
  const planes = N * C;
  const size = planes * numel(geom.outSize);
  if (size === 0) return new Float32Array(0);
  const r = avgLayout(planes * H * W, size, [H, W], geom, countIncludePad, divisorOverride);
  if (!r) return refKernels.avgPool(x, geom, countIncludePad, divisorOverride);
  const [xAt, divAt, outAt] = r.at;
  putDense(x, r.rt.f32(), xAt / 4);
  r.rt.pool.avgPool2d(xAt, planes, ...window2d([H, W], geom), divAt, outAt);
  return r.rt.f32().slice(outAt / 4, outAt / 4 + size);
}

/** Adjoint of `avgPool`: g [N, C, oh, ow] → [N, C, ...inSpatial]. */
export function avgPoolGrad(g: View, inSpatial: readonly number[], geom: WindowGeometry, countIncludePad: boolean, divisorOverride: number | null): TypedArray {
  if (lifts(g, geom)) return avgPoolGrad(lift1d(g), [1, inSpatial[0]], liftWindow(geom), countIncludePad, divisorOverride);
  if (!window2dApplies(g, geom) || divisorOverride === 0) return refKernels.avgPoolGrad(g, inSpatial, geom, countIncludePad, divisorOverride);
  const planes = g.shape[0] * g.shape[1];
  const size = planes * numel(inSpatial);
  if (size === 0) return new Float32Array(0);
  const r = avgLayout(planes * numel(geom.outSize), size, inSpatial, geom, countIncludePad, divisorOverride);
  if (!r) return refKernels.avgPoolGrad(g, inSpatial, geom, countIncludePad, divisorOverride);
  const [gAt, divAt, outAt] = r.at;
  putDense(g, r.rt.f32(), gAt / 4);
  r.rt.pool.avgPoolGrad2d(gAt, planes, ...window2d(inSpatial, geom), divAt, outAt);
  return r.rt.f32().slice(outAt / 4, outAt / 4 + size);
}

/** out[p].flat[indices[p, i]] += src[p, i] over `planes` planes of `planeSize` (`Kernels.scatterPlanes`). */
export function scatterPlanes(src: View, indices: View, planes: number, planeSize: number, outDtype: DType): TypedArray {
  if (!float32Only(outDtype, src) || !(indices.data instanceof Int32Array)) {
    return refKernels.scatterPlanes(src, indices, planes, planeSize, outDtype);
  }
  const n = numel(src.shape);
  const size = planes * planeSize;
  if (size === 0 || n === 0) return new Float32Array(size);
  const rt = wasmRuntime();
  const at = layout(rt, n, n, size);
  if (!at) return refKernels.scatterPlanes(src, indices, planes, planeSize, outDtype);
  const [srcAt, idxAt, outAt] = at;
  putDense(src, rt.f32(), srcAt / 4);
  putDense(indices, rt.i32(), idxAt / 4);
  rt.pool.scatterPlanes(srcAt, idxAt, planes, n / planes, planeSize, outAt);
  return rt.f32().slice(outAt / 4, outAt / 4 + size);
}
