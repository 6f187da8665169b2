/**
 * The wasm backend's direct depthwise convolutions: `Kernels.conv`, `convInputGrad` and
 * `convWeightGrad` for algorithm "direct" on float32 2-D data with one input channel per group
 * (groups = C > 1, any channel multiplier Mg = M/C). conv.ts routes those calls here.
 *
 * im2col would copy every input element kh·kw times to feed GEMMs whose inner dimension is only
 * kh·kw; the direct kernels (assembly/depthwise.ts) instead run SIMD axpys and dot products along
 * the rows of each plane. Each call copies its two operands into wasm memory once and the result
 * out. Threads split the forward pass and the input gradient over (image, channel) planes and the
 * weight gradient over channels (each part summing every image in order), so every element is
 * computed by the same operations whatever the number of threads.
 */
import type { ConvAlgorithm, ConvGeometry, View } from "../backend.js";
import { refKernels } from "../ref/index.js";
import type { DType } from "../../tensor/dtype.js";
import { numel } from "../../tensor/shape.js";
import { float32Only, runOnCopies, window2d } from "./io.js";
import { partsFor } from "./thread-pool.js";
import type { TaskName } from "./tasks.js";

/**
 * Whether a call goes to these kernels: algorithm "direct", float32 2-D operands a and b (x or
 * dy, and w or dy), and `channels` input channels each forming its own group.
 */
export function depthwiseApplies(algorithm: ConvAlgorithm, outDtype: DType, geom: ConvGeometry, channels: number, a: View, b: View): boolean {
  return a.shape.length === 4 && directDepthwise(algorithm, geom, channels) && float32Only(outDtype, a, b);
}

/** Algorithm "direct" on a depthwise convolution: each of the `channels` input channels is its own group. */
export function directDepthwise(algorithm: ConvAlgorithm, geom: ConvGeometry, channels: number): boolean {
  return algorithm === "direct" && geom.groups > 1 && channels === geom.groups;
}

/** Sizes of a depthwise convolution x [N, C, H, W] ⋆ w [C·Mg, 1, kh, kw] → [N, C·Mg, oh, ow]. */
function dims(N: number, C: number, M: number, inSpatial: readonly number[], geom: ConvGeometry) {
  return { N, C, Mg: M / C, M, K: numel(geom.kernel), P: numel(inSpatial), L: numel(geom.outSize), win: window2d(inSpatial, geom) };
}
type Dims = ReturnType<typeof dims>;

/** Multiply–adds of the definition, doubled: the work a part is sized by. */
const flops = (d: Dims) => 2 * d.N * d.M * d.L * d.K;

/**
 * Copies operands a and b into wasm memory, runs `task` in up to `units` parts and returns its
 * result of `size` floats; null when the memory cannot grow that far. a goes first: at stride 2
 * the kernels may read the float just past x.
 */
function compute(
  task: TaskName, d: Dims, a: View, b: View, size: number, units: number, bias: View | null = null, relu = false,
): Float32Array | null {
  const args = (at: readonly number[]) => [d.N, d.C, d.Mg, relu ? 1 : 0, at[0], at[1], at[2], at[4], ...d.win];
  return runOnCopies(task, a, b, size, 0, args, partsFor(flops(d), units), bias);
}

/**
 * Depthwise y = x ⋆ w (+ bias, then ReLU if `relu`): x [N, C, H, W], w [C·Mg, 1, kh, kw],
 * bias [C·Mg] → y [N, C·Mg, oh, ow].
 */
export function depthwiseConv(x: View, w: View, geom: ConvGeometry, bias: View | null = null, relu = false): Float32Array {
  const d = dims(x.shape[0], x.shape[1], w.shape[0], x.shape.slice(2), geom);
  const size = d.N * d.M * d.L;
  if (size === 0) return new Float32Array(0);
  return (
    compute("depthwiseForward", d, x, w, size, d.N * d.C, bias, relu) ??
    (refKernels.conv(x, w, geom, "direct", "float32", bias, relu) as Float32Array)
  );
}

/** Depthwise ∂L/∂x: dy [N, C·Mg, oh, ow] and w → dx [N, C, ...inSpatial]. */
export function depthwiseInputGrad(g: View, w: View, inSpatial: readonly number[], geom: ConvGeometry): Float32Array {
  const d = dims(g.shape[0], geom.groups, g.shape[1], inSpatial, geom);
  const size = d.N * d.C * d.P;
  if (size === 0) return new Float32Array(0);
  return (
    compute("depthwiseInputGrad", d, g, w, size, d.N * d.C) ??
    (refKernels.convInputGrad(g, w, inSpatial, geom, "direct", "float32") as Float32Array)
  );
}

/** Depthwise ∂L/∂w: x and dy → dw [C·Mg, 1, kh, kw], summed over the batch. */
export function depthwiseWeightGrad(x: View, g: View, geom: ConvGeometry): Float32Array {
  const d = dims(x.shape[0], x.shape[1], g.shape[1], x.shape.slice(2), geom);
  const size = d.M * d.K;
  if (size === 0) return new Float32Array(0);
  return compute("depthwiseWeightGrad", d, x, g, size, d.C) ?? (refKernels.convWeightGrad(x, g, geom, "direct", "float32") as Float32Array);
}
