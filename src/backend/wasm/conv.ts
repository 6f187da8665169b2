/**
 * The wasm backend's convolution kernels (`Kernels.conv`, `convInputGrad`, `convWeightGrad`)
 * for algorithm "im2col" on float32 2-D data, and algorithm "direct" on 2-D depthwise float32
 * data (SIMD kernels in depthwise.ts); 1-D convolutions run as 2-D ones over a 1-high image, 3-D
 * ones as sums of 2-D ones over depth slices (conv3d.ts); other algorithms, ranks and dtypes go
 * to the reference kernels.
 *
 * Each call copies its two operands into wasm memory once and copies only the result out; the
 * column matrix never leaves wasm memory. Per image, the columns [C·K, L] (K taps, L output
 * positions) are unfolded into a scratch buffer (assembly/conv.ts) and fed to the SIMD GEMM
 * (assembly/sgemm.ts) with the groups as its batch, so one image's columns stay in cache; the
 * forward pass at column stride 1 instead pads the image once and unfolds it block by block
 * straight into the GEMM's packed panels (tasks.ts `convImage`):
 *
 * - forward:        y[n, g] = W[g] [M/G, C/G·K] · cols[n, g] [C/G·K, L]
 * - input gradient: dcols[n, g] = W[g]ᵀ · dy[n, g], then col2im into dx[n]
 * - weight gradient: dW[g] += dy[n, g] · cols[n, g]ᵀ over n (the GEMM accumulates in place)
 *
 * A 1×1 kernel with stride 1 and no padding has the image itself as its columns: no unfolding.
 * Cases handed to the reference kernels are called with this call's `this` (the active kernel
 * table), so their own GEMMs still run on the fastest `matmul`.
 */
import type { ConvAlgorithm, ConvGeometry, View, WindowGeometry } from "../backend.js";
import { refKernels } from "../ref/index.js";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { numel } from "../../tensor/shape.js";
import { layout, wasmRuntime, type Window2d } from "./loader.js";
import { float32Only, lift1d, liftWindow, putDense, runOnCopies, window2d } from "./io.js";
import { partsFor, runTask } from "./thread-pool.js";
import { takesPlain2x2 } from "./pool.js";
import { PANEL_WIDTH, panelBlockFloats, type TaskName } from "./tasks.js";
import { depthwiseApplies, directDepthwise, depthwiseConv, depthwiseInputGrad, depthwiseWeightGrad } from "./depthwise.js";
import { conv3d, conv3dInputGrad, conv3dWeightGrad } from "./conv3d.js";

/** Sizes of a 2-D convolution x [N, C, H, W] ⋆ w [M, C/G, kh, kw] → [N, M, oh, ow]. */
interface ConvDims {
  readonly N: number;
  readonly C: number;
  readonly M: number;
  readonly G: number;
  /** Output channels per group. */
  readonly Mg: number;
  /** Rows of one group's columns: C/G · kh·kw. */
  readonly CgK: number;
  /** Input positions per plane. */
  readonly P: number;
  /** Output positions per plane. */
  readonly L: number;
  /**
   * Floats of one part's column scratch: one image's columns, or for `panels` one block of packed
   * columns and the padded image they are read from (0 when the image is its own columns).
   */
  readonly colsSize: number;
  /** Whether the forward pass unfolds straight into the GEMM's packed panels (column stride 1). */
  readonly panels: boolean;
  readonly win: Window2d;
}

/**
 * Sizes of a 2-D convolution; `forward` selects the forward pass's column scratch, which is
 * blocks of packed panels (assembly/conv.ts `padImage`, `packPanels`) at column stride 1.
 */
function convDims(N: number, C: number, M: number, inSpatial: readonly number[], geom: ConvGeometry, forward = false): ConvDims {
  const G = geom.groups;
  const K = numel(geom.kernel);
  const L = numel(geom.outSize);
  const win = window2d(inSpatial, geom);
  const identity = K === 1 && geom.stride.every((s) => s === 1) && geom.padding.every((p) => p === 0);
  const panels = forward && !identity && geom.stride[1] === 1;
  const Cg = C / G;
  return {
    N, C, M, G, Mg: M / G, CgK: Cg * K, P: numel(inSpatial), L, panels, win,
    colsSize: identity ? 0 : panels ? panelScratch(Cg, K, L, win) : C * K * L,
  };
}

/**
 * Floats of the packed-panel scratch for Cg channels: one block of packed columns, then the
 * padded image [Cg, Hp, Wp] with 8 spare floats, the lane and tap offsets (`padImage`).
 */
