/**
 * Loss functions with PyTorch semantics under camelCase names: argument meanings, defaults and
 * reductions ("mean" | "sum" | "none") match `torch.nn.functional`. Every loss validates its
 * arguments at the call site: target/input shapes must agree exactly (no silent broadcasting of
 * [N] against [N,1]), class indices must be int32 and in range, probabilities must be floating.
 *
 * crossEntropy, nllLoss, bceLoss and bceWithLogits are single fused recorded ops with
 * closed-form backward passes (numerically stable for extreme inputs); the regression, KL and
 * margin losses are short compositions of differentiable ops. Class weights and `posWeight` of
 * the fused ops are constants (no gradient flows to them); per-element `weight` of the BCE
 * losses is an ordinary multiplication and does get one.
 */
import { Tensor } from "../../tensor/tensor.js";
import { attach } from "../../autograd/engine.js";
import { kernels } from "../../backend/registry.js";
import type { ClassTarget } from "../../backend/backend.js";
import { allocArray, floatType, isFloat, type TypedArray } from "../../tensor/dtype.js";
import { broadcastShapes, contiguousStrides, numel, shapesEqual, type Shape } from "../../tensor/shape.js";
import { abs, add, exp, log, lt, mul, relu, square, sub, where, gt } from "../../ops/elementwise.js";
import { mean, sum } from "../../ops/reduce.js";
import { reshape } from "../../ops/movement.js";
import { gather, indexSelect, oneHot } from "../../ops/indexing.js";
import { broadcastView, fromKernel } from "../../ops/util.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../errors.js";

/** How per-element losses are combined: averaged, summed, or returned as they are. */
export type Reduction = "mean" | "sum" | "none";
/** klDiv also offers "batchmean": the sum divided by the batch size (the true KL divergence per sample). */
export type KLDivReduction = Reduction | "batchmean";

// ---------------------------------------------------------------------------------------------
// Shared validation and reduction
// ---------------------------------------------------------------------------------------------

const REDUCTIONS: readonly string[] = ["mean", "sum", "none"];

/** Throws a ValueError unless `reduction` is one of `allowed` (JS callers can pass any string). */
function checkReduction(op: string, reduction: string, allowed: readonly string[] = REDUCTIONS): void {
  if (!allowed.includes(reduction)) {
    throw new ValueError(`${op}: reduction must be ${allowed.map((r) => `"${r}"`).join(", ")}, got "${reduction}"`);
  }
}

function checkFloat(op: string, what: string, t: Tensor): void {
  if (!isFloat(t.dtype)) throw new DTypeError(`${op}: ${what} must be a floating-point tensor, got ${t.dtype}`);
}

/** Elementwise losses require equal shapes: broadcasting [N] against [N,1] would compare every pair. */
function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(
      `${op}: target shape ${fmtShape(target.shape)} does not match input shape ${fmtShape(input.shape)} (reshape one of them; the loss does not broadcast)`,
    );
  }
}

/** The checks every elementwise (regression-style) loss starts with. */
function checkPointwise(op: string, input: Tensor, target: Tensor, reduction: string, allowed?: readonly string[]): void {
  checkReduction(op, reduction, allowed);
  checkFloat(op, "input", input);
  checkFloat(op, "target", target);
  checkSameShape(op, input, target);
}

/** Applies a "mean" | "sum" | "none" reduction to a tensor of per-element losses. */
function reduce(l: Tensor, reduction: Reduction): Tensor {
  if (reduction === "none") return l;
  return reduction === "sum" ? sum(l) : mean(l);
}

/** The values of t broadcast to `shape`, as a dense row-major array (no copy when already dense). */
function dense(t: Tensor, shape: Shape = t.shape): TypedArray {
  if (shapesEqual(t.shape, shape)) return t.toTypedArray();
  const out = allocArray(t.dtype, numel(shape));
  kernels().copy(broadcastView(t, shape), { data: out, shape, strides: contiguousStrides(shape), offset: 0 });
  return out;
}

