/**
 * Normalization with PyTorch semantics: batchNorm, instanceNorm, groupNorm, layerNorm (biased
 * variance, ε inside the square root: y = (x − μ)/√(σ² + ε)·γ + β) and localResponseNorm.
 *
 * Batch, instance, group and layer norm share ONE fused autograd op over the backend's
 * normalization kernels (`normStats`, `normalize`, `normalizeGrad`). The input is viewed as
 * [N, C, S] (batch, channel, everything after) and split into statistic groups (`NormLayout`),
 * either one per channel across the batch (batch norm) or one per (sample, block of C/G
 * channels) (group norm; instance norm is G = C; layer norm is G = 1 over [prefix, normalized,
 * 1]). The affine parameters are always indexed by the channel. Statistics are computed in
 * double precision; the backward is analytic, dx = γ/σ·(g − mean(g) − x̂·mean(g·x̂)) per group,
 * so one normalization costs a few linear passes instead of a dozen recorded tensor ops.
 *
 * This file validates, updates the running statistics and wires autograd. Running statistics
 * (batch norm, tracked instance norm) are updated in place under noGrad:
 * running ← (1 − momentum)·running + momentum·batch, with the UNBIASED batch variance.
 */
import type { Tensor } from "../../tensor/tensor.js";
import type { NormLayout } from "../../backend/backend.js";
import { kernels } from "../../backend/registry.js";
import { attach, noGrad } from "../../autograd/engine.js";
import { allocArray } from "../../tensor/dtype.js";
import { numel, shapesEqual, type Shape } from "../../tensor/shape.js";
import { fromKernel } from "../../ops/util.js";
import { add, div, mul, pow, requireFloat, square } from "../../ops/elementwise.js";
import { pad, slice } from "../../ops/movement.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";