function panelScratch(Cg: number, K: number, L: number, win: Window2d): number {
  const [, , kh, kw, sh, , , , dh, dw, oh, ow] = win;
  const Hp = (oh - 1) * sh + (kh - 1) * dh + 1;
  const Wp = ow + (kw - 1) * dw;
  return panelBlockFloats(Cg * K, L, wasmRuntime().sgemm.panelDepth()) + Cg * Hp * Wp + 8 + PANEL_WIDTH + Cg * K;
}

/**
 * Runs a convolution task (tasks.ts) on copies of its two operands, with one column buffer per
 * part; null when the memory cannot grow that far.
 */
function compute(
  task: TaskName, d: ConvDims, a: View, b: View, size: number, parts: number, bias: View | null = null, relu = false,
): Float32Array | null {
  return runOnCopies(task, a, b, size, parts * d.colsSize, (at) => taskArgs(d, relu, at), parts, bias);
}

/**
 * The convolution tasks' arguments (tasks.ts `convArgs`): sizes, the panels and ReLU flags, then the byte
 * addresses [a, b, result, column scratch, bias] and the window.
 */
function taskArgs(d: ConvDims, relu: boolean, at: readonly number[]): number[] {
  return [d.N, d.C, d.M, d.G, d.Mg, d.CgK, d.P, d.L, d.colsSize, d.panels ? 1 : 0, relu ? 1 : 0, ...at, ...d.win];
}

/** Whether the wasm path applies: im2col on float32 2-D operands. */
function applies(algorithm: ConvAlgorithm, outDtype: DType, a: View, b: View): boolean {
  return algorithm === "im2col" && a.shape.length === 4 && float32Only(outDtype, a, b);
}

/**
 * Whether a float32 call on operands of rank `rank` runs on this file's 2-D kernels (im2col, or a
 * direct depthwise convolution): 1-D calls as 2-D ones over [N, C, 1, L] (`lift1d`), 3-D ones as
 * sums over depth slices (conv3d.ts).
 */
export function on2dKernels(rank: number, algorithm: ConvAlgorithm, outDtype: DType, geom: ConvGeometry, channels: number, a: View, b: View): boolean {
  return a.shape.length === rank && (algorithm === "im2col" || directDepthwise(algorithm, geom, channels)) && float32Only(outDtype, a, b);
}

/**
 * Cross-correlation x [N, C, H, W] ⋆ w [M, C/G, kh, kw] (+ bias [M], then ReLU if `relu`) →
 * y [N, M, oh, ow] (`Kernels.conv`).
 */
export function conv(
  this: unknown, x: View, w: View, geom: ConvGeometry, algorithm: ConvAlgorithm, outDtype: DType, bias: View | null = null, relu = false,
): TypedArray {
  if (on2dKernels(3, algorithm, outDtype, geom, x.shape[1], x, w)) return conv.call(this, lift1d(x), lift1d(w), liftWindow(geom), algorithm, outDtype, bias, relu);
  if (on2dKernels(5, algorithm, outDtype, geom, x.shape[1], x, w)) return conv3d(x, w, geom, algorithm, bias, relu);
  if (depthwiseApplies(algorithm, outDtype, geom, x.shape[1], x, w)) return depthwiseConv(x, w, geom, bias, relu);
  if (!applies(algorithm, outDtype, x, w)) return refKernels.conv.call(this, x, w, geom, algorithm, outDtype, bias, relu);
  const d = convDims(x.shape[0], x.shape[1], w.shape[0], x.shape.slice(2), geom, true);
  const { N, M, CgK, L } = d;
  const size = N * M * L;
  if (size === 0 || CgK === 0) return new Float32Array(size);
  return (
    compute("convForward", d, x, w, size, partsFor(2 * size * CgK, N), bias, relu) ??
    refKernels.conv.call(this, x, w, geom, algorithm, outDtype, bias, relu)
  );
}

/**
 * The im2col convolution and the max pooling of its output in one task (`Kernels.convMaxPool`):
 * each image is convolved into a per-part buffer and pooled from there, so only the pooled values
 * (and the indices if asked) are copied out. Other cases compose the backend's `conv` and `maxPool`.
 */
