/**
 * Normalization layers with PyTorch's names, defaults, state-dict keys and printout:
 * BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, GroupNorm, LayerNorm, LocalResponseNorm. The math
 * lives in functional/normalization.ts; layers check the input layout (naming themselves in the
 * error) and manage parameters and running statistics.
 *
 * Batch and instance norm share a base class: weight `weight` (ones) and `bias` (zeros) when
 * affine; buffers `running_mean` (zeros), `running_var` (ones) and `num_batches_tracked`
 * (int32 0-d) when tracking running statistics.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { ones, zeros } from "../../tensor/create.js";
import { noGrad } from "../../autograd/engine.js";
import { squeeze, unsqueeze } from "../../ops/movement.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import {
  batchNorm, checkBatchStatistics, checkNormalizedShape, groupNorm, instanceNorm, layerNorm, localResponseNorm,
} from "../functional/normalization.js";

/** Python's repr of a float (1e-05, 0.1, 1.0), so printouts match PyTorch's. */
function pyFloat(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  if (v !== 0 && Math.abs(v) < 1e-4) return v.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  return String(v);
}
const pyBool = (b: boolean) => (b ? "True" : "False");

function checkPositiveInt(label: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new ValueError(`${label}: ${name} must be a positive integer, got ${v}`);
}

/** Options of BatchNorm1d/2d/3d (PyTorch defaults). */
export interface BatchNormLayerOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of each batch in the running statistics (default 0.1); null = cumulative average over all batches. */
  momentum?: number | null;
  /** Learn a per-channel scale `weight` and shift `bias` (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true); false = batch statistics in eval mode too. */
  trackRunningStats?: boolean;
}

/** Options of InstanceNorm1d/2d/3d (PyTorch defaults: no affine, no running statistics). */
export interface InstanceNormLayerOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of each batch in the running statistics (default 0.1). */
  momentum?: number;
  /** Learn a per-channel scale and shift (default false). */
  affine?: boolean;
  /** Keep running statistics and use them in eval mode (default false). */
  trackRunningStats?: boolean;
}

/**
 * Shared base of batch and instance norm: configuration, parameters, running-statistic buffers,
 * input-layout check and printout.
 */