/** Options of `batchNorm` (PyTorch's F.batch_norm defaults). */
export interface BatchNormOptions {
  /** Normalize with the batch's statistics and update the running ones (default false: use the running ones). */
  training?: boolean;
  /** Weight of the batch statistic in the running average (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** Options of `instanceNorm` (PyTorch's F.instance_norm defaults). */
export interface InstanceNormOptions {
  /** Normalize each (sample, channel) with its own statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
  /** Weight of the batch statistic in the running average (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

// ---------------------------------------------------------------------------------------------
// The fused core
// ---------------------------------------------------------------------------------------------

/** What y is normalized with: the mean and 1/√(var + ε) of each statistic group. */
interface Stats {
  readonly mean: Float64Array;
  readonly invStd: Float64Array;
}

function invStdOf(variance: ArrayLike<number>, eps: number): Float64Array {
  const out = new Float64Array(variance.length);
  for (let k = 0; k < out.length; k++) out[k] = 1 / Math.sqrt(variance[k] + eps);
  return out;
}

/** Statistics of x's own groups, for normalizing with: the biased variance and 1/√(var + ε). */
function inputStats(x: Tensor, L: NormLayout, eps: number): Stats & { readonly variance: Float64Array } {
  const { mean, variance } = kernels().normStats(x, L);
  return { mean, variance, invStd: invStdOf(variance, eps) };
}

/** Statistics given from outside (running statistics in evaluation mode): constants for autograd. */
function fixedStats(runningMean: Tensor, runningVar: Tensor, eps: number): Stats {
  return { mean: Float64Array.from(runningMean.toTypedArray()), invStd: invStdOf(runningVar.toTypedArray(), eps) };
}

/** A float64 per-channel sum as the gradient of parameter p. */
function paramGrad(p: Tensor, sums: Float64Array): Tensor {
  const d = allocArray(p.dtype, sums.length);
  d.set(sums);
  return fromKernel(d, p.shape);
}

/**
 * y = (x − mean)·invStd·γ[c] + β[c] as one recorded op. When `statsFromInput`, the backward
 * differentiates through the statistics; otherwise they are constants.
 */
function normalizeFused(
  op: string, x: Tensor, L: NormLayout, stats: Stats, weight: Tensor | null, bias: Tensor | null, statsFromInput: boolean,
): Tensor {
  const { mean, invStd } = stats;
  const out = kernels().normalize(x, L, mean, invStd, weight, bias, x.dtype);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return attach(fromKernel(out, x.shape), op, inputs, (g) => {
    const { dx, dWeight, dBias } = kernels().normalizeGrad(x, g, L, mean, invStd, weight, statsFromInput, x.requiresGrad ? x.dtype : null);
    const grads: (Tensor | null)[] = [dx && fromKernel(dx, x.shape)];
    if (weight) grads.push(weight.requiresGrad ? paramGrad(weight, dWeight) : null);
    if (bias) grads.push(bias.requiresGrad ? paramGrad(bias, dBias) : null);
    return grads;
  });
}

// ---------------------------------------------------------------------------------------------
// Validation and running statistics (shared with the layers, which pass their own label)
// ---------------------------------------------------------------------------------------------

function checkTensorShape(op: string, name: string, t: Tensor | null, shape: Shape): void {
  if (t && !shapesEqual(t.shape, shape)) {
    throw new ShapeError(`${op}: ${name} must have shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`);
  }
}

function checkEps(op: string, eps: number): void {
  if (!(eps >= 0)) throw new ValueError(`${op}: eps must be a non-negative number, got ${eps}`);
}

function checkMomentum(op: string, momentum: number): void {
  if (!(momentum >= 0 && momentum <= 1)) throw new ValueError(`${op}: momentum must be in [0, 1], got ${momentum}`);
}

function checkRunningPair(op: string, runningMean: Tensor | null, runningVar: Tensor | null, C: number): void {
  if ((runningMean === null) !== (runningVar === null)) {
    throw new ValueError(`${op}: runningMean and runningVar must be given together`);
  }
  checkTensorShape(op, "runningMean", runningMean, [C]);
  checkTensorShape(op, "runningVar", runningVar, [C]);
}

/** [N, C, S] layout of an input [N, C, ...]. */
function channelLayout(x: Tensor, groups: number): NormLayout {
  return { N: x.shape[0], C: x.shape[1], S: numel(x.shape.slice(2)), groups };
}

/**
 * Throws unless every channel has more than one value in the batch (N · spatial > 1): the
 * variance of a single value is 0 and training on it silently yields all-zero outputs.
 * PyTorch raises the same error.
 */
export function checkBatchStatistics(label: string, x: Tensor): void {
  if (x.ndim >= 2 && x.shape[1] > 0 && x.size / x.shape[1] <= 1) {
    throw new ValueError(`${label}: expected more than 1 value per channel when training, got input of shape ${fmtShape(x.shape)}`);
  }
}

/** Throws unless x's trailing dims equal `normalizedShape` (what LayerNorm normalizes over). */
export function checkNormalizedShape(label: string, x: Tensor, normalizedShape: Shape): void {
  const lead = x.ndim - normalizedShape.length;
  if (lead < 0 || !shapesEqual(x.shape.slice(lead), normalizedShape)) {
    throw new ShapeError(
      `${label}: expected input with shape [*,${normalizedShape.join(",")}] (normalizedShape ${fmtShape(normalizedShape)}), got ${fmtShape(x.shape)}`,
    );
  }
}

/** running ← (1 − momentum)·running + momentum·batch, in place. */
function updateRunning(running: Tensor, batch: ArrayLike<number>, momentum: number): void {
  const cur = running.toTypedArray();
  const next = allocArray(running.dtype, running.size);
  for (let i = 0; i < next.length; i++) next[i] = (1 - momentum) * cur[i] + momentum * batch[i];
  noGrad(() => running.copy_(fromKernel(next, running.shape)));
}

// ---------------------------------------------------------------------------------------------
// Public functionals
// ---------------------------------------------------------------------------------------------

/**
 * Batch normalization over channel dim 1: statistics per channel over every other dim
 * (N; N, L; N, H, W; N, D, H, W). In training, normalizes with the batch mean and biased
 * variance and, when running statistics are given, updates them in place (running_var with
 * the unbiased variance); otherwise normalizes with the running statistics.
 *
 * **Shape:** x [N, C, ...] → [N, C, ...]; runningMean, runningVar, weight, bias [C].
 *
 * @example batchNorm(x, bn.runningMean, bn.runningVar, gamma, beta, { training: true })
 */
export function batchNorm(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null,
  weight: Tensor | null = null, bias: Tensor | null = null, options: BatchNormOptions = {},
): Tensor {
  const { training = false, momentum = 0.1, eps = 1e-5 } = options;
  const op = "batchNorm";
  requireFloat(op, x);
  if (x.ndim < 2) throw new ShapeError(`${op}: expected input [N,C,...] with at least 2 dims, got ${fmtShape(x.shape)}`);
  const L = channelLayout(x, 0);
  checkRunningPair(op, runningMean, runningVar, L.C);
  checkTensorShape(op, "weight", weight, [L.C]);
  checkTensorShape(op, "bias", bias, [L.C]);
  checkEps(op, eps);
  if (!training) {
    if (!runningMean || !runningVar) throw new ValueError(`${op}: runningMean and runningVar are required when not training`);
    return normalizeFused(op, x, L, fixedStats(runningMean, runningVar, eps), weight, bias, false);
  }
  checkBatchStatistics(op, x);
  const stats = inputStats(x, L, eps);
  if (runningMean && runningVar) {
    checkMomentum(op, momentum);
    const M = L.N * L.S;
    updateRunning(runningMean, stats.mean, momentum);
    updateRunning(runningVar, stats.variance.map((v) => (v * M) / (M - 1)), momentum);
  }
  return normalizeFused(op, x, L, stats, weight, bias, true);
}

/**
 * Instance normalization: each (sample, channel) normalized over its own spatial positions.
 * With running statistics, training also updates them with the batch average of the
 * per-instance means and unbiased variances; `useInputStats: false` normalizes with them
 * instead (a tracked InstanceNorm in eval mode).
 *
 * **Shape:** x [N, C, ...spatial] → same; runningMean, runningVar, weight, bias [C].
 */
export function instanceNorm(
  x: Tensor, runningMean: Tensor | null = null, runningVar: Tensor | null = null,
  weight: Tensor | null = null, bias: Tensor | null = null, options: InstanceNormOptions = {},
): Tensor {
  const { useInputStats = true, momentum = 0.1, eps = 1e-5 } = options;
  const op = "instanceNorm";
  requireFloat(op, x);
  if (x.ndim < 3) throw new ShapeError(`${op}: expected input [N,C,...spatial] with at least 3 dims, got ${fmtShape(x.shape)}`);
  const C = x.shape[1];
  checkRunningPair(op, runningMean, runningVar, C);
  checkTensorShape(op, "weight", weight, [C]);
  checkTensorShape(op, "bias", bias, [C]);
  checkEps(op, eps);
  if (!useInputStats) {
    if (!runningMean || !runningVar) throw new ValueError(`${op}: runningMean and runningVar are required when useInputStats is false`);
    return normalizeFused(op, x, channelLayout(x, 0), fixedStats(runningMean, runningVar, eps), weight, bias, false);
  }
  const L = channelLayout(x, C);
  if (L.S <= 1) throw new ValueError(`${op}: expected more than 1 spatial element when training, got input of shape ${fmtShape(x.shape)}`);
  const stats = inputStats(x, L, eps);
  const { mean, variance } = stats;
  if (runningMean && runningVar) {
    checkMomentum(op, momentum);
    const avgMean = new Float64Array(C);
    const avgVar = new Float64Array(C);
    const unbias = L.S / (L.S - 1);
    for (let k = 0; k < L.N * C; k++) {
      avgMean[k % C] += mean[k] / L.N;
      avgVar[k % C] += (variance[k] * unbias) / L.N;
    }
    updateRunning(runningMean, avgMean, momentum);
    updateRunning(runningVar, avgVar, momentum);
  }
  return normalizeFused(op, x, L, stats, weight, bias, true);
}

/**
 * Group normalization: the C channels are split into `numGroups` contiguous blocks; each
 * (sample, block) is normalized over its channels and spatial positions. Independent of the
 * batch size, so training and evaluation behave the same.
 *
 * **Shape:** x [N, C, ...] → same; weight, bias [C].
 */
export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const op = "groupNorm";
  requireFloat(op, x);
  if (x.ndim < 2) throw new ShapeError(`${op}: expected input [N,C,...] with at least 2 dims, got ${fmtShape(x.shape)}`);
  if (!Number.isInteger(numGroups) || numGroups <= 0) throw new ValueError(`${op}: numGroups must be a positive integer, got ${numGroups}`);
  const C = x.shape[1];
  if (C % numGroups !== 0) {
    throw new ValueError(`${op}: ${C} channels cannot be split into ${numGroups} groups (input ${fmtShape(x.shape)})`);
  }
  checkTensorShape(op, "weight", weight, [C]);
  checkTensorShape(op, "bias", bias, [C]);
  checkEps(op, eps);
  const L = channelLayout(x, numGroups);
  return normalizeFused(op, x, L, inputStats(x, L, eps), weight, bias, true);
}

/**
 * Layer normalization over the trailing `normalizedShape` dims of each sample; weight and bias
 * are elementwise over those dims.
 *
 * **Shape:** x [*, ...normalizedShape] → same; weight, bias normalizedShape.
 *
 * @example layerNorm(x, [x.shape.at(-1)]) // normalize each row of features
 */
export function layerNorm(
  x: Tensor, normalizedShape: number | readonly number[],
  weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5,
): Tensor {
  const op = "layerNorm";
  const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  requireFloat(op, x);
  if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new ValueError(`${op}: normalizedShape must be a non-empty list of positive integers, got ${fmtShape(shape)}`);
  }
  checkNormalizedShape(op, x, shape);
  checkTensorShape(op, "weight", weight, shape);
  checkTensorShape(op, "bias", bias, shape);
  checkEps(op, eps);
  const K = numel(shape);
  // Every row of K normalized values is one statistic group whose "channels" are the K positions.
  const L: NormLayout = { N: x.size / K, C: K, S: 1, groups: 1 };
  return normalizeFused(op, x, L, inputStats(x, L, eps), weight, bias, true);
}

