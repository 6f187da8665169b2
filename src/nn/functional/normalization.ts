/**
 * Normalization with PyTorch semantics: batchNorm, instanceNorm, groupNorm, layerNorm (biased
 * variance, ε inside the square root: y = (x − μ)/√(σ² + ε)·γ + β) and localResponseNorm.
 *
 * Batch, instance, group and layer norm share ONE fused autograd op. The input is viewed as
 * [N, C, S] (batch, channel, everything after) and split into statistic groups, either one per
 * channel across the batch (batch norm) or one per (sample, block of C/G channels) (group norm;
 * instance norm is G = C; layer norm is G = 1 over [prefix, normalized, 1]). The affine
 * parameters are always indexed by the channel. Statistics are computed in double precision
 * (two passes); the backward is analytic, dx = γ/σ·(g − mean(g) − x̂·mean(g·x̂)) per group, so one
 * normalization costs a few linear passes instead of a dozen recorded tensor ops.
 *
 * Running statistics (batch norm, tracked instance norm) are updated in place under noGrad:
 * running ← (1 − momentum)·running + momentum·batch, with the UNBIASED batch variance.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { attach, noGrad } from "../../autograd/engine.js";
import { allocArray, type TypedArray } from "../../tensor/dtype.js";
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

/** x viewed as [N, C, S]; groups 0 = one statistic per channel over (N, S), else one per (n, group). */
interface Layout {
  readonly N: number;
  readonly C: number;
  readonly S: number;
  readonly groups: number;
}

/** What y is normalized with: the mean and 1/√(var + ε) of each statistic group. */
interface Stats {
  readonly mean: Float64Array;
  readonly invStd: Float64Array;
}

const statCount = (L: Layout) => (L.groups ? L.N * L.groups : L.C);
/** Elements behind one statistic. */
const perStat = (L: Layout) => (L.groups ? (L.C / L.groups) * L.S : L.N * L.S);

/** Statistic index of row (n, c). */
function statIndexer(L: Layout): (n: number, c: number) => number {
  if (!L.groups) return (_n, c) => c;
  const G = L.groups;
  const perGroup = L.C / G;
  return (n, c) => n * G + Math.floor(c / perGroup);
}

/** Biased mean and variance of each statistic group (two passes, in doubles). */
function inputStats(L: Layout, xd: TypedArray): { mean: Float64Array; variance: Float64Array } {
  const { N, C, S } = L;
  const stat = statIndexer(L);
  const K = statCount(L);
  const M = perStat(L);
  const mean = new Float64Array(K);
  const variance = new Float64Array(K);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * S;
      let s = 0;
      for (let i = base; i < base + S; i++) s += xd[i];
      mean[stat(n, c)] += s;
    }
  }
  for (let k = 0; k < K; k++) mean[k] /= M;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const k = stat(n, c);
      const m = mean[k];
      const base = (n * C + c) * S;
      let q = 0;
      for (let i = base; i < base + S; i++) {
        const d = xd[i] - m;
        q += d * d;
      }
      variance[k] += q;
    }
  }
  for (let k = 0; k < K; k++) variance[k] /= M;
  return { mean, variance };
}

function invStdOf(variance: ArrayLike<number>, eps: number): Float64Array {
  const out = new Float64Array(variance.length);
  for (let k = 0; k < out.length; k++) out[k] = 1 / Math.sqrt(variance[k] + eps);
  return out;
}

/** Statistics given from outside (running statistics in evaluation mode): constants for autograd. */
function fixedStats(runningMean: Tensor, runningVar: Tensor, eps: number): Stats {
  return { mean: Float64Array.from(runningMean.toTypedArray()), invStd: invStdOf(runningVar.toTypedArray(), eps) };
}

/**
 * y = (x − mean)·invStd·γ[c] + β[c] as one recorded op. When `statsFromInput`, the backward
 * differentiates through the statistics; otherwise they are constants.
 */