/** The per-element part of a loss's upstream gradient: g[i] for "none", one shared scalar otherwise. */
function upstreamScale(g: Tensor, reduction: Reduction, count: number): (i: number) => number {
  if (reduction === "none") {
    const gd = g.toTypedArray();
    return (i) => gd[i];
  }
  const s = reduction === "mean" ? g.item() / count : g.item();
  return () => s;
}

/** Wraps per-position losses as the reduced output (the sum is accumulated in double precision). */
function reducedOutput(values: Float64Array, shape: Shape, dtype: "float32" | "float64", reduction: Reduction, count: number): Tensor {
  if (reduction === "none") {
    const out = allocArray(dtype, values.length);
    out.set(values);
    return fromKernel(out, shape);
  }
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return Tensor.scalar(reduction === "mean" ? total / count : total, dtype);
}

// ---------------------------------------------------------------------------------------------
// Class-index losses: crossEntropy, nllLoss
// ---------------------------------------------------------------------------------------------

/** Options shared by the losses over class scores with integer targets. */
export interface ClassLossOptions {
  /** A rescaling weight per class, shape [C] (a constant: no gradient flows to it). */
  weight?: Tensor | null;
  /** A target value that contributes neither loss nor gradient nor weight (default −100). */
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** Options of crossEntropy. */
export interface CrossEntropyOptions extends ClassLossOptions {
  /** ε in [0, 1]: the target becomes (1 − ε)·onehot + ε/C (PyTorch's label smoothing). Default 0. */
  labelSmoothing?: number;
}

/** Options of nllLoss (the same as crossEntropy's, without label smoothing). */
export type NLLLossOptions = ClassLossOptions;

/** An input of class scores viewed as [n, c, s]: batch, classes, flattened extra dims. */
interface ClassLayout {
  readonly n: number;
  readonly c: number;
  readonly s: number;
  /** Shape of the unreduced loss: [N, d1, …], or [] for an unbatched [C] input. */
  readonly lossShape: number[];
  /** Class weights, or null for all ones. */
  readonly w: Float64Array | null;
}

function classLayout(op: string, input: Tensor, weight: Tensor | null): ClassLayout {
  checkFloat(op, "input", input);
  if (input.ndim === 0) {
    throw new ShapeError(`${op}: expected input of shape [N,C] or [N,C,d1,...] (or [C] for one sample), got a 0-d tensor`);
  }
  const batched = input.ndim >= 2;
  const c = input.shape[batched ? 1 : 0];
  let w: Float64Array | null = null;
  if (weight) {
    checkFloat(op, "weight", weight);
    if (!shapesEqual(weight.shape, [c])) {
      throw new ShapeError(`${op}: weight must have shape [${c}] (one per class), got ${fmtShape(weight.shape)}`);
    }
    w = Float64Array.from(weight.toTypedArray());
  }
  return {
    n: batched ? input.shape[0] : 1,
    c,
    s: numel(input.shape.slice(2)),
    lossShape: batched ? [input.shape[0], ...input.shape.slice(2)] : [],
    w,
  };
}

/** Validated class-index targets: one class per position, −1 where ignored. */
interface IndexTargets {
  readonly cls: Int32Array;
  /** Divisor of "mean": the summed weight of the non-ignored targets (their count without weights). */
  readonly total: number;
}

function indexTargets(op: string, target: Tensor, layout: ClassLayout, ignoreIndex: number): IndexTargets {
  if (target.dtype !== "int32") {
    throw new DTypeError(`${op}: target must hold int32 class indices, got ${target.dtype}`);
  }
  if (!shapesEqual(target.shape, layout.lossShape)) {
    throw new ShapeError(`${op}: target shape ${fmtShape(target.shape)} does not match input (expected ${fmtShape(layout.lossShape)} for ${layout.c} classes)`);
  }
  const t = target.toTypedArray();
  const cls = new Int32Array(t.length);
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    const v = t[i];
    if (v === ignoreIndex) {
      cls[i] = -1;
      continue;
    }
    if (v < 0 || v >= layout.c) throw new ValueError(`${op}: target ${v} is out of range for ${layout.c} classes`);
    cls[i] = v;
    total += layout.w ? layout.w[v] : 1;
  }
  return { cls, total };
}

