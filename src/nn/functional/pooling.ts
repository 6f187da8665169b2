/**
 * Pooling, unpooling and upsampling with PyTorch semantics, layout [N, C, ...spatial] (an
 * unbatched [C, ...spatial] input is accepted wherever PyTorch accepts it). One N-D
 * implementation serves 1-D, 2-D and 3-D; every op records ONE autograd op.
 *
 * - Max/min/avg/sum pooling run on the backend's window kernels (`maxPool`, `avgPool`,
 *   `avgPoolGrad`, `scatterPlanes`). Output size per axis: ⌊(in + 2p − d(k−1) − 1 + (ceil ? s−1 : 0))/s⌋ + 1,
 *   and with ceil_mode the last window is dropped when it would start in the right padding.
 *   Padding may be at most half the kernel; padded positions never win a max and count as
 *   zeros in an average (divisor per count_include_pad / divisor_override, as PyTorch).
 * - Adaptive pooling and interpolation have windows of varying size, described by a "tap
 *   table" (for every output, the flat input positions it reads and their weights); one pair of
 *   loops applies a table and its adjoint. Taps are listed in raster order, so a max over them
 *   breaks ties towards the first element of the window, as PyTorch does.
 * - Max-unpooling and zero insertion place values into a zero tensor; their gradients read the
 *   upstream gradient back at the same positions.
 */
import { Tensor } from "../../tensor/tensor.js";
import { attach, noGrad } from "../../autograd/engine.js";
import { kernels } from "../../backend/registry.js";
import type { View, WindowGeometry } from "../../backend/backend.js";
import { allocArray, isFloat, type TypedArray } from "../../tensor/dtype.js";
import { numel, type Shape } from "../../tensor/shape.js";
import { fromKernel } from "../../ops/util.js";
import { contiguous, slice, squeeze, unsqueeze } from "../../ops/movement.js";
import { mean, type ValuesIndices } from "../../ops/reduce.js";
import { checkIndices } from "../../ops/indexing.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../errors.js";
import { expandTuple, fmtTuple, type IntOrTuple } from "./conv.js";

/** Spatial rank of a pooling op. */
export type PoolDims = 1 | 2 | 3;

/** Options of `maxPool1d`/`maxPool2d`/`maxPool3d` and `minPool2d` (PyTorch defaults). */
export interface MaxPoolOptions {
  /** Step between windows (default: the kernel size, i.e. non-overlapping windows). */
  stride?: IntOrTuple | null;
  /** Implicit −∞ padding on both sides of each axis (default 0; at most half the kernel). */
  padding?: IntOrTuple;
  /** Spacing between window taps (default 1). */
  dilation?: IntOrTuple;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Also return the flat position of each max within its (n, c) plane (default false). */
  returnIndices?: boolean;
}

/** Options of `avgPool1d`/`avgPool2d`/`avgPool3d` (PyTorch defaults). */
export interface AvgPoolOptions {
  /** Step between windows (default: the kernel size). */
  stride?: IntOrTuple | null;
  /** Implicit zero padding on both sides of each axis (default 0; at most half the kernel). */
  padding?: IntOrTuple;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count padded zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead (default: none). */
  divisorOverride?: number | null;
}

/** Options of `sumPool2d`. */
export interface SumPoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
}

/** Options of the adaptive max pooling. */
export interface AdaptiveMaxPoolOptions {
  /** Also return the flat position of each max within its (n, c) plane (default false). */
  returnIndices?: boolean;
}

/**
 * What a max pooling returns for options of type O: the pooled tensor, or `{ values, indices }`
 * (indices int32) when `returnIndices` is literally true; both when it is only known to be a boolean.
 */
export type MaxPoolResult<O> = O extends { returnIndices: true }
  ? ValuesIndices
  : "returnIndices" extends keyof O // (tested first: an all-optional type would reject an O without the key)
    ? O extends { returnIndices?: false }
      ? Tensor
      : Tensor | ValuesIndices
    : Tensor;

/** Output size of an adaptive pooling: one size for every axis, or one per axis (null keeps the input size). */
export type AdaptiveSize = number | readonly (number | null)[];

/** Options of `maxUnpool2d`. */
export interface MaxUnpoolOptions {
  /** The stride of the max pooling being inverted (default: the kernel size). */
  stride?: IntOrTuple | null;
  /** Its padding (default 0). */
  padding?: IntOrTuple;
  /**
   * The spatial size to restore ([H, W], or a full [N, C, H, W]); needed when the pooling
   * dropped a partial window. Default (in − 1)·s − 2p + k.
   */
  outputSize?: readonly number[] | null;
}

/** Interpolation modes; the linear ones need an input of matching rank (3-D, 4-D, 5-D). */
export type InterpolateMode = "nearest" | "linear" | "bilinear" | "trilinear";

