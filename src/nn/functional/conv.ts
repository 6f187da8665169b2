/**
 * Convolutions with PyTorch semantics: cross-correlation (the kernel is not flipped), layout
 * [N, C, ...spatial], weight [out, in/groups, ...kernel] (transposed: [in, out/groups, ...kernel]),
 * zero padding. One N-D implementation serves 1-D, 2-D and 3-D.
 *
 * Each call records ONE autograd op whose backward is a fused computation on three shared cores
 * — forward, input gradient, weight gradient — which call the backend's `conv`, `convInputGrad`
 * and `convWeightGrad` kernels with ONE concrete algorithm (direct, im2col + GEMM, FFT or
 * Winograd; see ./conv/algorithm.ts and docs/convolution.md), resolved once per call from the
 * call's option, else the global setting (`setConvAlgorithm`, default "auto"). A transposed
 * convolution is the adjoint of a convolution, so it reuses the same cores with their roles
 * swapped (its forward is conv's input gradient, and so on).
 *
 * Output size per axis: floor((in + 2p − d(k−1) − 1)/s) + 1 (PyTorch floors; a stride that does
 * not tile the input exactly just drops the last partial window). Transposed:
 * (in − 1)s − 2p + d(k−1) + outputPadding + 1.
 */
import { Tensor } from "../../tensor/tensor.js";
import { attach, recordsGraph } from "../../autograd/engine.js";
import { kernels } from "../../backend/registry.js";
import type { ConvAlgorithm, ConvGeometry, WindowGeometry } from "../../backend/backend.js";
import { resolveConvAlgorithm, type ConvAlgorithmChoice } from "./conv/algorithm.js";
import { allocArray, isFloat } from "../../tensor/dtype.js";
import { numel, type Shape } from "../../tensor/shape.js";
import { fromKernel } from "../../ops/util.js";
import { squeeze, unsqueeze } from "../../ops/movement.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../errors.js";

export {
  setConvAlgorithm, getConvAlgorithm, ConvAlgorithmError, applicableConvAlgorithms, autoConvAlgorithm,
  convMultiplications, CONV_ALGORITHMS, type ConvAlgorithmChoice, type ConvAlgorithm,
} from "./conv/algorithm.js";

/** One number for every spatial axis, or one per axis. */
export type IntOrTuple = number | readonly number[];

/**
 * Zero padding of a convolution: per axis on both sides, or "valid" (none), or "same" (output
 * size = input size; stride 1 only; when the total d(k−1) is odd the extra zero goes on the
 * right/bottom, as in PyTorch).
 */
export type ConvPadding = IntOrTuple | "same" | "valid";

/** Options of `conv1d`/`conv2d`/`conv3d` (PyTorch defaults). */
export interface ConvOptions {
  /** Step between windows (default 1). */
  stride?: IntOrTuple;
  /** Zeros added to each side of each spatial axis (default 0). */
  padding?: ConvPadding;
  /** Spacing between kernel taps (default 1). */
  dilation?: IntOrTuple;
  /** Channels split into this many independent blocks (default 1; = in channels for depthwise). */
  groups?: number;
  /**
   * How to compute it (default: the global `getConvAlgorithm()`, initially "auto"). Naming an
   * algorithm that does not apply (e.g. "winograd" for a 5x5 kernel) throws ConvAlgorithmError.
   */
  algorithm?: ConvAlgorithmChoice;
  /**
   * An activation fused into the convolution (a Myelin extension, like TF.js's fused conv2d):
   * "relu" returns relu(conv(x) + bias) — the same values and gradients as applying `relu`
   * afterwards, computed in the kernel's epilogue instead of a second pass. Default none.
   */
  activation?: "relu";
}