/**
 * Cross-entropy between softmax(input) along dim 1 and the target, computed with log-sum-exp
 * (finite for logits of ±1000). The target is either int32 class indices (shape of the input
 * without dim 1) or class probabilities (float, the input's shape).
 *
 * Per position: l = −Σ_c w_c·q_c·log softmax(x)_c, where q is the one-hot (or given)
 * distribution smoothed as (1 − ε)·q + ε/C. "mean" divides by the summed weight of the
 * non-ignored targets for class indices (NaN when all are ignored, as in PyTorch) and by the
 * number of positions for probabilities. One fused op; its backward is (softmax·Σ w q − w q)·scale.
 *
 * **Shape:** input [N,C] or [N,C,d1,…] (or [C]); target [N] / [N,d1,…] (or []) int32, or
 * the input's shape (float). Output [] or, with "none", [N,d1,…].
 *
 * @example crossEntropy(logits, labels) // logits [64,10], labels int32 [64]
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = "crossEntropy";
  const { weight = null, ignoreIndex = -100, reduction = "mean", labelSmoothing = 0 } = options;
  checkReduction(op, reduction);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new ValueError(`${op}: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  }
  const layout = classLayout(op, input, weight);
  const probShapeNote = `class indices ${fmtShape(layout.lossShape)} or probabilities ${fmtShape(input.shape)}`;
  if (isFloat(target.dtype)) {
    if (!shapesEqual(target.shape, input.shape)) {
      if (shapesEqual(target.shape, layout.lossShape)) {
        throw new DTypeError(`${op}: class-index target must be int32, got ${target.dtype} (a float target means class probabilities of the input's shape ${fmtShape(input.shape)})`);
      }
      throw new ShapeError(`${op}: target shape ${fmtShape(target.shape)} does not match input shape ${fmtShape(input.shape)} (expected ${probShapeNote})`);
    }
    if (ignoreIndex >= 0) throw new ValueError(`${op}: ignoreIndex is not supported with class-probability targets`);
    return softmaxCrossEntropy(input, layout, labelSmoothing, reduction, null, target, layout.n * layout.s);
  }
  if (shapesEqual(target.shape, input.shape) && !shapesEqual(target.shape, layout.lossShape)) {
    throw new DTypeError(`${op}: class-probability target must be floating-point, got ${target.dtype} (class indices have shape ${fmtShape(layout.lossShape)})`);
  }
  const { cls, total } = indexTargets(op, target, layout, ignoreIndex);
  return softmaxCrossEntropy(input, layout, labelSmoothing, reduction, cls, null, total);
}

/**
 * The fused log-softmax + weighted NLL as one recorded op on the backend's
 * `softmaxCrossEntropy` kernels: they return per-position losses and log-sum-exps, which the
 * backward pass reuses; the reduction and the upstream gradient's per-position scale are here.
 */
function softmaxCrossEntropy(
  x: Tensor, layout: ClassLayout, eps: number, reduction: Reduction,
  cls: Int32Array | null, probs: Tensor | null, count: number,
): Tensor {
  const { w } = layout;
  const target: ClassTarget = probs ? { probs } : { classes: cls as Int32Array };
  const { losses, lse } = kernels().softmaxCrossEntropy(x, layout, target, w, eps);
  const dtype = floatType(x.dtype);
  const out = reducedOutput(losses, layout.lossShape, dtype, reduction, count);
  const inputs = probs ? [x, probs] : [x];
  return attach(out, "crossEntropy", inputs, (g) => {
    const scale = upstreamScale(g, reduction, count);
    const scales = Float64Array.from({ length: losses.length }, (_, pos) => scale(pos));
    const targetGradDtype = probs?.requiresGrad ? floatType(probs.dtype) : null;
    const { dx, dTarget } = kernels().softmaxCrossEntropyGrad(x, layout, target, w, eps, lse, scales, dtype, targetGradDtype);
    return [fromKernel(dx, x.shape), dTarget ? fromKernel(dTarget, (probs as Tensor).shape) : null];
  });
}