export abstract class RunningStatsNorm extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  /** Per-channel scale γ [C] (null unless affine). */
  weight: Parameter | null;
  /** Per-channel shift β [C] (null unless affine). */
  bias: Parameter | null;
  /** Buffer `running_mean` [C] (null unless tracking). */
  runningMean: Tensor | null;
  /** Buffer `running_var` [C], updated with the unbiased batch variance (null unless tracking). */
  runningVar: Tensor | null;
  /** Buffer `num_batches_tracked` (int32 0-d): training steps seen (null unless tracking). */
  numBatchesTracked: Tensor | null;

  /**
   * `layouts` lists the accepted inputs as dim names ("C" marks the channel dim), e.g.
   * [["N","C"], ["N","C","L"]].
   */
  protected constructor(
    numFeatures: number,
    options: BatchNormLayerOptions,
    defaults: { affine: boolean; trackRunningStats: boolean },
    private readonly layouts: readonly (readonly string[])[],
  ) {
    super();
    this.numFeatures = numFeatures;
    checkPositiveInt(this.label, "numFeatures", numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? defaults.affine;
    this.trackRunningStats = options.trackRunningStats ?? defaults.trackRunningStats;
    if (!(this.eps >= 0)) throw new ValueError(`${this.label}: eps must be a non-negative number, got ${this.eps}`);
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new ValueError(`${this.label}: momentum must be in [0, 1] or null, got ${this.momentum}`);
    }
    this.weight = this.affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures])) : null;
    const track = this.trackRunningStats;
    this.runningMean = this.registerBuffer("running_mean", track ? zeros([numFeatures]) : null);
    this.runningVar = this.registerBuffer("running_var", track ? ones([numFeatures]) : null);
    this.numBatchesTracked = this.registerBuffer("num_batches_tracked", track ? zeros([], { dtype: "int32" }) : null);
  }

  /** How errors name this layer: `BatchNorm2d(16)`. */
  protected get label(): string {
    return `${this.typeName}(${this.numFeatures})`;
  }

  /** Running mean 0, running variance 1, no batches seen. */
  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  /** Running statistics reset, weight 1, bias 0. */
  resetParameters(): void {
    this.resetRunningStats();
    noGrad(() => {
      this.weight?.fill_(1);
      this.bias?.zero_();
    });
  }

  /** Throws unless x has one of the accepted layouts with numFeatures channels. */
  protected checkInput(x: Tensor): void {
    const layout = this.layouts.find((l) => l.length === x.ndim);
    if (layout && x.shape[layout.indexOf("C")] === this.numFeatures) return;
    const expected = this.layouts
      .map((l) => `${l.length}-D input [${l.map((d) => (d === "C" ? this.numFeatures : d)).join(",")}]`)
      .join(" or ");
    throw new ShapeError(`${this.label}: expected ${expected}, got ${fmtShape(x.shape)}`);
  }

  protected override extraRepr(): string {
    const momentum = this.momentum === null ? "None" : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/**
 * Batch normalization: in training, each channel is normalized with the batch's mean and
 * biased variance and the running statistics are updated; in eval mode the running statistics
 * are used (batch statistics when trackRunningStats is false).
 */
abstract class BatchNormNd extends RunningStatsNorm {
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const useBatchStats = this.training || !this.runningMean;
    if (useBatchStats) checkBatchStatistics(this.label, x);
    let momentum = this.momentum ?? 0;
    const tracked = this.numBatchesTracked;
    if (this.training && tracked) {
      noGrad(() => tracked.fill_(tracked.item() + 1));
      // momentum null: equal weight for every batch so far (a cumulative moving average).
      if (this.momentum === null) momentum = 1 / tracked.item();
    }
    return batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, { training: useBatchStats, momentum, eps: this.eps });
  }
}

/**
 * Batch normalization of [N, C] features or [N, C, L] sequences (statistics over N, resp. N and L).
 * **Shape:** [N, C] or [N, C, L] → same.
 *
 * @example new BatchNorm1d(128).forward(h) // h: [N, 128]
 */
export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options, { affine: true, trackRunningStats: true }, [["N", "C"], ["N", "C", "L"]]);
  }
}

/**
 * Batch normalization of images (statistics per channel over N, H, W).
 * **Shape:** [N, C, H, W] → same.
 *
 * @example new BatchNorm2d(16).forward(x) // x: [N, 16, H, W]
 */
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options, { affine: true, trackRunningStats: true }, [["N", "C", "H", "W"]]);
  }
}

/**
 * Batch normalization of volumes (statistics per channel over N, D, H, W).
 * **Shape:** [N, C, D, H, W] → same.
 */
export class BatchNorm3d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options, { affine: true, trackRunningStats: true }, [["N", "C", "D", "H", "W"]]);
  }
}

/**
 * Instance normalization: each (sample, channel) is normalized over its own spatial positions
 * (style transfer, GAN generators). With trackRunningStats, eval mode uses the running
 * statistics. An unbatched input (no N) is treated as a batch of one.
 */
abstract class InstanceNormNd extends RunningStatsNorm {
  protected constructor(numFeatures: number, options: InstanceNormLayerOptions, private readonly spatialDims: number, spatial: readonly string[]) {
    super(numFeatures, options, { affine: false, trackRunningStats: false }, [["C", ...spatial], ["N", "C", ...spatial]]);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const unbatched = x.ndim === this.spatialDims + 1;
    const input = unbatched ? unsqueeze(x, 0) : x;
    const y = instanceNorm(input, this.runningMean, this.runningVar, this.weight, this.bias, {
      useInputStats: this.training || !this.runningMean,
      // The constructor only accepts a number; PyTorch's InstanceNorm has no cumulative mode.
      momentum: this.momentum ?? 0.1,
      eps: this.eps,
    });
    return unbatched ? squeeze(y, 0) : y;
  }
}