/** Options of `convTranspose1d`/`convTranspose2d` (PyTorch defaults); each names the matching convolution's setting. */
export interface ConvTransposeOptions {
  /** Upsampling factor: input positions land this far apart in the output (default 1). */
  stride?: IntOrTuple;
  /** The padding of the matching convolution: crops this many positions from each side of the full output (default 0). */
  padding?: IntOrTuple;
  /** Extra size added to one side of the output, to pick among the sizes a strided conv maps to the same input size (default 0). */
  outputPadding?: IntOrTuple;
  dilation?: IntOrTuple;
  groups?: number;
  /** As ConvOptions.algorithm; it names how the matching convolution's input gradient is computed. */
  algorithm?: ConvAlgorithmChoice;
}

// ---------------------------------------------------------------------------------------------
// Geometry and validation (shared by the ops, the layers and the shape/MAC helpers)
// ---------------------------------------------------------------------------------------------

/**
 * Everything the cores need, always described from the CONVOLUTION's point of view: its input
 * x [N, C, ...inSpatial], weight [M, C/G, ...kernel], output [N, M, ...geom.outSize]. For a
 * transposed convolution, C/inSpatial describe the transposed op's output and M its input.
 */
interface ConvSpec {
  readonly N: number;
  readonly C: number;
  readonly M: number;
  readonly G: number;
  readonly inSpatial: readonly number[];
  /** padding holds the left/top padding; the right side is implied by outSize. */
  readonly geom: ConvGeometry;
}

const SPATIAL_NAMES: Record<number, string> = { 1: "L", 2: "H, W", 3: "D, H, W" };

function fmtSize(v: readonly number[]): string {
  return v.join("x");
}