export function convMaxPool(
  this: unknown, x: View, w: View, geom: ConvGeometry, algorithm: ConvAlgorithm, outDtype: DType, bias: View | null, relu: boolean,
  pool: WindowGeometry, withIndices: boolean,
): { values: TypedArray; indices: Int32Array | null } {
  const fallback = () => refKernels.convMaxPool.call(this, x, w, geom, algorithm, outDtype, bias, relu, pool, withIndices);
  if (!applies(algorithm, outDtype, x, w) || pool.kernel.length !== 2) return fallback();
  const d = convDims(x.shape[0], x.shape[1], w.shape[0], x.shape.slice(2), geom, true);
  const { N, M, CgK, L } = d;
  const size = N * M * numel(pool.outSize);
  if (size === 0 || CgK === 0) return fallback();
  const parts = partsFor(2 * N * M * L * CgK, N);
  const rt = wasmRuntime();
  // Each part's convolution output is pooled in place; + 4: the generic pooling kernel may read
  // one float past its input.
  const at = layout(rt, numel(x.shape), numel(w.shape), bias ? numel(bias.shape) : 0, size, size, parts * d.colsSize, parts * M * L + 4);
  if (!at) return fallback();
  const [xAt, wAt, bAt, vAt, iAt, colsAt, yAt] = at;
  const heap = rt.f32();
  putDense(x, heap, xAt / 4);
  putDense(w, heap, wAt / 4);
  if (bias) putDense(bias, heap, bAt / 4);
  const [oh, ow] = geom.outSize;
  const poolArgs = [vAt, iAt, takesPlain2x2(pool, oh, ow) ? 1 : 0, ...window2d([oh, ow], pool)];
  runTask("convMaxPoolForward", [...taskArgs(d, relu, [xAt, wAt, yAt, colsAt, bias ? bAt : 0]), ...poolArgs], parts);
  return { values: rt.f32().slice(vAt / 4, vAt / 4 + size), indices: withIndices ? rt.i32().slice(iAt / 4, iAt / 4 + size) : null };
}

/** ∂L/∂x of `conv`: dy [N, M, oh, ow] and w → dx [N, C, ...inSpatial] (`Kernels.convInputGrad`). */
export function convInputGrad(
  this: unknown, g: View, w: View, inSpatial: readonly number[], geom: ConvGeometry, algorithm: ConvAlgorithm, outDtype: DType,
): TypedArray {
  if (on2dKernels(3, algorithm, outDtype, geom, w.shape[1] * geom.groups, g, w)) {
    return convInputGrad.call(this, lift1d(g), lift1d(w), [1, inSpatial[0]], liftWindow(geom), algorithm, outDtype);
  }
  if (on2dKernels(5, algorithm, outDtype, geom, w.shape[1] * geom.groups, g, w)) return conv3dInputGrad(g, w, inSpatial, geom, algorithm);
  if (depthwiseApplies(algorithm, outDtype, geom, w.shape[1] * geom.groups, g, w)) return depthwiseInputGrad(g, w, inSpatial, geom);
  if (!applies(algorithm, outDtype, g, w)) return refKernels.convInputGrad.call(this, g, w, inSpatial, geom, algorithm, outDtype);
  const d = convDims(g.shape[0], w.shape[1] * geom.groups, g.shape[1], inSpatial, geom);
  const { N, C, M, Mg, CgK, P, L } = d;
  const size = N * C * P;
  if (size === 0 || Mg === 0 || L === 0) return new Float32Array(size);
  return (
    compute("convInputGrad", d, g, w, size, partsFor(2 * N * M * L * CgK, N)) ??
    refKernels.convInputGrad.call(this, g, w, inSpatial, geom, algorithm, outDtype)
  );
}

/** ∂L/∂w of `conv`: x and dy → dw [M, C/G, kh, kw], summed over the batch (`Kernels.convWeightGrad`). */
export function convWeightGrad(this: unknown, x: View, g: View, geom: ConvGeometry, algorithm: ConvAlgorithm, outDtype: DType): TypedArray {
  if (on2dKernels(3, algorithm, outDtype, geom, x.shape[1], x, g)) return convWeightGrad.call(this, lift1d(x), lift1d(g), liftWindow(geom), algorithm, outDtype);
  if (on2dKernels(5, algorithm, outDtype, geom, x.shape[1], x, g)) return conv3dWeightGrad(x, g, geom, algorithm);
  if (depthwiseApplies(algorithm, outDtype, geom, x.shape[1], x, g)) return depthwiseWeightGrad(x, g, geom);
  if (!applies(algorithm, outDtype, x, g)) return refKernels.convWeightGrad.call(this, x, g, geom, algorithm, outDtype);
  const d = convDims(x.shape[0], x.shape[1], g.shape[1], x.shape.slice(2), geom);
  const { N, M, G, CgK, L } = d;
  const size = M * CgK;
  if (size === 0 || N === 0 || L === 0) return new Float32Array(size);
  // Split over groups, or over the rows of dW (in whole register tiles of 4) when there is one.
  const parts = partsFor(2 * N * M * L * CgK, G > 1 ? G : Math.ceil(M / 4));
  return compute("convWeightGrad", d, x, g, size, parts) ?? refKernels.convWeightGrad.call(this, x, g, geom, algorithm, outDtype);
}