/** Instance normalization of sequences. **Shape:** [N, C, L] or [C, L] → same. */
export class InstanceNorm1d extends InstanceNormNd {
  constructor(numFeatures: number, options: InstanceNormLayerOptions = {}) {
    super(numFeatures, options, 1, ["L"]);
  }
}

/** Instance normalization of images. **Shape:** [N, C, H, W] or [C, H, W] → same. */
export class InstanceNorm2d extends InstanceNormNd {
  constructor(numFeatures: number, options: InstanceNormLayerOptions = {}) {
    super(numFeatures, options, 2, ["H", "W"]);
  }
}

/** Instance normalization of volumes. **Shape:** [N, C, D, H, W] or [C, D, H, W] → same. */
export class InstanceNorm3d extends InstanceNormNd {
  constructor(numFeatures: number, options: InstanceNormLayerOptions = {}) {
    super(numFeatures, options, 3, ["D", "H", "W"]);
  }
}

/**
 * Group normalization: channels split into numGroups blocks, each (sample, block) normalized
 * over its channels and positions; per-channel weight (ones) and bias (zeros) when affine.
 * Batch-size independent, so it suits small batches.
 * **Shape:** [N, numChannels, ...] → same.
 *
 * @example new GroupNorm(8, 64).forward(x) // x: [N, 64, H, W]
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, options: { eps?: number; affine?: boolean } = {}) {
    super();
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    checkPositiveInt(this.label, "numGroups", numGroups);
    checkPositiveInt(this.label, "numChannels", numChannels);
    if (numChannels % numGroups !== 0) {
      throw new ValueError(`${this.label}: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    }
    this.weight = this.affine ? new Parameter(ones([numChannels])) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels])) : null;
  }

  private get label(): string {
    return `GroupNorm(${this.numGroups}, ${this.numChannels})`;
  }

  protected override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new ShapeError(`${this.label}: expected input [N,${this.numChannels},*], got ${fmtShape(x.shape)}`);
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }
}

/**
 * Layer normalization over the trailing normalizedShape dims of each sample (transformers,
 * MLPs); elementwise weight (ones) and bias (zeros) of shape normalizedShape when
 * elementwiseAffine.
 * **Shape:** [*, ...normalizedShape] → same.
 *
 * @example new LayerNorm(512).forward(h) // h: [N, T, 512]
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: { eps?: number; elementwiseAffine?: boolean } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    if (this.normalizedShape.length === 0 || this.normalizedShape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new ValueError(`LayerNorm: normalizedShape must be a non-empty list of positive integers, got ${fmtShape(this.normalizedShape)}`);
    }
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape)) : null;
    this.bias = this.elementwiseAffine ? new Parameter(zeros(this.normalizedShape)) : null;
  }

  protected override extraRepr(): string {
    const s = this.normalizedShape;
    const tuple = s.length === 1 ? `(${s[0]},)` : `(${s.join(", ")})`;
    return `${tuple}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }

  forward(x: Tensor): Tensor {
    checkNormalizedShape(`LayerNorm(${fmtShape(this.normalizedShape)})`, x, this.normalizedShape);
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}

/**
 * Local response normalization across channels (AlexNet):
 * b_c = a_c / (k + α/size · Σ a²)^β over `size` neighbouring channels.
 * **Shape:** [N, C, ...] (at least 3-D) → same.
 */
export class LocalResponseNorm extends Module {
  constructor(readonly size: number, readonly alpha = 1e-4, readonly beta = 0.75, readonly k = 1) {
    super();
    checkPositiveInt("LocalResponseNorm", "size", size);
  }

  protected override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }

  forward(x: Tensor): Tensor {
    return localResponseNorm(x, this.size, this.alpha, this.beta, this.k);
  }
}