function normalizeFused(
  op: string, x: Tensor, xd: TypedArray, L: Layout, stats: Stats,
  weight: Tensor | null, bias: Tensor | null, statsFromInput: boolean,
): Tensor {
  const { N, C, S } = L;
  const stat = statIndexer(L);
  const { mean, invStd } = stats;
  const w = weight ? weight.toTypedArray() : null;
  const b = bias ? bias.toTypedArray() : null;
  const out = allocArray(x.dtype, N * C * S);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const k = stat(n, c);
      const scale = invStd[k] * (w ? w[c] : 1);
      const shift = (b ? b[c] : 0) - mean[k] * scale;
      const base = (n * C + c) * S;
      for (let i = base; i < base + S; i++) out[i] = xd[i] * scale + shift;
    }
  }
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return attach(fromKernel(out, x.shape), op, inputs, (g) => {
    const gd = g.toTypedArray();
    const rows = N * C;
    // Per row (n, c): Σ g and Σ g·x̂.
    const rowG = new Float64Array(rows);
    const rowGX = new Float64Array(rows);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const r = n * C + c;
        const k = stat(n, c);
        const m = mean[k];
        const base = r * S;
        let sg = 0;
        let sgx = 0;
        for (let i = base; i < base + S; i++) {
          sg += gd[i];
          sgx += gd[i] * (xd[i] - m);
        }
        rowG[r] = sg;
        rowGX[r] = sgx * invStd[k];
      }
    }
    const grads: (Tensor | null)[] = [x.requiresGrad ? inputGrad() : null];
    if (weight) grads.push(weight.requiresGrad ? perChannel(weight, rowGX) : null);
    if (bias) grads.push(bias.requiresGrad ? perChannel(bias, rowG) : null);
    return grads;

    function perChannel(p: Tensor, rowSums: Float64Array): Tensor {
      const d = allocArray(p.dtype, C);
      for (let r = 0; r < rows; r++) d[r % C] += rowSums[r];
      return fromKernel(d, p.shape);
    }

    function inputGrad(): Tensor {
      const K = statCount(L);
      const M = perStat(L);
      // Per statistic: Σ ĝ and Σ ĝ·x̂ with ĝ = g·γ[c] (zero when the statistics are constants).
      const sumG = new Float64Array(K);
      const sumGX = new Float64Array(K);
      if (statsFromInput) {
        for (let r = 0; r < rows; r++) {
          const c = r % C;
          const k = stat((r - c) / C, c);
          const wc = w ? w[c] : 1;
          sumG[k] += wc * rowG[r];
          sumGX[k] += wc * rowGX[r];
        }
      }
      const dx = allocArray(x.dtype, N * C * S);
      for (let n = 0; n < N; n++) {
        for (let c = 0; c < C; c++) {
          const k = stat(n, c);
          const is = invStd[k];
          // dx = is·(γ·g − ΣĝM⁻¹ − x̂·Σĝx̂M⁻¹) with x̂ = (x − μ)·is, rearranged as a·g + c0 + c1·x.
          const a = is * (w ? w[c] : 1);
          const c1 = (-is * is * sumGX[k]) / M;
          const c0 = (-is * sumG[k]) / M - mean[k] * c1;
          const base = (n * C + c) * S;
          for (let i = base; i < base + S; i++) dx[i] = a * gd[i] + c0 + c1 * xd[i];
        }
      }
      return fromKernel(dx, x.shape);
    }
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
function channelLayout(x: Tensor, groups: number): Layout {
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
  const xd = x.toTypedArray();
  if (!training) {
    if (!runningMean || !runningVar) throw new ValueError(`${op}: runningMean and runningVar are required when not training`);
    return normalizeFused(op, x, xd, L, fixedStats(runningMean, runningVar, eps), weight, bias, false);
  }
  checkBatchStatistics(op, x);
  const { mean, variance } = inputStats(L, xd);
  if (runningMean && runningVar) {
    checkMomentum(op, momentum);
    const M = perStat(L);
    updateRunning(runningMean, mean, momentum);
    updateRunning(runningVar, variance.map((v) => (v * M) / (M - 1)), momentum);
  }
  return normalizeFused(op, x, xd, L, { mean, invStd: invStdOf(variance, eps) }, weight, bias, true);
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
  const xd = x.toTypedArray();
  if (!useInputStats) {
    if (!runningMean || !runningVar) throw new ValueError(`${op}: runningMean and runningVar are required when useInputStats is false`);
    return normalizeFused(op, x, xd, channelLayout(x, 0), fixedStats(runningMean, runningVar, eps), weight, bias, false);
  }
  const L = channelLayout(x, C);
  if (L.S <= 1) throw new ValueError(`${op}: expected more than 1 spatial element when training, got input of shape ${fmtShape(x.shape)}`);
  const { mean, variance } = inputStats(L, xd);
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
  return normalizeFused(op, x, xd, L, { mean, invStd: invStdOf(variance, eps) }, weight, bias, true);
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
  const xd = x.toTypedArray();
  const { mean, variance } = inputStats(L, xd);
  return normalizeFused(op, x, xd, L, { mean, invStd: invStdOf(variance, eps) }, weight, bias, true);
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
  const L: Layout = { N: x.size / K, C: K, S: 1, groups: 1 };
  const xd = x.toTypedArray();
  const { mean, variance } = inputStats(L, xd);
  return normalizeFused(op, x, xd, L, { mean, invStd: invStdOf(variance, eps) }, weight, bias, true);
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