/** Options of `interpolate` (exactly one of `size` and `scaleFactor`). */
export interface InterpolateOptions {
  /** Output spatial size. */
  size?: IntOrTuple;
  /** Multiplier of the spatial size (output = ⌊in · factor⌋); also sets the sampling step 1/factor. */
  scaleFactor?: number | readonly number[];
  /** Default "nearest". */
  mode?: InterpolateMode;
  /**
   * Linear modes only: map the corner pixel centres of input and output onto each other
   * (default false: the corner pixel edges, with out-of-range sample positions clamped).
   */
  alignCorners?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Shared checks and helpers
// ---------------------------------------------------------------------------------------------

const SPATIAL_NAMES: Record<PoolDims, string> = { 1: "L", 2: "H, W", 3: "D, H, W" };

const fmtSize = (v: readonly number[]) => v.join("x");

/** t when dense, else a dense copy; the window kernels need row-major data. */
const dense = (t: Tensor): Tensor => (t.isContiguous() ? t : noGrad(() => contiguous(t)));

/** Checks dtype and rank: [C, ...spatial] (unbatched) or [N, C, ...spatial], spatial sizes non-zero. */
function checkInput(label: string, D: PoolDims, x: Tensor, floatOnly: boolean): void {
  if (floatOnly && !isFloat(x.dtype)) throw new DTypeError(`${label}: expected a floating-point input, got ${x.dtype}`);
  if (x.ndim !== D + 1 && x.ndim !== D + 2) {
    throw new ShapeError(`${label}: expected ${D + 1}-D (unbatched) or ${D + 2}-D (batched) input [N, C, ${SPATIAL_NAMES[D]}], got ${fmtShape(x.shape)}`);
  }
  if (x.shape.slice(-D).some((n) => n === 0)) throw new ShapeError(`${label}: expected a non-empty spatial size, got input ${fmtShape(x.shape)}`);
}

/** Checks x (see `checkInput`) and returns it with a batch axis. */
function batched(label: string, D: PoolDims, x: Tensor, floatOnly: boolean): { xb: Tensor; unbatched: boolean } {
  checkInput(label, D, x, floatOnly);
  const unbatched = x.ndim === D + 1;
  return { xb: unbatched ? unsqueeze(x, 0) : x, unbatched };
}

const unbatch = (t: Tensor, unbatched: boolean) => (unbatched ? squeeze(t, 0) : t);

/**
 * Output length of a pooling along one axis, PyTorch's `pooling_output_shape`: with ceil_mode
 * the division rounds up, but a last window that would start in the right padding is dropped.
 */
export function pooledLength(inSize: number, kernel: number, stride: number, padding: number, dilation: number, ceilMode: boolean): number {
  const span = inSize + 2 * padding - dilation * (kernel - 1) - 1;
  let out = Math.floor((span + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= inSize + padding) out--;
  return out;
}

interface PoolArgs {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
}

/** Kernel, stride (default = kernel), padding and dilation as D-tuples, with PyTorch's checks. */
export function poolConfig(label: string, D: number, kernelSize: IntOrTuple, o: PoolArgs): Omit<WindowGeometry, "outSize"> {
  const kernel = expandTuple(label, "kernelSize", kernelSize, D, 1);
  const noStride = o.stride === undefined || o.stride === null || (typeof o.stride !== "number" && o.stride.length === 0);
  const stride = noStride ? kernel : expandTuple(label, "stride", o.stride as IntOrTuple, D, 1);
  const padding = expandTuple(label, "padding", o.padding ?? 0, D, 0);
  const dilation = expandTuple(label, "dilation", o.dilation ?? 1, D, 1);
  if (padding.some((p, i) => p > Math.floor(kernel[i] / 2))) {
    throw new ValueError(`${label}: padding should be at most half of the kernel size, got padding ${fmtTuple(padding)} and kernel size ${fmtTuple(kernel)}`);
  }
  return { kernel, stride, padding, dilation };
}

/** Full window geometry of a pooling on an input of shape [N, C, ...spatial]; throws when no window fits. */
export function poolGeometry(label: string, D: PoolDims, xShape: Shape, kernelSize: IntOrTuple, o: PoolArgs): WindowGeometry {
  const c = poolConfig(label, D, kernelSize, o);
  const inSpatial = xShape.slice(2);
  const outSize = inSpatial.map((n, i) => pooledLength(n, c.kernel[i], c.stride[i], c.padding[i], c.dilation[i], o.ceilMode ?? false));
  if (outSize.some((n) => n < 1)) {
    const span = c.kernel.map((k, i) => c.dilation[i] * (k - 1) + 1);
    const dil = c.dilation.some((d) => d !== 1) ? ` (dilated ${fmtSize(span)})` : "";
    throw new ShapeError(
      `${label}: kernel ${fmtSize(c.kernel)}${dil} is larger than the padded input ${fmtSize(inSpatial.map((n, i) => n + 2 * c.padding[i]))} ` +
        `(input ${fmtShape(xShape)}, padding ${fmtTuple(c.padding)}): output size ${fmtSize(outSize)} is too small`,
    );
  }
  return { ...c, outSize };
}

// ---------------------------------------------------------------------------------------------
// Max / min pooling
// ---------------------------------------------------------------------------------------------

/** out[p].flat[indices[p, i]] += g[p, i] over planes (the max-pool backward); index −1 is skipped. */
function scatterToPlanes(g: Tensor, indices: Tensor, planes: number, planeSize: number, hasEmpty: boolean): TypedArray {
  let src: Tensor = dense(g);
  let idx = indices;
  if (hasEmpty) {
    const sd = allocArray(g.dtype, g.size);
    const id = new Int32Array(indices.size);
    for (let k = 0; k < id.length; k++) {
      const i = indices.data[k];
      if (i >= 0) {
        id[k] = i;
        sd[k] = src.data[src.offset + k];
      }
    }
    src = fromKernel(sd, g.shape);
    idx = fromKernel(id, indices.shape);
  }
  return kernels().scatterPlanes(src, idx, planes, planeSize, g.dtype);
}

/**
 * N-D max (or min) pooling behind `maxPool1d/2d/3d` and `minPool2d`: values and int32 indices
 * (flat positions within each (n, c) input plane, as PyTorch's return_indices). The gradient
 * goes to the winner of each window, accumulated where windows overlap.
 */
function extremePool(D: PoolDims, x: Tensor, kernelSize: IntOrTuple, o: MaxPoolOptions, label: string, mode: "max" | "min"): ValuesIndices {
  const { xb, unbatched } = batched(label, D, x, false);
  const geom = poolGeometry(label, D, xb.shape, kernelSize, o);
  const [N, C, ...inSpatial] = xb.shape;
  const outShape = [N, C, ...geom.outSize];
  const r = kernels().maxPool(dense(xb), geom, mode);
  // Index −1 marks a window with no real element (possible with dilation and padding): its
  // value is ∓∞, as in PyTorch, and it passes no gradient.
  const hasEmpty = r.indices.includes(-1);
  const indices = fromKernel(r.indices, outShape);
  const values = attach(fromKernel(r.values, outShape), label, [xb], (g) => [
    fromKernel(scatterToPlanes(g, indices, N * C, numel(inSpatial), hasEmpty), xb.shape),
  ]);
  return { values: unbatch(values, unbatched), indices: unbatch(indices, unbatched) };
}

/**
 * N-D max pooling (`maxPool1d/2d/3d` with the spatial rank as a parameter); `label` names the
 * caller in error messages.
 * **Shape:** [N, C, ...in] (or [C, ...in]) → [N, C, ...out].
 */
export function maxPoolNd<O extends MaxPoolOptions = {}>(D: PoolDims, x: Tensor, kernelSize: IntOrTuple, options?: O, label = `maxPool${D}d`): MaxPoolResult<O> {
  const r = extremePool(D, x, kernelSize, options ?? {}, label, "max");
  return (options?.returnIndices ? r : r.values) as MaxPoolResult<O>;
}

/**
 * 1-D max pooling, as torch.nn.functional.max_pool1d.
 * **Shape:** [N, C, L] (or [C, L]) → [N, C, Lout].
 */
export function maxPool1d<O extends MaxPoolOptions = {}>(x: Tensor, kernelSize: IntOrTuple, options?: O): MaxPoolResult<O> {
  return maxPoolNd(1, x, kernelSize, options);
}

/**
 * 2-D max pooling, as torch.nn.functional.max_pool2d.
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, Hout, Wout].
 *
 * @example maxPool2d(x, 2) // [8,16,28,28] → [8,16,14,14]
 * @example const { values, indices } = maxPool2d(x, 2, { returnIndices: true })
 */
export function maxPool2d<O extends MaxPoolOptions = {}>(x: Tensor, kernelSize: IntOrTuple, options?: O): MaxPoolResult<O> {
  return maxPoolNd(2, x, kernelSize, options);
}

/**
 * 3-D max pooling, as torch.nn.functional.max_pool3d.
 * **Shape:** [N, C, D, H, W] (or [C, D, H, W]) → [N, C, Dout, Hout, Wout].
 */
export function maxPool3d<O extends MaxPoolOptions = {}>(x: Tensor, kernelSize: IntOrTuple, options?: O): MaxPoolResult<O> {
  return maxPoolNd(3, x, kernelSize, options);
}

/**
 * 2-D min pooling (the course's), = −maxPool2d(−x): the smallest element of each window;
 * padded positions never win. Options as `maxPool2d` (returnIndices gives the argmin).
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, Hout, Wout].
 */
export function minPool2d<O extends MaxPoolOptions = {}>(x: Tensor, kernelSize: IntOrTuple, options?: O, label = "minPool2d"): MaxPoolResult<O> {
  const r = extremePool(2, x, kernelSize, options ?? {}, label, "min");
  return (options?.returnIndices ? r : r.values) as MaxPoolResult<O>;
}

// ---------------------------------------------------------------------------------------------
// Average / sum pooling
// ---------------------------------------------------------------------------------------------

/**
 * N-D average pooling (`avgPool1d/2d/3d` with the spatial rank as a parameter); `label` names
 * the caller in error messages.
 * **Shape:** [N, C, ...in] (or [C, ...in]) → [N, C, ...out].
 */
export function avgPoolNd(D: PoolDims, x: Tensor, kernelSize: IntOrTuple, options: AvgPoolOptions = {}, label = `avgPool${D}d`): Tensor {
  const { xb, unbatched } = batched(label, D, x, true);
  const geom = poolGeometry(label, D, xb.shape, kernelSize, { ...options, dilation: 1 });
  const cip = options.countIncludePad ?? true;
  const div = options.divisorOverride ?? null;
  if (div !== null && (!Number.isInteger(div) || div === 0)) throw new ValueError(`${label}: divisorOverride must be a non-zero integer, got ${div}`);
  const inSpatial = xb.shape.slice(2);
  const y = fromKernel(kernels().avgPool(dense(xb), geom, cip, div), [xb.shape[0], xb.shape[1], ...geom.outSize]);
  const out = attach(y, label, [xb], (g) => [fromKernel(kernels().avgPoolGrad(dense(g), inSpatial, geom, cip, div), xb.shape)]);
  return unbatch(out, unbatched);
}

/**
 * 1-D average pooling, as torch.nn.functional.avg_pool1d.
 * **Shape:** [N, C, L] (or [C, L]) → [N, C, Lout].
 */
export function avgPool1d(x: Tensor, kernelSize: IntOrTuple, options: AvgPoolOptions = {}): Tensor {
  return avgPoolNd(1, x, kernelSize, options);
}

/**
 * 2-D average pooling, as torch.nn.functional.avg_pool2d.
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, Hout, Wout].
 *
 * @example avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false })
 */
export function avgPool2d(x: Tensor, kernelSize: IntOrTuple, options: AvgPoolOptions = {}): Tensor {
  return avgPoolNd(2, x, kernelSize, options);
}

/**
 * 3-D average pooling, as torch.nn.functional.avg_pool3d.
 * **Shape:** [N, C, D, H, W] (or [C, D, H, W]) → [N, C, Dout, Hout, Wout].
 */
export function avgPool3d(x: Tensor, kernelSize: IntOrTuple, options: AvgPoolOptions = {}): Tensor {
  return avgPoolNd(3, x, kernelSize, options);
}

/**
 * 2-D sum pooling (the course's): the sum of each window over the zero-padded input, i.e.
 * average pooling with divisor 1.
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, Hout, Wout].
 */
export function sumPool2d(x: Tensor, kernelSize: IntOrTuple, options: SumPoolOptions = {}, label = "sumPool2d"): Tensor {
  return avgPoolNd(2, x, kernelSize, { ...options, divisorOverride: 1 }, label);
}

// ---------------------------------------------------------------------------------------------
// Tap tables: adaptive pooling and interpolation
// ---------------------------------------------------------------------------------------------

/** Output i of one axis reads input positions idx[t] with weights w[t], t ∈ [start[i], start[i+1]). */
interface AxisTaps {
  start: number[];
  idx: number[];
  w: number[];
}

/** The same over a whole plane: flat input positions, one run of taps per flat output position. */
interface Taps {
  outSize: number[];
  start: Int32Array;
  idx: Int32Array;
  w: Float64Array;
}

/** The product of per-axis taps, outputs and taps both in raster order (first axis outermost). */
function combineTaps(axes: readonly AxisTaps[], inSpatial: readonly number[]): Taps {
  let start = [0, 1];
  let idx = [0];
  let w = [1];
  axes.forEach((ax, a) => {
    const ns = [0];
    const ni: number[] = [];
    const nw: number[] = [];
    for (let o = 0; o + 1 < start.length; o++) {
      for (let i = 0; i + 1 < ax.start.length; i++) {
        for (let t = start[o]; t < start[o + 1]; t++) {
          for (let u = ax.start[i]; u < ax.start[i + 1]; u++) {
            ni.push(idx[t] * inSpatial[a] + ax.idx[u]);
            nw.push(w[t] * ax.w[u]);
          }
        }
        ns.push(ni.length);
      }
    }
    [start, idx, w] = [ns, ni, nw];
  });
  return { outSize: axes.map((ax) => ax.start.length - 1), start: Int32Array.from(start), idx: Int32Array.from(idx), w: Float64Array.from(w) };
}

/** PyTorch's adaptive windows: output i covers [⌊i·in/out⌋, ⌈(i+1)·in/out⌉), weighted 1/length. */
function adaptiveAxis(inSize: number, outSize: number): AxisTaps {
  const t: AxisTaps = { start: [0], idx: [], w: [] };
  for (let i = 0; i < outSize; i++) {
    const s = Math.floor((i * inSize) / outSize);
    const e = Math.ceil(((i + 1) * inSize) / outSize);
    for (let j = s; j < e; j++) {
      t.idx.push(j);
      t.w.push(1 / (e - s));
    }
    t.start.push(t.idx.length);
  }
  return t;
}

/**
 * Nearest neighbour: src = min(⌊i·scale⌋, in − 1) with scale = 1/factor (or in/out), computed
 * in single precision as PyTorch does, so boundary cases pick the same pixel.
 */
function nearestAxis(inSize: number, outSize: number, factor: number | null): AxisTaps {
  const scale = Math.fround(factor !== null ? 1 / factor : inSize / outSize);
  const t: AxisTaps = { start: [0], idx: [], w: [] };
  for (let i = 0; i < outSize; i++) {
    t.idx.push(Math.min(Math.floor(Math.fround(i * scale)), inSize - 1));
    t.w.push(1);
    t.start.push(i + 1);
  }
  return t;
}

/**
 * Linear interpolation between the two neighbours of the source position: with alignCorners
 * src = i·(in−1)/(out−1); otherwise src = max((i + ½)·scale − ½, 0), scale = 1/factor (or in/out).
 * At the last input element both taps coincide.
 */
function linearAxis(inSize: number, outSize: number, factor: number | null, alignCorners: boolean): AxisTaps {
  const t: AxisTaps = { start: [0], idx: [], w: [] };
  const scale = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : factor !== null ? 1 / factor : inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const src = alignCorners ? scale * i : Math.max(scale * (i + 0.5) - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const l1 = Math.min(Math.max(src - i0, 0), 1);
    t.idx.push(i0, i0 < inSize - 1 ? i0 + 1 : i0);
    t.w.push(1 - l1, l1);
    t.start.push(t.idx.length);
  }
  return t;
}

/** y[p, o] = Σ_t w[t] · x[p, idx[t]] over the taps of o, for each of the P planes of dense x. */
function applyTaps(x: Tensor, taps: Taps, planes: number, inPlane: number): TypedArray {
  const L = taps.start.length - 1;
  const out = allocArray(x.dtype, planes * L);
  const xd = x.data;
  for (let p = 0; p < planes; p++) {
    const base = x.offset + p * inPlane;
    for (let o = 0; o < L; o++) {
      let acc = 0;
      for (let t = taps.start[o]; t < taps.start[o + 1]; t++) acc += taps.w[t] * xd[base + taps.idx[t]];
      out[p * L + o] = acc;
    }
  }
  return out;
}

/** The adjoint of `applyTaps`: gx[p, idx[t]] += w[t] · g[p, o]. */
function applyTapsAdjoint(g: Tensor, taps: Taps, planes: number, inPlane: number): TypedArray {
  const L = taps.start.length - 1;
  const out = allocArray(g.dtype, planes * inPlane);
  const gd = g.data;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let o = 0; o < L; o++) {
      const v = gd[g.offset + p * L + o];
      for (let t = taps.start[o]; t < taps.start[o + 1]; t++) out[base + taps.idx[t]] += taps.w[t] * v;
    }
  }
  return out;
}