/**
 * Local response normalization across channels (AlexNet), PyTorch's formula:
 * b_c = a_c / (k + α/n · Σ a_{c'}²)^β over the n = `size` channels c' centered on c (zero
 * padded: ⌊size/2⌋ before and ⌊(size−1)/2⌋ after). The divisor is always n, even at the edges.
 * Composed from tensor ops, so autograd supplies the backward.
 *
 * **Shape:** x [N, C, ...] (at least 3 dims) → same.
 */
export function localResponseNorm(x: Tensor, size: number, alpha = 1e-4, beta = 0.75, k = 1): Tensor {
  const op = "localResponseNorm";
  requireFloat(op, x);
  if (x.ndim < 3) throw new ShapeError(`${op}: expected input [N,C,...] with at least 3 dims, got ${fmtShape(x.shape)}`);
  if (!Number.isInteger(size) || size <= 0) throw new ValueError(`${op}: size must be a positive integer, got ${size}`);
  const C = x.shape[1];
  // F.pad pairs run from the last dim backwards; dim 1 is pair number ndim − 2.
  const pads = new Array<number>(2 * (x.ndim - 1)).fill(0);
  pads[2 * (x.ndim - 2)] = Math.floor(size / 2);
  pads[2 * (x.ndim - 2) + 1] = Math.floor((size - 1) / 2);
  const padded = pad(square(x), pads);
  let windowSum = slice(padded, 1, 0, C);
  for (let j = 1; j < size; j++) windowSum = add(windowSum, slice(padded, 1, j, j + C));
  return div(x, pow(add(mul(windowSum, alpha / size), k), beta));
}