/**
 * Negative log-likelihood of class indices under log-probabilities (e.g. the output of
 * logSoftmax): l = −w_y·input[y]. "mean" divides by the summed weight of the non-ignored
 * targets. crossEntropy(x, y) = nllLoss(logSoftmax(x, 1), y).
 *
 * **Shape:** input [N,C] or [N,C,d1,…] (or [C]); target int32 [N] / [N,d1,…] (or []).
 * Output [] or, with "none", [N,d1,…].
 */
export function nllLoss(input: Tensor, target: Tensor, options: NLLLossOptions = {}): Tensor {
  const op = "nllLoss";
  const { weight = null, ignoreIndex = -100, reduction = "mean" } = options;
  checkReduction(op, reduction);
  const layout = classLayout(op, input, weight);
  const { cls, total } = indexTargets(op, target, layout, ignoreIndex);
  const { n, c, s, w } = layout;
  const xd = input.toTypedArray();
  const at = (pos: number) => Math.floor(pos / s) * c * s + cls[pos] * s + (pos % s);
  const losses = new Float64Array(n * s);
  for (let pos = 0; pos < losses.length; pos++) {
    const y = cls[pos];
    if (y >= 0) losses[pos] = -(w ? w[y] : 1) * xd[at(pos)];
  }
  const dtype = floatType(input.dtype);
  const out = reducedOutput(losses, layout.lossShape, dtype, reduction, total);
  return attach(out, "nllLoss", [input], (g) => {
    const scale = upstreamScale(g, reduction, total);
    const dx = allocArray(dtype, input.size);
    for (let pos = 0; pos < losses.length; pos++) {
      const y = cls[pos];
      if (y >= 0) dx[at(pos)] = -(w ? w[y] : 1) * scale(pos);
    }
    return [fromKernel(dx, input.shape)];
  });
}

// ---------------------------------------------------------------------------------------------
// Binary cross-entropy
// ---------------------------------------------------------------------------------------------

/** Options of bceLoss. */
export interface BCELossOptions {
  /** Per-element rescaling weight, broadcastable to the input's shape. */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/** Options of bceWithLogits. */
export interface BCEWithLogitsOptions extends BCELossOptions {
  /** Weight of the positive term, broadcastable to the input (typically [C]); a constant. */
  posWeight?: Tensor | null;
}

/** Multiplies per-element losses by a weight that must broadcast to (not beyond) the input's shape. */
function applyWeight(op: string, l: Tensor, weight: Tensor | null): Tensor {
  if (!weight) return l;
  checkFloat(op, "weight", weight);
  const shape = broadcastShapes(op, l.shape, weight.shape);
  if (!shapesEqual(shape, l.shape)) {
    throw new ShapeError(`${op}: weight of shape ${fmtShape(weight.shape)} does not broadcast to input shape ${fmtShape(l.shape)}`);
  }
  return mul(l, weight);
}

/** PyTorch clamps log(p) at −100 so that p = 0 or 1 gives a large finite loss, not ∞. */
const clampedLog = (v: number) => Math.max(Math.log(v), -100);

/**
 * Binary cross-entropy on probabilities: l = −w·(t·log p + (1 − t)·log(1 − p)), each log
 * clamped at −100 (PyTorch), so p = 0 or 1 stays finite. The backward is PyTorch's
 * (p − t)/max(p(1 − p), 1e−12). Prefer bceWithLogits on raw scores: it is stabler.
 *
 * **Shape:** input and target of any equal shape; output [] or, with "none", the input's shape.
 */
export function bceLoss(input: Tensor, target: Tensor, options: BCELossOptions = {}): Tensor {
  const op = "bceLoss";
  const { weight = null, reduction = "mean" } = options;
  checkPointwise(op, input, target, reduction);
  const p = input.toTypedArray();
  const t = target.toTypedArray();
  const dtype = floatType(input.dtype);
  const out = allocArray(dtype, p.length);
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0 && p[i] <= 1)) {
      throw new ValueError(`${op}: input must hold probabilities in [0, 1], got ${p[i]} at flat index ${i} (apply sigmoid first, or use bceWithLogits)`);
    }
    out[i] = -(t[i] * clampedLog(p[i]) + (1 - t[i]) * clampedLog(1 - p[i]));
  }
  const l = attach(fromKernel(out, input.shape), "bceLoss", [input, target], (g) => {
    const gd = g.toTypedArray();
    const dp = allocArray(dtype, p.length);
    const dt = target.requiresGrad ? allocArray(floatType(target.dtype), t.length) : null;
    for (let i = 0; i < p.length; i++) {
      dp[i] = (gd[i] * (p[i] - t[i])) / Math.max(p[i] * (1 - p[i]), 1e-12);
      if (dt) dt[i] = gd[i] * (clampedLog(1 - p[i]) - clampedLog(p[i]));
    }
    return [fromKernel(dp, input.shape), dt ? fromKernel(dt, target.shape) : null];
  });
  return reduce(applyWeight(op, l, weight), reduction);
}