/** One recorded op y = taps(x) on xb [N, C, ...in] → [N, C, ...taps.outSize]. */
function tapOp(label: string, xb: Tensor, taps: Taps): Tensor {
  const [N, C, ...inSpatial] = xb.shape;
  const P = numel(inSpatial);
  const outShape = [N, C, ...taps.outSize];
  const y = fromKernel(applyTaps(dense(xb), taps, N * C, P), outShape);
  return attach(y, label, [xb], (g) => [fromKernel(applyTapsAdjoint(dense(g), taps, N * C, P), xb.shape)]);
}

/** Max over the taps of each output: values, and flat indices of the first maximum (a NaN wins, as in PyTorch). */
function tapMax(x: Tensor, taps: Taps, planes: number, inPlane: number): { values: TypedArray; indices: Int32Array } {
  const L = taps.start.length - 1;
  const values = allocArray(x.dtype, planes * L);
  const indices = new Int32Array(planes * L);
  const xd = x.data;
  for (let p = 0; p < planes; p++) {
    const base = x.offset + p * inPlane;
    for (let o = 0; o < L; o++) {
      let best = -Infinity;
      let at = taps.idx[taps.start[o]];
      for (let t = taps.start[o]; t < taps.start[o + 1]; t++) {
        const v = xd[base + taps.idx[t]];
        if (v > best || Number.isNaN(v)) {
          best = v;
          at = taps.idx[t];
        }
      }
      values[p * L + o] = best;
      indices[p * L + o] = at;
    }
  }
  return { values, indices };
}