/** PyTorch prints tuples as (a, b) and one-tuples as (a,). */
export function fmtTuple(v: readonly number[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(", ")})`;
}

/** Expands an int-or-tuple argument to D integers ≥ min, with a clear error otherwise. */
export function expandTuple(label: string, name: string, v: IntOrTuple, D: number, min: number): number[] {
  const arr = typeof v === "number" ? new Array<number>(D).fill(v) : [...v];
  if (arr.length !== D || arr.some((e) => !Number.isInteger(e) || e < min)) {
    const what = min > 0 ? "positive integers" : "non-negative integers";
    throw new ValueError(`${label}: ${name} must be ${D} ${what} (one per spatial axis), got ${typeof v === "number" ? v : `[${v.join(",")}]`}`);
  }
  return arr;
}

function checkGroups(label: string, groups: number): void {
  if (!Number.isInteger(groups) || groups <= 0) throw new ValueError(`${label}: groups must be a positive integer, got ${groups}`);
}

/** The left padding and total padding per axis for a padding argument. */
function resolvePadding(label: string, padding: ConvPadding, D: number, kernel: readonly number[], stride: readonly number[], dilation: readonly number[]): { left: number[]; total: number[] } {
  if (padding === "valid") return { left: new Array<number>(D).fill(0), total: new Array<number>(D).fill(0) };
  if (padding === "same") {
    if (stride.some((s) => s !== 1)) throw new ValueError(`${label}: padding="same" is not supported for strided convolutions (stride ${fmtTuple(stride)})`);
    // PyTorch: total = d(k−1), left = ⌊total/2⌋; the odd extra zero is on the right.
    const total = kernel.map((k, i) => dilation[i] * (k - 1));
    return { left: total.map((t) => Math.floor(t / 2)), total };
  }
  if (typeof padding === "string") throw new ValueError(`${label}: padding must be an int, a tuple, "same" or "valid", got "${padding as string}"`);
  const left = expandTuple(label, "padding", padding, D, 0);
  return { left, total: left.map((p) => 2 * p) };
}

/**
 * PyTorch's rule: each outputPadding must be smaller than the stride or the dilation of its
 * axis (it only picks one of the output sizes that the matching convolution maps to the same
 * input size).
 */
export function checkOutputPadding(label: string, outputPadding: readonly number[], stride: readonly number[], dilation: readonly number[]): void {
  if (outputPadding.some((op, i) => op >= stride[i] && op >= dilation[i])) {
    throw new ValueError(
      `${label}: outputPadding must be smaller than either stride or dilation, got outputPadding ${fmtTuple(outputPadding)}, stride ${fmtTuple(stride)}, dilation ${fmtTuple(dilation)}`,
    );
  }
}

/** Spec of a convolution of x [N, C, ...] by weight [M, C/G, ...k]; throws on any mismatch. */
function convSpec(label: string, D: number, xShape: Shape, wShape: Shape, o: ConvOptions): ConvSpec {
  const G = o.groups ?? 1;
  checkGroups(label, G);
  if (wShape.length !== D + 2) {
    throw new ShapeError(`${label}: expected a ${D + 2}-D weight [out, in/groups, ${SPATIAL_NAMES[D]}], got ${fmtShape(wShape)}`);
  }
  const [N, C] = xShape;
  const [M, Cg] = wShape;
  if (C !== Cg * G) throw new ShapeError(`${label}: expected input with ${Cg * G} channels, got ${fmtShape(xShape)}`);
  if (M % G !== 0) throw new ShapeError(`${label}: out channels ${M} (weight ${fmtShape(wShape)}) are not divisible by groups ${G}`);
  const kernel = wShape.slice(2);
  if (kernel.some((k) => k < 1)) throw new ShapeError(`${label}: kernel size must be positive, got weight ${fmtShape(wShape)}`);
  const stride = expandTuple(label, "stride", o.stride ?? 1, D, 1);
  const dilation = expandTuple(label, "dilation", o.dilation ?? 1, D, 1);
  const pad = resolvePadding(label, o.padding ?? 0, D, kernel, stride, dilation);
  const inSpatial = xShape.slice(2);
  const padded = inSpatial.map((n, i) => n + pad.total[i]);
  const span = kernel.map((k, i) => dilation[i] * (k - 1) + 1);
  if (span.some((e, i) => e > padded[i])) {
    const dil = dilation.some((d) => d !== 1) ? ` (dilated ${fmtSize(span)})` : "";
    throw new ShapeError(
      `${label}: kernel ${fmtSize(kernel)}${dil} is larger than the padded input ${fmtSize(padded)} (input ${fmtShape(xShape)}, padding ${fmtTuple(pad.left)})`,
    );
  }
  const outSize = padded.map((p, i) => Math.floor((p - span[i]) / stride[i]) + 1);
  return { N, C, M, G, inSpatial, geom: { kernel, stride, padding: pad.left, dilation, outSize, groups: G } };
}

/**
 * Spec of the convolution whose adjoint is the transposed convolution of x [N, Cin, ...] by
 * weight [Cin, Cout/G, ...k]: that convolution maps [N, Cout, ...out] → [N, Cin, ...in].
 */
function convTransposeSpec(label: string, D: number, xShape: Shape, wShape: Shape, o: ConvTransposeOptions): ConvSpec {
  const G = o.groups ?? 1;
  checkGroups(label, G);
  if (wShape.length !== D + 2) {
    throw new ShapeError(`${label}: expected a ${D + 2}-D weight [in, out/groups, ${SPATIAL_NAMES[D]}], got ${fmtShape(wShape)}`);
  }
  const [N, Cin] = xShape;
  if (Cin !== wShape[0]) throw new ShapeError(`${label}: expected input with ${wShape[0]} channels, got ${fmtShape(xShape)}`);
  if (Cin % G !== 0) throw new ShapeError(`${label}: in channels ${Cin} (weight ${fmtShape(wShape)}) are not divisible by groups ${G}`);
  const kernel = wShape.slice(2);
  if (kernel.some((k) => k < 1)) throw new ShapeError(`${label}: kernel size must be positive, got weight ${fmtShape(wShape)}`);
  const stride = expandTuple(label, "stride", o.stride ?? 1, D, 1);
  const dilation = expandTuple(label, "dilation", o.dilation ?? 1, D, 1);
  const padding = expandTuple(label, "padding", o.padding ?? 0, D, 0);
  const outputPadding = expandTuple(label, "outputPadding", o.outputPadding ?? 0, D, 0);
  checkOutputPadding(label, outputPadding, stride, dilation);
  const inSpatial = xShape.slice(2);
  const out = inSpatial.map((n, i) => (n - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1);
  if (out.some((n) => n <= 0) || inSpatial.some((n) => n <= 0)) {
    throw new ShapeError(`${label}: output size ${fmtSize(out)} is not positive (input ${fmtShape(xShape)}, padding ${fmtTuple(padding)})`);
  }
  // The output of the adjoint convolution is exactly the transposed op's input, even when
  // outputPadding ≥ stride would let it produce more windows.
  return { N, C: wShape[1] * G, M: Cin, G, inSpatial: out, geom: { kernel, stride, padding, dilation, outSize: inSpatial, groups: G } };
}

// ---------------------------------------------------------------------------------------------
// Cores (no autograd): forward, input gradient, weight gradient of a convolution
// ---------------------------------------------------------------------------------------------

/** t itself when dense, else a dense copy; the conv kernels take row-major data. */
function dense(t: Tensor): Tensor {
  if (t.isContiguous()) return t;
  const out = fromKernel(allocArray(t.dtype, t.size), t.shape);
  kernels().copy(t, out);
  return out;
}

/**
 * The convolution proper: x [N, C, ...in] (+ bias [M], then ReLU if `relu`) → y [N, M, ...out],
 * by the resolved algorithm.
 */
function convForwardCore(x: Tensor, w: Tensor, s: ConvSpec, algorithm: ConvAlgorithm, bias: Tensor | null = null, relu = false): Tensor {
  return fromKernel(kernels().conv(dense(x), dense(w), s.geom, algorithm, x.dtype, bias, relu), [s.N, s.M, ...s.geom.outSize]);
}

/** dL/dx of the convolution (also a transposed convolution's forward): g [N, M, ...out] → [N, C, ...in]. */
function convInputGradCore(g: Tensor, w: Tensor, s: ConvSpec, algorithm: ConvAlgorithm): Tensor {
  return fromKernel(kernels().convInputGrad(dense(g), dense(w), s.inSpatial, s.geom, algorithm, g.dtype), [s.N, s.C, ...s.inSpatial]);
}

/** dL/dW of the convolution, summed over the batch → [M, C/G, ...k]. */
function convWeightGradCore(x: Tensor, g: Tensor, s: ConvSpec, algorithm: ConvAlgorithm): Tensor {
  return fromKernel(kernels().convWeightGrad(dense(x), dense(g), s.geom, algorithm, g.dtype), [s.M, s.C / s.G, ...s.geom.kernel]);
}

/** y [N, C, ...] + bias [C] broadcast over the other axes, as a fresh tensor (y when no bias). */
function withChannelBias(y: Tensor, bias: Tensor | null): Tensor {
  if (!bias) return y;
  const strides = y.shape.map((_, i) => (i === 1 ? bias.strides[0] : 0));
  const b = { data: bias.data, shape: y.shape, strides, offset: bias.offset };
  return fromKernel(kernels().binary("add", y, b, y.shape, y.dtype), y.shape);
}

/** Σ of g [N, C, ...] over everything but the channel axis: the bias gradient. */
function channelSum(g: Tensor): Tensor {
  const axes = g.shape.map((_, i) => i).filter((i) => i !== 1);
  return fromKernel(kernels().reduce("sum", g, axes, g.dtype), [g.shape[1]]);
}

// ---------------------------------------------------------------------------------------------
// Differentiable ops
// ---------------------------------------------------------------------------------------------

/** Checks dtypes and the bias shape; returns x with a batch axis (and whether one was added). */
function prepare(label: string, D: number, x: Tensor, w: Tensor, b: Tensor | null, outChannels: () => number): { xb: Tensor; unbatched: boolean } {
  if (!isFloat(x.dtype)) throw new DTypeError(`${label}: expected a floating-point input, got ${x.dtype}`);
  if (w.dtype !== x.dtype || (b && b.dtype !== x.dtype)) {
    throw new DTypeError(`${label}: input, weight and bias must have the same dtype, got ${x.dtype}, ${w.dtype}${b ? `, ${b.dtype}` : ""}`);
  }
  if (x.ndim !== D + 1 && x.ndim !== D + 2) {
    throw new ShapeError(`${label}: expected ${D + 1}-D (unbatched) or ${D + 2}-D (batched) input [N, C, ${SPATIAL_NAMES[D]}], got ${fmtShape(x.shape)}`);
  }
  if (b && (b.ndim !== 1 || b.shape[0] !== outChannels())) {
    throw new ShapeError(`${label}: expected bias of shape [${outChannels()}] for weight ${fmtShape(w.shape)}, got ${fmtShape(b.shape)}`);
  }
  const unbatched = x.ndim === D + 1;
  return { xb: unbatched ? unsqueeze(x, 0) : x, unbatched };
}

/** Which spatial rank a public op handles (for its name and messages). */
type SpatialDims = 1 | 2 | 3;

/**
 * N-D convolution behind `conv1d`/`conv2d`/`conv3d` (PyTorch's `convolution`). `label` names
 * the caller in error messages (layers pass e.g. "Conv2d(3→16)"; default "conv2d" etc.).
 * **Shape:** x [N, C, ...in] (or unbatched [C, ...in]), weight [M, C/groups, ...k], bias [M] → [N, M, ...out].
 */
export function convNd(D: SpatialDims, x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}, label = `conv${D}d`): Tensor {
  const relu = fusedRelu(label, options.activation);
  const { xb, unbatched } = prepare(label, D, x, weight, bias, () => weight.shape[0]);
  const s = convSpec(label, D, xb.shape, weight.shape, options);
  const algo = resolveConvAlgorithm(label, options.algorithm, s);
  const y = convForwardCore(xb, weight, s, algo, bias, relu);
  const inputs = bias ? [xb, weight, bias] : [xb, weight];
  const out = attach(y, relu ? `${label}+relu` : label, inputs, (gy) =>
    // ReLU's derivative read off its output: y > 0 exactly where the pre-activation is.
    convGrads(xb, weight, bias, s, algo, relu ? reluGrad(y, gy) : gy),
  );
  return unbatched ? squeeze(out, 0) : out;
}

/**
 * A convolution, its ReLU and a max pooling of the result as one op — what `Sequential` runs for
 * Conv → ReLU → MaxPool with non-overlapping windows. `pool` gives the pooling window for the
 * convolution's output shape. Values and gradients are those of the three ops run one after the
 * other (ReLU's derivative at each window's winner is read off the pooled value); a backend that
 * fuses `convMaxPool` never writes the convolution's full output.
 */
export function convReluMaxPoolNd(
  D: SpatialDims, x: Tensor, weight: Tensor, bias: Tensor | null, options: ConvOptions, pool: (convOutShape: Shape) => WindowGeometry,
  label: string,
): Tensor {
  const { xb, unbatched } = prepare(label, D, x, weight, bias, () => weight.shape[0]);
  const s = convSpec(label, D, xb.shape, weight.shape, options);
  const algo = resolveConvAlgorithm(label, options.algorithm, s);
  const yShape = [s.N, s.M, ...s.geom.outSize];
  const geom = pool(yShape);
  const inputs = bias ? [xb, weight, bias] : [xb, weight];
  // The pooling indices are needed by the backward pass only.
  const r = kernels().convMaxPool(dense(xb), dense(weight), s.geom, algo, xb.dtype, bias, true, geom, recordsGraph(inputs));
  const outShape = [s.N, s.M, ...geom.outSize];
  const values = fromKernel(r.values, outShape);
  const indices = r.indices && fromKernel(r.indices, outShape);
  const out = !indices ? values : attach(values, `${label}+relu+maxPool`, inputs, (gp) => {
    const g = kernels().scatterPlanes(reluGrad(values, gp), indices, s.N * s.M, numel(s.geom.outSize), gp.dtype);
    return convGrads(xb, weight, bias, s, algo, fromKernel(g, yShape));
  });
  return unbatched ? squeeze(out, 0) : out;
}

/** g · [y > 0]: ReLU's backward from its output y. */
function reluGrad(y: Tensor, g: Tensor): Tensor {
  return fromKernel(kernels().unaryGrad("relu", y, g, NO_PARAMS, g.dtype), g.shape);
}

/** The gradients of a convolution's input, weight and bias from g = ∂L/∂y (null where not required). */
function convGrads(xb: Tensor, weight: Tensor, bias: Tensor | null, s: ConvSpec, algo: ConvAlgorithm, g: Tensor): (Tensor | null)[] {
  return [
    xb.requiresGrad ? convInputGradCore(g, weight, s, algo) : null,
    weight.requiresGrad ? convWeightGradCore(xb, g, s, algo) : null,
    bias?.requiresGrad ? channelSum(g) : null,
  ];
}

const NO_PARAMS = { a: 0, b: 0 } as const;

/** Whether `activation` asks for a fused ReLU (it may only be "relu" or absent). */
function fusedRelu(label: string, activation: unknown): boolean {
  if (activation === undefined) return false;
  if (activation === "relu") return true;
  throw new ValueError(`${label}: activation must be "relu" (or omitted), got ${JSON.stringify(activation)}`);
}

/**
 * N-D transposed convolution behind `convTranspose1d`/`convTranspose2d`: the adjoint (input
 * gradient) of the convolution with the same weight and geometry.
 * **Shape:** x [N, Cin, ...in] (or unbatched), weight [Cin, Cout/groups, ...k], bias [Cout] → [N, Cout, ...out].
 */
export function convTransposeNd(D: SpatialDims, x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTransposeOptions = {}, label = `convTranspose${D}d`): Tensor {
  const { xb, unbatched } = prepare(label, D, x, weight, bias, () => weight.shape[1] * (options.groups ?? 1));
  const s = convTransposeSpec(label, D, xb.shape, weight.shape, options);
  const algo = resolveConvAlgorithm(label, options.algorithm, s);
  const y = withChannelBias(convInputGradCore(xb, weight, s, algo), bias);
  const inputs = bias ? [xb, weight, bias] : [xb, weight];
  const out = attach(y, label, inputs, (g) => [
    xb.requiresGrad ? convForwardCore(g, weight, s, algo) : null,
    // The weight gradient of y = convᵀ(x) is conv's weight gradient with input g and output grad x.
    weight.requiresGrad ? convWeightGradCore(g, xb, s, algo) : null,
    bias?.requiresGrad ? channelSum(g) : null,
  ]);
  return unbatched ? squeeze(out, 0) : out;
}

/**
 * 1-D convolution (cross-correlation), as torch.nn.functional.conv1d.
 * **Shape:** x [N, C, L] (or [C, L]), weight [M, C/groups, k], bias [M] → [N, M, Lout].
 */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return convNd(1, x, weight, bias, options);
}

/**
 * 2-D convolution (cross-correlation), as torch.nn.functional.conv2d.
 * **Shape:** x [N, C, H, W] (or [C, H, W]), weight [M, C/groups, kH, kW], bias [M] → [N, M, Hout, Wout].
 *
 * @example conv2d(x, w, b, { padding: 1 }) // x [8,3,32,32], w [16,3,3,3] → [8,16,32,32]
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return convNd(2, x, weight, bias, options);
}

/**
 * 3-D convolution (cross-correlation), as torch.nn.functional.conv3d.
 * **Shape:** x [N, C, D, H, W] (or unbatched), weight [M, C/groups, kD, kH, kW], bias [M] → [N, M, Dout, Hout, Wout].
 */
export function conv3d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return convNd(3, x, weight, bias, options);
}

/**
 * 1-D transposed convolution, as torch.nn.functional.conv_transpose1d.
 * **Shape:** x [N, Cin, L] (or [Cin, L]), weight [Cin, Cout/groups, k], bias [Cout] → [N, Cout, Lout].
 */
export function convTranspose1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd(1, x, weight, bias, options);
}

/**
 * 2-D transposed convolution ("deconvolution"), as torch.nn.functional.conv_transpose2d.
 * **Shape:** x [N, Cin, H, W] (or unbatched), weight [Cin, Cout/groups, kH, kW], bias [Cout] → [N, Cout, Hout, Wout].
 *
 * @example convTranspose2d(x, w, null, { stride: 2 }) // x [1,8,7,7], w [8,4,2,2] → [1,4,14,14]
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd(2, x, weight, bias, options);
}

// ---------------------------------------------------------------------------------------------
// Shape and cost arithmetic
// ---------------------------------------------------------------------------------------------

/** A conv layer's configuration, for `convOutputShape` and `convMacs`. */
export interface ConvShapeOptions {
  outChannels: number;
  kernelSize: IntOrTuple;
  stride?: IntOrTuple;
  /** A transposed layer takes only numeric padding. */
  padding?: ConvPadding;
  dilation?: IntOrTuple;
  groups?: number;
  /** A ConvTranspose layer (default false). */
  transposed?: boolean;
  outputPadding?: IntOrTuple;
}

/** The spec of a layer applied to an input shape [N, C, ...spatial] (validated like the op). */
function layerSpec(label: string, inputShape: Shape, o: ConvShapeOptions): ConvSpec {
  const D = inputShape.length - 2;
  if (D < 1) throw new ShapeError(`${label}: expected an input shape [N, C, ...spatial], got ${fmtShape(inputShape)}`);
  const G = o.groups ?? 1;
  checkGroups(label, G);
  const C = inputShape[1];
  if (C % G !== 0) throw new ValueError(`${label}: in channels ${C} are not divisible by groups ${G}`);
  if (o.outChannels % G !== 0) throw new ValueError(`${label}: out channels ${o.outChannels} are not divisible by groups ${G}`);
  const kernel = expandTuple(label, "kernelSize", o.kernelSize, D, 1);
  if (!o.transposed) return convSpec(label, D, inputShape, [o.outChannels, C / G, ...kernel], o);
  if (typeof o.padding === "string") throw new ValueError(`${label}: a transposed convolution takes numeric padding, got "${o.padding}"`);
  return convTransposeSpec(label, D, inputShape, [C, o.outChannels / G, ...kernel], { ...o, padding: o.padding });
}

/**
 * Output shape of a conv (or transposed conv) layer on an input of shape [N, C, ...spatial];
 * throws the same errors as the op itself.
 *
 * @example convOutputShape([1, 3, 32, 32], { outChannels: 10, kernelSize: 5, padding: 2 }) // [1, 10, 32, 32]
 */
export function convOutputShape(inputShape: Shape, options: ConvShapeOptions): number[] {
  const s = layerSpec("convOutputShape", inputShape, options);
  return options.transposed ? [s.N, s.C, ...s.inSpatial] : [s.N, s.M, ...s.geom.outSize];
}

/**
 * Multiply–accumulates of a conv layer on an input of shape [N, C, ...spatial]:
 * N · M · Πout · (C/G) · Πk (for a transposed layer, every input element meets Cout/G · Πk
 * weights). Pass N = 1 for the per-image count. Bias additions are not counted.
 *
 * @example convMacs([1, 3, 32, 32], { outChannels: 10, kernelSize: 5, padding: 2 }) // 768000
 */
export function convMacs(inputShape: Shape, options: ConvShapeOptions): number {
  const s = layerSpec("convMacs", inputShape, options);
  // Both directions multiply every (conv output, weight in its group) pair once.
  return s.N * s.M * numel(s.geom.outSize) * (s.C / s.G) * numel(s.geom.kernel);
}