/** log(1 + e^{−x}) without overflow for either sign of x. */
const softplusNeg = (x: number) => Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/**
 * Binary cross-entropy on logits, in the stable form
 * l = w·((1 − t)·x + (1 + (pw − 1)·t)·log(1 + e^{−x})) with log(1 + e^{−x}) computed without
 * overflow (finite and exact for x = ±1000). ∂l/∂x = w·((1 + (pw − 1)t)·σ(x) − pw·t).
 *
 * **Shape:** input and target of any equal shape; output [] or, with "none", the input's shape.
 *
 * @example bceWithLogits(scores, labels.float(), { posWeight: tensor([3]) })
 */
export function bceWithLogits(input: Tensor, target: Tensor, options: BCEWithLogitsOptions = {}): Tensor {
  const op = "bceWithLogits";
  const { weight = null, posWeight = null, reduction = "mean" } = options;
  checkPointwise(op, input, target, reduction);
  if (posWeight) {
    checkFloat(op, "posWeight", posWeight);
    if (!shapesEqual(broadcastShapes(op, input.shape, posWeight.shape), input.shape)) {
      throw new ShapeError(`${op}: posWeight of shape ${fmtShape(posWeight.shape)} does not broadcast to input shape ${fmtShape(input.shape)}`);
    }
  }
  const x = input.toTypedArray();
  const t = target.toTypedArray();
  const pw = posWeight ? dense(posWeight, input.shape) : null;
  const dtype = floatType(input.dtype);
  const out = allocArray(dtype, x.length);
  for (let i = 0; i < x.length; i++) {
    const lw = pw ? 1 + (pw[i] - 1) * t[i] : 1;
    out[i] = (1 - t[i]) * x[i] + lw * softplusNeg(x[i]);
  }
  const l = attach(fromKernel(out, input.shape), "bceWithLogits", [input, target], (g) => {
    const gd = g.toTypedArray();
    const dx = allocArray(dtype, x.length);
    const dt = target.requiresGrad ? allocArray(floatType(target.dtype), t.length) : null;
    for (let i = 0; i < x.length; i++) {
      const p = pw ? pw[i] : 1;
      dx[i] = gd[i] * ((1 + (p - 1) * t[i]) * sigmoid(x[i]) - p * t[i]);
      if (dt) dt[i] = gd[i] * ((p - 1) * softplusNeg(x[i]) - x[i]);
    }
    return [fromKernel(dx, input.shape), dt ? fromKernel(dt, target.shape) : null];
  });
  return reduce(applyWeight(op, l, weight), reduction);
}

// ---------------------------------------------------------------------------------------------
// Regression losses
// ---------------------------------------------------------------------------------------------

/** Options of the losses whose only option is the reduction (default "mean"). */
export interface ReductionOptions {
  reduction?: Reduction;
}

/** Options of smoothL1Loss. */
export interface SmoothL1Options extends ReductionOptions {
  /** Where the quadratic part ends (default 1); 0 gives the L1 loss. */
  beta?: number;
}

/** Options of huberLoss. */
export interface HuberOptions extends ReductionOptions {
  /** Where the quadratic part ends (default 1); must be positive. */
  delta?: number;
}