/** Adaptive output size per axis (null keeps the input's), checked positive. */
function adaptiveSize(label: string, D: PoolDims, outputSize: AdaptiveSize, inSpatial: readonly number[]): number[] {
  const arr = typeof outputSize === "number" ? new Array<number>(D).fill(outputSize) : outputSize.map((v, i) => v ?? inSpatial[i]);
  if (arr.length !== D || arr.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new ValueError(`${label}: outputSize must be ${D} positive integers (or null), got ${typeof outputSize === "number" ? outputSize : `[${outputSize.join(",")}]`}`);
  }
  return arr;
}

/**
 * N-D adaptive average pooling: output [..., out] whatever the input size; output i of an axis
 * averages input [⌊i·in/out⌋, ⌈(i+1)·in/out⌉).
 * **Shape:** [N, C, ...in] (or [C, ...in]) → [N, C, ...outputSize].
 */
export function adaptiveAvgPoolNd(D: PoolDims, x: Tensor, outputSize: AdaptiveSize, label = `adaptiveAvgPool${D}d`): Tensor {
  const { xb, unbatched } = batched(label, D, x, true);
  const inSpatial = xb.shape.slice(2);
  const out = adaptiveSize(label, D, outputSize, inSpatial);
  return unbatch(tapOp(label, xb, combineTaps(out.map((o, i) => adaptiveAxis(inSpatial[i], o)), inSpatial)), unbatched);
}

