/**
 * The backend contract. A backend is a table of kernels; ops look kernels up by name, so a
 * backend may implement any subset and fall back to the reference backend for the rest.
 *
 * Kernels see raw strided views and return freshly allocated contiguous arrays. They never see
 * autograd, modules or user errors: ops validate shapes and dtypes before calling a kernel.
 */
import type { DType, TypedArray } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";

/** A strided window onto a storage array: element (i0, i1, …) lives at offset + Σ ik·strides[k]. */
export interface View<A extends TypedArray = TypedArray> {
  readonly data: A;
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Elementwise functions of one argument. Parametric ones read `a` and `b` (see UnaryParams). */
export type UnaryOp =
  | "neg" | "abs" | "sign" | "exp" | "log" | "sqrt" | "rsqrt" | "reciprocal" | "square"
  | "sin" | "cos" | "tanh" | "sigmoid" | "relu" | "erf" | "floor" | "ceil" | "round"
  | "log1p" | "expm1" | "logicalNot"
  | "powScalar"   // x^a
  | "clamp"       // min(max(x, a), b)
  | "leakyRelu"   // x > 0 ? x : a·x
  | "elu"         // x > 0 ? x : a·(eˣ − 1)
  | "celu"        // max(0,x) + min(0, a·(e^{x/a} − 1))
  | "selu" | "gelu" | "geluTanh" | "silu" | "mish" | "softsign" | "hardsigmoid" | "hardswish"
  | "softplus";   // log(1 + e^{a·x})/a, = x where a·x > b

/** Parameters of parametric unary ops; unused ones are 0. */
export interface UnaryParams {
  readonly a: number;
  readonly b: number;
}

export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge";

export type ReduceOp = "sum" | "max" | "min";

/** Geometry of a sliding-window op over the trailing spatial axes (conv, pooling). */
export interface WindowGeometry {
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  /** Output spatial size per axis (computed by the op, which also validates it). */
  readonly outSize: readonly number[];
}

/**
 * How a convolution is computed (the course's four methods). Ops choose one per call ("auto"
 * resolves to one of these before a kernel is called); a kernel given an algorithm that does
 * not apply to the geometry must throw.
 */
export type ConvAlgorithm = "direct" | "im2col" | "fft" | "winograd";

/** A grouped convolution's geometry: the window over the spatial axes plus the channel groups. */
export interface ConvGeometry extends WindowGeometry {
  /** Input and output channels are split into this many contiguous groups. */
  readonly groups: number;
}

/**
 * How the normalization kernels see their input: x, read in row-major order, as [N, C, S]
 * (batch, channels, everything after) in rows (n, c) of S values, split into statistic groups.
 * groups 0: one statistic per channel over (N, S) (batch norm), statistic k = c of row (n, c);
 * otherwise C/groups consecutive channels of one sample share a statistic (group norm; instance
 * norm is groups = C, layer norm groups = 1), statistic k = n·groups + ⌊c/(C/groups)⌋.
 */
export interface NormLayout {
  readonly N: number;
  readonly C: number;
  readonly S: number;
  readonly groups: number;
}

/**
 * How the cross-entropy kernels see their logits: x, read in row-major order, as [n, c, s]
 * (batch, classes, everything after). Position p = i·s + j has its c class scores at
 * i·c·s + j + k·s, k < c.
 */
export interface ClassScoresLayout {
  readonly n: number;
  readonly c: number;
  readonly s: number;
}

/**
 * The target of each of the n·s positions: a class index (negative: the position is ignored,
 * with zero loss and gradient), or a class distribution read with x's layout.
 */
export type ClassTarget = { readonly classes: Int32Array } | { readonly probs: View };

/** Every kernel a backend can provide. The reference backend implements all of them. */
export interface Kernels {
  /** y = f(x) elementwise; output contiguous with x.shape. */
  unary(op: UnaryOp, x: View, params: UnaryParams, outDtype: DType): TypedArray;
  /** g · f′(x) elementwise (the backward of `unary`); x and g have the same shape. */
  unaryGrad(op: UnaryOp, x: View, g: View, params: UnaryParams, outDtype: DType): TypedArray;
  /** a ∘ b where a and b are already broadcast (stride 0) to `shape`. */
  binary(op: BinaryOp, a: View, b: View, shape: Shape, outDtype: DType): TypedArray;
  /** cond ? a : b, all three broadcast to `shape`. */
  where(cond: View, a: View, b: View, shape: Shape, outDtype: DType): TypedArray;
  /** Copies src into dst elementwise (same shape; any strides; converts numbers by assignment). */
  copy(src: View, dst: View): void;
  /** Reduces over `axes`; output contiguous with those axes kept as size 1. */
  reduce(op: ReduceOp, x: View, axes: readonly number[], outDtype: DType): TypedArray;
  /** Max or min along one axis, with the index of the first extreme; axis kept as size 1. */
  argReduce(op: "max" | "min", x: View, axis: number): { values: TypedArray; indices: Int32Array };
  /** Batched matrix product: a [B,M,K] × b [B,K,N] → [B,M,N] (any strides, stride 0 broadcasts). */
  matmul(a: View, b: View, outDtype: DType): TypedArray;
  /** out[i] = x[i with index[i] on `axis`]: PyTorch `gather`; output has index.shape. */
  gather(x: View, axis: number, index: View): TypedArray;
  /** Returns zeros(shape) with src added at positions given by index along `axis` (gather's adjoint). */
  scatterAdd(shape: Shape, axis: number, index: View, src: View, outDtype: DType): TypedArray;
  /**
   * Unfolds sliding windows of x [N, C, ...spatial] (contiguous) into columns
   * [N, C·Πkernel, Πout]; positions in the zero padding read as 0.
   */
  im2col(x: View, geom: WindowGeometry): TypedArray;
  /** Adjoint of im2col: sums columns [N, C·Πkernel, Πout] back into [N, C, ...inSpatial]. */
  col2im(cols: View, channels: number, inSpatial: readonly number[], geom: WindowGeometry, outDtype: DType): TypedArray;
  /**
   * Max (or min) pooling over x [N, C, ...spatial]; padding never wins. Returns values and the
   * flat index of the winner within its (n, c) plane, for the backward pass and max-unpooling.
   */
  maxPool(x: View, geom: WindowGeometry, mode: "max" | "min"): { values: TypedArray; indices: Int32Array };
  /** Average pooling; divisor per window as PyTorch (count_include_pad, ceil_mode clipping, divisor override). */
  avgPool(x: View, geom: WindowGeometry, countIncludePad: boolean, divisorOverride: number | null): TypedArray;
  /** Adjoint of avgPool: spreads g [N,C,...out] back over [N,C,...inSpatial]. */
  avgPoolGrad(g: View, inSpatial: readonly number[], geom: WindowGeometry, countIncludePad: boolean, divisorOverride: number | null): TypedArray;
  /** out[n,c].flat[indices[n,c,i]] += src[n,c,i] over planes of size planeSize: max-pool backward and max-unpool. */
  scatterPlanes(src: View, indices: View, planes: number, planeSize: number, outDtype: DType): TypedArray;
  /**
   * Cross-correlation y = x ⋆ w (+ bias[m] on every output of channel m when a bias is given,
   * added after the sum; then ReLU, x > 0 ? x : 0, when `relu`): x [N, C, ...in] and
   * w [M, C/groups, ...kernel], both contiguous, bias [M] any strides → y [N, M, ...geom.outSize].
   */
  conv(x: View, w: View, geom: ConvGeometry, algorithm: ConvAlgorithm, outDtype: DType, bias?: View | null, relu?: boolean): TypedArray;
  /**
   * `conv` (with its bias and ReLU) followed by `maxPool(·, pool, "max")` of its output: the pooled
   * values and (when `withIndices`; else null, as inference needs none) the indices, exactly as the
   * two kernels give them. A backend can fuse them so the
   * convolution's full output never leaves its memory; the reference composes the two kernels of
   * the table it is called through.
   */
  convMaxPool(
    x: View, w: View, geom: ConvGeometry, algorithm: ConvAlgorithm, outDtype: DType, bias: View | null, relu: boolean, pool: WindowGeometry,
    withIndices: boolean,
  ): { values: TypedArray; indices: Int32Array | null };
  /** ∂L/∂x of `conv` from g [N, M, ...out] → [N, C, ...inSpatial] (also transposed convolution's forward). */
  convInputGrad(g: View, w: View, inSpatial: readonly number[], geom: ConvGeometry, algorithm: ConvAlgorithm, outDtype: DType): TypedArray;
  /** ∂L/∂w of `conv` from x and g → [M, C/groups, ...geom.kernel], summed over the batch. */
  convWeightGrad(x: View, g: View, geom: ConvGeometry, algorithm: ConvAlgorithm, outDtype: DType): TypedArray;
  /** Biased mean and variance of each statistic group of x (float64, two passes; see NormLayout). */
  normStats(x: View, layout: NormLayout): { mean: Float64Array; variance: Float64Array };
  /**
   * y = x·s + (β[c] − mean[k]·s) with s = invStd[k]·γ[c] on row (n, c) of statistic k, i.e.
   * (x − μ)/σ·γ + β. weight γ and bias β hold C values in row-major order (null: 1 and 0).
   * Output contiguous, x's shape.
   */
  normalize(
    x: View, layout: NormLayout, mean: Float64Array, invStd: Float64Array, weight: View | null, bias: View | null, outDtype: DType,
  ): TypedArray;
  /**
   * Backward of `normalize` given g = ∂L/∂y (x's shape): dWeight[c] = Σ g·x̂ and dBias[c] = Σ g
   * over channel c's rows (x̂ = (x − mean)·invStd, float64), and dx of dtype `dxDtype` unless that
   * is null. dx differentiates through the statistics when `statsFromInput` (they are
   * `normStats` of this x): per statistic of M elements, dx = invStd·(γg − Σγg/M − x̂·Σγg·x̂/M);
   * otherwise they are constants and dx = invStd·γ·g.
   */
  normalizeGrad(
    x: View, g: View, layout: NormLayout, mean: Float64Array, invStd: Float64Array, weight: View | null,
    statsFromInput: boolean, dxDtype: DType | null,
  ): { dx: TypedArray | null; dWeight: Float64Array; dBias: Float64Array };
  /**
   * Softmax cross-entropy per position (float64, see ClassScoresLayout): with q the target
   * smoothed as (1 − ε)·q + ε/c (ε = labelSmoothing) and wq_k = w_k·q_k (classWeight w, null: 1),
   * lse = log Σ exp x_k (max-shifted, finite for logits of ±1000) and
   * losses = Σ over wq_k ≠ 0 of wq_k·(lse − x_k) (zero-weight classes are skipped, so a −∞ logit
   * there gives no 0·∞). Reductions are the caller's.
   */
  softmaxCrossEntropy(
    x: View, layout: ClassScoresLayout, target: ClassTarget, classWeight: Float64Array | null, labelSmoothing: number,
  ): { losses: Float64Array; lse: Float64Array };
  /**
   * Backward of `softmaxCrossEntropy` given its `lse` and the upstream gradient of each
   * position's loss (`scale`, n·s values): dx_k = scale·(exp(x_k − lse)·Σwq − wq_k), zero where
   * Σwq = 0 (ignored positions), contiguous with x's shape. For a distribution target, when
   * `targetGradDtype` is not null, also dTarget_k = −scale·(1 − ε)·w_k·(x_k − lse).
   */
  softmaxCrossEntropyGrad(
    x: View, layout: ClassScoresLayout, target: ClassTarget, classWeight: Float64Array | null, labelSmoothing: number,
    lse: Float64Array, scale: Float64Array, dxDtype: DType, targetGradDtype: DType | null,
  ): { dx: TypedArray; dTarget: TypedArray | null };
}

/** A named set of kernels. Missing kernels fall back to the reference backend. */
export interface Backend {
  readonly name: string;
  readonly kernels: Partial<Kernels>;
}