/**
 * Mean squared error: (input − target)² per element, then the reduction.
 * **Shape:** input and target of any equal shape; output [] or, with "none", that shape.
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const { reduction = "mean" } = options;
  checkPointwise("mseLoss", input, target, reduction);
  return reduce(square(sub(input, target)), reduction);
}

/**
 * The course's half mean squared error J = 1/(2N)·Σ (z − ẑ)² with z = input (prediction),
 * ẑ = target and N the number of elements, so that ∂J/∂z = (z − ẑ)/N. "sum" gives ½Σ(z − ẑ)²
 * and "none" ½(z − ẑ)² per element. Equals mseLoss / 2.
 * **Shape:** input and target of any equal shape; output [] or, with "none", that shape.
 */
export function halfMseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const { reduction = "mean" } = options;
  checkPointwise("halfMseLoss", input, target, reduction);
  return reduce(mul(square(sub(input, target)), 0.5), reduction);
}

/**
 * Mean absolute error: |input − target| per element (gradient 0 where they are equal).
 * **Shape:** input and target of any equal shape; output [] or, with "none", that shape.
 */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const { reduction = "mean" } = options;
  checkPointwise("l1Loss", input, target, reduction);
  return reduce(abs(sub(input, target)), reduction);
}

/**
 * A quadratic-then-linear penalty of d = input − target: `quadScale`·d² where |d| < `knee`,
 * else `slope`·(|d| − knee/2). Smooth L1 and Huber differ only in these constants.
 */
function quadraticLinear(input: Tensor, target: Tensor, knee: number, quadScale: number, slope: number): Tensor {
  const d = sub(input, target);
  const ad = abs(d);
  return where(lt(ad, knee), mul(square(d), quadScale), mul(sub(ad, 0.5 * knee), slope));
}