/**
 * 2-D adaptive average pooling, as torch.nn.functional.adaptive_avg_pool2d.
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, oH, oW].
 *
 * @example adaptiveAvgPool2d(x, [7, 7]) // any [N,C,H,W] → [N,C,7,7]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvgPoolNd(2, x, outputSize);
}

/**
 * N-D adaptive max pooling (windows as `adaptiveAvgPoolNd`); indices are flat positions within
 * each (n, c) input plane.
 * **Shape:** [N, C, ...in] (or [C, ...in]) → [N, C, ...outputSize].
 */
export function adaptiveMaxPoolNd<O extends AdaptiveMaxPoolOptions = {}>(D: PoolDims, x: Tensor, outputSize: AdaptiveSize, options?: O, label = `adaptiveMaxPool${D}d`): MaxPoolResult<O> {
  const { xb, unbatched } = batched(label, D, x, false);
  const [N, C, ...inSpatial] = xb.shape;
  const taps = combineTaps(adaptiveSize(label, D, outputSize, inSpatial).map((o, i) => adaptiveAxis(inSpatial[i], o)), inSpatial);
  const outShape = [N, C, ...taps.outSize];
  const r = tapMax(dense(xb), taps, N * C, numel(inSpatial));
  const indices = fromKernel(r.indices, outShape);
  const y = attach(fromKernel(r.values, outShape), label, [xb], (g) => [
    fromKernel(kernels().scatterPlanes(dense(g), indices, N * C, numel(inSpatial), g.dtype), xb.shape),
  ]);
  const res = { values: unbatch(y, unbatched), indices: unbatch(indices, unbatched) };
  return (options?.returnIndices ? res : res.values) as MaxPoolResult<O>;
}

/**
 * 2-D adaptive max pooling, as torch.nn.functional.adaptive_max_pool2d.
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, oH, oW].
 */
export function adaptiveMaxPool2d<O extends AdaptiveMaxPoolOptions = {}>(x: Tensor, outputSize: AdaptiveSize, options?: O): MaxPoolResult<O> {
  return adaptiveMaxPoolNd(2, x, outputSize, options);
}

/**
 * Global average pooling: the mean of each channel's plane.
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, 1, 1] (resp. [C, 1, 1]).
 */
export function globalAvgPool2d(x: Tensor, label = "globalAvgPool2d"): Tensor {
  checkInput(label, 2, x, true);
  return mean(x, [-2, -1], true);
}

/** Spatial rank each interpolation mode works on (nearest: any). */
const MODE_DIMS: Record<InterpolateMode, PoolDims | null> = { nearest: null, linear: 1, bilinear: 2, trilinear: 3 };

/**
 * Resampling, as torch.nn.functional.interpolate (modes nearest, linear, bilinear, trilinear;
 * recompute_scale_factor unset). Output size per axis: `size`, or ⌊in · scaleFactor⌋.
 * **Shape:** [N, C, ...in] (1 to 3 spatial axes; linear 3-D, bilinear 4-D, trilinear 5-D) → [N, C, ...out].
 *
 * @example interpolate(x, { scaleFactor: 2 }) // [1,3,4,4] → [1,3,8,8], each pixel a 2x2 block
 * @example interpolate(x, { size: [5, 7], mode: "bilinear", alignCorners: true })
 */