/**
 * Smooth L1: 0.5·d²/β where |d| < β, else |d| − 0.5·β, with d = input − target (β = 0 is the
 * L1 loss). **Shape:** input and target of any equal shape; output [] or, with "none", that shape.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  const op = "smoothL1Loss";
  const { reduction = "mean", beta = 1 } = options;
  checkPointwise(op, input, target, reduction);
  if (!(beta >= 0)) throw new ValueError(`${op}: beta must be non-negative, got ${beta}`);
  // β = 0 would divide by zero in the (unused) quadratic branch and poison its gradient.
  if (beta === 0) return reduce(abs(sub(input, target)), reduction);
  return reduce(quadraticLinear(input, target, beta, 0.5 / beta, 1), reduction);
}

/**
 * Huber: 0.5·d² where |d| < δ, else δ·(|d| − 0.5·δ), with d = input − target
 * (= δ·smoothL1Loss with β = δ). **Shape:** input and target of any equal shape; output [] or,
 * with "none", that shape.
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  const op = "huberLoss";
  const { reduction = "mean", delta = 1 } = options;
  checkPointwise(op, input, target, reduction);
  if (!(delta > 0)) throw new ValueError(`${op}: delta must be positive, got ${delta}`);
  return reduce(quadraticLinear(input, target, delta, 0.5, delta), reduction);
}

// ---------------------------------------------------------------------------------------------
// KL divergence
// ---------------------------------------------------------------------------------------------

/** Options of klDiv. */
export interface KLDivOptions {
  /**
   * "mean" (PyTorch's default) divides by the number of elements; "batchmean" divides by the
   * batch size (dim 0) and is the mathematically correct KL per sample.
   */
  reduction?: KLDivReduction;
  /** The target is given as log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * KL divergence of the target distribution from the input, PyTorch's `kl_div`: the input holds
 * log-probabilities; per element l = t·(log t − input) (0 where t = 0), or with `logTarget`
 * l = eᵗ·(t − input).
 * **Shape:** input and target of any equal shape; output [] or, with "none", that shape.
 *
 * @example klDiv(logSoftmax(student, 1), softmax(teacher, 1), { reduction: "batchmean" })
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  const { reduction = "mean", logTarget = false } = options;
  checkPointwise("klDiv", input, target, reduction, [...REDUCTIONS, "batchmean"]);
  let l: Tensor;
  if (logTarget) {
    l = mul(exp(target), sub(target, input));
  } else {
    // log(1) where t = 0, so t·log t is 0 there and its gradient stays finite.
    const safe = where(gt(target, 0), target, 1);
    l = mul(target, sub(log(safe), input));
  }
  if (reduction !== "batchmean") return reduce(l, reduction);
  return input.ndim === 0 ? sum(l) : mul(sum(l), 1 / input.shape[0]);
}

// ---------------------------------------------------------------------------------------------
// Margin (SVM) losses
// ---------------------------------------------------------------------------------------------

/** Options of multiMarginLoss (PyTorch's `multi_margin_loss`). */
export interface MultiMarginOptions {
  /** Exponent of each hinge term, 1 or 2 (default 1). */
  p?: number;
  /** Default 1. */
  margin?: number;
  /** Per-class weight [C], applied as w_y to every term of a sample. */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/** Options of multiclassHingeLoss (the course's SVM loss). */
export interface MulticlassHingeOptions {
  /** Default 1 (the course's Δ). */
  margin?: number;
  reduction?: Reduction;
}

/**
 * Per-sample Σ_{j≠y} w_y·max(0, margin − s_y + s_j)^p over scores [N, C] (or [C]): the common
 * core of multiMarginLoss and multiclassHingeLoss. Returns [N] (or [] for [C]).
 */
function hingeTerms(op: string, scores: Tensor, target: Tensor, margin: number, p: number, weight: Tensor | null): Tensor {
  checkFloat(op, "input", scores);
  if (scores.ndim !== 1 && scores.ndim !== 2) {
    throw new ShapeError(`${op}: expected scores of shape [N,C] (or [C]), got ${fmtShape(scores.shape)}`);
  }
  const layout = classLayout(op, scores, weight);
  const { n, c } = layout;
  // No ignoreIndex here: NaN never equals a target value.
  indexTargets(op, target, layout, Number.NaN);
  const s = reshape(scores, [n, c]);
  const y = reshape(target, [n]);
  const sy = gather(s, 1, reshape(y, [n, 1]));
  const others = sub(1, oneHot(y, c, floatType(scores.dtype)));
  let terms = mul(relu(add(sub(s, sy), margin)), others);
  if (p === 2) terms = square(terms);
  if (weight) terms = mul(terms, reshape(indexSelect(weight, 0, y), [n, 1]));
  const perSample = sum(terms, 1);
  return scores.ndim === 1 ? reshape(perSample, []) : perSample;
}

/**
 * PyTorch's `multi_margin_loss`: per sample Σ_{j≠y} w_y·max(0, margin − s_y + s_j)^p / C
 * (note the division by the number of classes C).
 * **Shape:** input [N,C] (or [C]); target int32 [N] (or []); output [] or, with "none", [N].
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options: MultiMarginOptions = {}): Tensor {
  const op = "multiMarginLoss";
  const { p = 1, margin = 1, weight = null, reduction = "mean" } = options;
  checkReduction(op, reduction);
  if (p !== 1 && p !== 2) throw new ValueError(`${op}: only p = 1 and p = 2 are supported, got ${p}`);
  const terms = hingeTerms(op, input, target, margin, p, weight);
  return reduce(mul(terms, 1 / input.shape[input.ndim - 1]), reduction);
}

/**
 * The course's (CS231n) multiclass SVM hinge loss: L_i = Σ_{j≠y_i} max(0, s_j − s_{y_i} + margin),
 * without PyTorch's division by C, then the mean (default) or sum over the batch.
 * **Shape:** scores [N,C] (or [C]); target int32 [N] (or []); output [] or, with "none", [N].
 *
 * @example multiclassHingeLoss(tensor([[3.2, 5.1, -1.7]]), tensor([0], { dtype: "int32" })) // 2.9
 */
export function multiclassHingeLoss(scores: Tensor, target: Tensor, options: MulticlassHingeOptions = {}): Tensor {
  const op = "multiclassHingeLoss";
  const { margin = 1, reduction = "mean" } = options;
  checkReduction(op, reduction);
  return reduce(hingeTerms(op, scores, target, margin, 1, null), reduction);
}