export function interpolate(x: Tensor, options: InterpolateOptions, label = "interpolate"): Tensor {
  const mode = options.mode ?? "nearest";
  if (!(mode in MODE_DIMS)) throw new ValueError(`${label}: unknown mode "${mode as string}" (expected nearest, linear, bilinear or trilinear)`);
  if (!isFloat(x.dtype)) throw new DTypeError(`${label}: expected a floating-point input, got ${x.dtype}`);
  const D = x.ndim - 2;
  const need = MODE_DIMS[mode];
  if ((need !== null && D !== need) || D < 1 || D > 3) {
    const what = need !== null ? `${need + 2}-D input [N, C, ${SPATIAL_NAMES[need]}]` : "3-D, 4-D or 5-D input [N, C, ...spatial]";
    throw new ShapeError(`${label}: mode "${mode}" expects a ${what}, got ${fmtShape(x.shape)}`);
  }
  if (options.alignCorners !== undefined && mode === "nearest") {
    throw new ValueError(`${label}: alignCorners can only be set with the linear modes (linear, bilinear, trilinear), not "nearest"`);
  }
  const inSpatial = x.shape.slice(2);
  const { size, scaleFactor } = options;
  if ((size === undefined) === (scaleFactor === undefined)) throw new ValueError(`${label}: give exactly one of size and scaleFactor`);
  let factors: (number | null)[];
  let outSize: number[];
  if (size !== undefined) {
    outSize = expandTuple(label, "size", size, D, 1);
    factors = outSize.map(() => null);
  } else {
    factors = typeof scaleFactor === "number" ? new Array<number>(D).fill(scaleFactor) : [...(scaleFactor as readonly number[])];
    if (factors.length !== D || factors.some((f) => !(f !== null && f > 0 && Number.isFinite(f)))) {
      throw new ValueError(`${label}: scaleFactor must be ${D} positive numbers (one per spatial axis), got ${String(scaleFactor)}`);
    }
    outSize = inSpatial.map((n, i) => Math.floor(n * (factors[i] as number)));
    if (outSize.some((n) => n < 1)) {
      throw new ShapeError(`${label}: output size ${fmtSize(outSize)} is not positive (input ${fmtShape(x.shape)}, scaleFactor ${String(scaleFactor)})`);
    }
  }
  if (inSpatial.some((n) => n === 0)) throw new ShapeError(`${label}: expected a non-empty spatial size, got input ${fmtShape(x.shape)}`);
  const axes = inSpatial.map((n, i) =>
    mode === "nearest" ? nearestAxis(n, outSize[i], factors[i]) : linearAxis(n, outSize[i], factors[i], options.alignCorners ?? false),
  );
  return tapOp(label, x, combineTaps(axes, inSpatial));
}

/** Same as `interpolate` (PyTorch's older name, F.upsample). */
export const upsample = interpolate;

// ---------------------------------------------------------------------------------------------
// Unpooling
// ---------------------------------------------------------------------------------------------

/** The view of t [N, C, ...] at positions i·s along each spatial axis. */
function strided(t: Tensor, stride: readonly number[]): Tensor {
  return stride.reduce((v, s, d) => slice(v, d + 2, 0, Infinity, s), t);
}

/**
 * Zero insertion (N-D): y[.., i·s] = x[.., i] with s − 1 zeros between neighbours (none after
 * the last): the input dilation of a transposed convolution, the course's unpooling by zeros.
 * The gradient is the upstream gradient at the same positions, g[.., ::s].
 * **Shape:** [N, C, ...in] (or [C, ...in]) → [N, C, ...(in − 1)·s + 1].
 */
export function zeroInsertionNd(D: PoolDims, x: Tensor, stride: IntOrTuple, label = `zeroInsertion${D}d`): Tensor {
  const { xb, unbatched } = batched(label, D, x, false);
  const s = expandTuple(label, "stride", stride, D, 1);
  const outShape = [...xb.shape.slice(0, 2), ...xb.shape.slice(2).map((n, i) => (n - 1) * s[i] + 1)];
  const y = fromKernel(allocArray(xb.dtype, numel(outShape)), outShape);
  noGrad(() => kernels().copy(xb, strided(y, s)));
  const out = attach(y, label, [xb], (g) => [noGrad(() => contiguous(strided(g, s)))]);
  return unbatch(out, unbatched);
}

/**
 * 2-D zero insertion (see `zeroInsertionNd`).
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, (H−1)·sH+1, (W−1)·sW+1].
 *
 * @example zeroInsertion2d(tensor([[[[1, 2], [3, 4]]]]), 2) // [[1,0,2],[0,0,0],[3,0,4]]
 */
export function zeroInsertion2d(x: Tensor, stride: IntOrTuple): Tensor {
  return zeroInsertionNd(2, x, stride);
}

/** PyTorch's `_unpool_output_size`: the default size, or a given one within one stride of it. */
function unpoolSize(label: string, D: PoolDims, xShape: Shape, c: Omit<WindowGeometry, "outSize">, outputSize: readonly number[] | null | undefined): number[] {
  const inSpatial = xShape.slice(2);
  const dflt = inSpatial.map((n, i) => (n - 1) * c.stride[i] - 2 * c.padding[i] + c.kernel[i]);
  if (outputSize === undefined || outputSize === null) {
    if (dflt.some((n) => n < 1)) throw new ShapeError(`${label}: output size ${fmtSize(dflt)} is not positive (input ${fmtShape(xShape)})`);
    return dflt;
  }
  const given = outputSize.length === D + 2 ? outputSize.slice(2) : [...outputSize];
  if (given.length !== D) throw new ValueError(`${label}: outputSize must have ${D} or ${D + 2} elements, got [${outputSize.join(",")}]`);
  given.forEach((n, i) => {
    const lo = dflt[i] - c.stride[i];
    const hi = dflt[i] + c.stride[i];
    if (!Number.isInteger(n) || !(lo < n && n < hi) || n < 1) {
      throw new ValueError(`${label}: invalid outputSize [${outputSize.join(",")}] for input ${fmtShape(xShape)} (dim ${i} must be between ${Math.max(lo + 1, 1)} and ${hi - 1})`);
    }
  });
  return given;
}

/**
 * N-D max unpooling: zeros except y[n, c].flat[indices[n, c, i]] = x[n, c, i]; the partial
 * inverse of max pooling with return_indices. Where several inputs share an index the last one
 * is kept (assignment, as in PyTorch); every input's gradient is g at its index.
 * **Shape:** x, indices (int32) [N, C, ...in] (or unbatched) → [N, C, ...outputSize].
 */
export function maxUnpoolNd(D: PoolDims, x: Tensor, indices: Tensor, kernelSize: IntOrTuple, options: MaxUnpoolOptions = {}, label = `maxUnpool${D}d`): Tensor {
  const { xb, unbatched } = batched(label, D, x, false);
  if (indices.ndim !== x.ndim || indices.shape.some((n, i) => n !== x.shape[i])) {
    throw new ShapeError(`${label}: indices ${fmtShape(indices.shape)} must have the shape of the input ${fmtShape(x.shape)}`);
  }
  const c = poolConfig(label, D, kernelSize, { stride: options.stride, padding: options.padding });
  const outSpatial = unpoolSize(label, D, xb.shape, c, options.outputSize);
  const [N, C] = xb.shape;
  const planeSize = numel(outSpatial);
  const per = numel(xb.shape.slice(2));
  checkIndices(`${label} (output plane ${fmtSize(outSpatial)})`, indices, planeSize);
  const idx = dense(indices.reshape(xb.shape));
  const src = keepLastWrites(dense(xb), idx, N * C, per, planeSize);
  const y = fromKernel(kernels().scatterPlanes(src, idx, N * C, planeSize, xb.dtype), [N, C, ...outSpatial]);
  const out = attach(y, label, [xb], (g) => {
    const gd = dense(g);
    const gv: View = { data: gd.data, shape: [N * C, planeSize], strides: [planeSize, 1], offset: gd.offset };
    const iv: View = { data: idx.data, shape: [N * C, per], strides: [per, 1], offset: idx.offset };
    return [fromKernel(kernels().gather(gv, 1, iv), xb.shape)];
  });
  return unbatch(out, unbatched);
}

/** x with every value that a later one at the same index would overwrite set to zero (scatterPlanes adds). */
function keepLastWrites(x: Tensor, idx: Tensor, planes: number, per: number, planeSize: number): Tensor {
  const seen = new Int32Array(planeSize).fill(-1);
  let copy: TypedArray | null = null;
  for (let p = 0; p < planes; p++) {
    for (let k = p * per + per - 1; k >= p * per; k--) {
      const i = idx.data[idx.offset + k];
      if (seen[i] !== p) {
        seen[i] = p;
      } else {
        copy ??= x.data.slice(x.offset, x.offset + x.size);
        copy[k] = 0;
      }
    }
  }
  return copy ? fromKernel(copy, x.shape) : x;
}

/**
 * 2-D max unpooling, as torch.nn.functional.max_unpool2d.
 * **Shape:** x, indices (int32) [N, C, H, W] (or [C, H, W]) → [N, C, Hout, Wout].
 *
 * @example
 * const { values, indices } = maxPool2d(x, 2, { returnIndices: true });
 * maxUnpool2d(values, indices, 2) // x with every non-max zeroed
 */
export function maxUnpool2d(x: Tensor, indices: Tensor, kernelSize: IntOrTuple, options: MaxUnpoolOptions = {}): Tensor {
  return maxUnpoolNd(2, x, indices, kernelSize, options);
}
