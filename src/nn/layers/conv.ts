/**
 * Convolution layers with PyTorch's names, defaults, initialization, state-dict keys (`weight`,
 * `bias`) and printout: Conv1d/2d/3d, ConvTranspose1d/2d, SeparableConv2d. The math lives in
 * functional/conv.ts; one shared base class holds configuration, init and repr.
 *
 * Depthwise and pointwise convolutions are plain Conv2d layers (groups = in channels, resp. a
 * 1×1 kernel); `Conv2d.depthwise` and `Conv2d.pointwise` build them.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { zeros } from "../../tensor/create.js";
import { calculateFans, kaimingUniform_, uniform_ } from "../init.js";
import {
  checkOutputPadding, convNd, convReluMaxPoolNd, convTransposeNd, convOutputShape, convMacs, expandTuple, fmtTuple,
  type ConvPadding, type ConvShapeOptions, type IntOrTuple,
} from "../functional/conv.js";
import type { ConvAlgorithmChoice } from "../functional/conv/algorithm.js";
import type { Shape } from "../../tensor/shape.js";
import { ValueError } from "../../errors.js";
import { ReLU } from "./activation.js";
import { MaxPool2d } from "./pooling.js";
import { poolConfig, poolGeometry } from "../functional/pooling.js";
import type { WindowGeometry } from "../../backend/backend.js";
import type { FusedStep, FusesNext, Layer } from "../containers.js";

type Dims = 1 | 2 | 3;

/** Options of Conv1d/Conv2d/Conv3d (PyTorch defaults; meanings as in `ConvOptions`). */
export interface ConvLayerOptions {
  stride?: IntOrTuple;
  /** Int, tuple, "valid" or "same" (stride 1 only). */
  padding?: ConvPadding;
  dilation?: IntOrTuple;
  groups?: number;
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** Only "zeros" is supported. */
  paddingMode?: "zeros";
  /** How to compute it: "direct" | "im2col" | "fft" | "winograd" | "auto" (default: the global `setConvAlgorithm` choice). */
  algorithm?: ConvAlgorithmChoice;
}

/** Options of ConvTranspose1d/ConvTranspose2d (PyTorch defaults; meanings as in `ConvTransposeOptions`). */
export interface ConvTransposeLayerOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  dilation?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  paddingMode?: "zeros";
  /** How to compute it: "direct" | "im2col" | "fft" | "winograd" | "auto" (default: the global `setConvAlgorithm` choice). */
  algorithm?: ConvAlgorithmChoice;
}

/**
 * Shared base of the convolution layers: configuration as PyTorch stores it (tuples), weight
 * and bias parameters, PyTorch's default init and extra_repr.
 */
export abstract class ConvNd extends Module implements FusesNext {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[] | "same" | "valid";
  readonly dilation: readonly number[];
  /** All zeros for a (non-transposed) convolution. */
  readonly outputPadding: readonly number[];
  readonly groups: number;
  readonly transposed: boolean;
  readonly paddingMode = "zeros";
  /** The layer's algorithm, or undefined to follow the global setting. */
  readonly algorithm: ConvAlgorithmChoice | undefined;
  /** [out, in/groups, ...k]; transposed: [in, out/groups, ...k]. */
  weight: Parameter;
  bias: Parameter | null;

  protected constructor(
    readonly spatialDims: Dims,
    transposed: boolean,
    inChannels: number,
    outChannels: number,
    kernelSize: IntOrTuple,
    o: ConvLayerOptions & { outputPadding?: IntOrTuple },
  ) {
    super();
    const label = `${this.typeName}(${inChannels}→${outChannels})`;
    const D = spatialDims;
    for (const [name, v] of [["inChannels", inChannels], ["outChannels", outChannels]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new ValueError(`${label}: ${name} must be a positive integer, got ${v}`);
    }
    const groups = o.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) throw new ValueError(`${label}: groups must be a positive integer, got ${groups}`);
    if (inChannels % groups !== 0) throw new ValueError(`${label}: inChannels ${inChannels} must be divisible by groups ${groups}`);
    if (outChannels % groups !== 0) throw new ValueError(`${label}: outChannels ${outChannels} must be divisible by groups ${groups}`);
    if ((o.paddingMode ?? "zeros") !== "zeros") throw new ValueError(`${label}: only paddingMode "zeros" is supported, got "${o.paddingMode as string}"`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.groups = groups;
    this.transposed = transposed;
    this.algorithm = o.algorithm;
    this.kernelSize = expandTuple(label, "kernelSize", kernelSize, D, 1);
    this.stride = expandTuple(label, "stride", o.stride ?? 1, D, 1);
    this.dilation = expandTuple(label, "dilation", o.dilation ?? 1, D, 1);
    const padding = o.padding ?? 0;
    if (padding === "same" || padding === "valid") {
      if (transposed) throw new ValueError(`${label}: padding "${padding}" is not supported for transposed convolutions`);
      if (padding === "same" && this.stride.some((s) => s !== 1)) {
        throw new ValueError(`${label}: padding="same" is not supported for strided convolutions (stride ${fmtTuple(this.stride)})`);
      }
      this.padding = padding;
    } else {
      this.padding = expandTuple(label, "padding", padding, D, 0);
    }
    this.outputPadding = expandTuple(label, "outputPadding", o.outputPadding ?? 0, D, 0);
    checkOutputPadding(label, this.outputPadding, this.stride, this.dilation);
    const wShape = transposed ? [inChannels, outChannels / groups, ...this.kernelSize] : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(zeros(wShape));
    this.bias = o.bias ?? true ? new Parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  /** Names this layer in error messages, e.g. "Conv2d(3→16)". */
  protected get label(): string {
    return `${this.typeName}(${this.inChannels}→${this.outChannels})`;
  }

  /**
   * PyTorch's default: weight ~ kaiming_uniform(a=√5) = U(±1/√fan_in), bias ~ U(±1/√fan_in),
   * fan_in = weight.size(1)·Πk (for a transposed layer that is out/groups·Πk, as in PyTorch).
   */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const { fanIn } = calculateFans(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  /** The layer's configuration for `convOutputShape`/`convMacs`. */
  protected shapeOptions(): ConvShapeOptions {
    return {
      outChannels: this.outChannels, kernelSize: this.kernelSize, stride: this.stride, padding: this.padding,
      dilation: this.dilation, groups: this.groups, transposed: this.transposed, outputPadding: this.outputPadding,
    };
  }

  /** Output shape for an input of shape [N, C, ...spatial] (throws as forward would). */
  outputShape(inputShape: Shape): number[] {
    return convOutputShape(inputShape, this.shapeOptions());
  }

  /** Multiply–accumulates of one forward pass on an input of shape [N, C, ...spatial] (N = 1: per image). */
  macs(inputShape: Shape): number {
    return convMacs(inputShape, this.shapeOptions());
  }

  /** PyTorch's format: only non-default options after kernel_size and stride. */
  protected override extraRepr(): string {
    const parts = [`${this.inChannels}, ${this.outChannels}, kernel_size=${fmtTuple(this.kernelSize)}, stride=${fmtTuple(this.stride)}`];
    if (typeof this.padding === "string") parts.push(`padding=${this.padding}`);
    else if (this.padding.some((p) => p !== 0)) parts.push(`padding=${fmtTuple(this.padding)}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${fmtTuple(this.dilation)}`);
    if (this.outputPadding.some((p) => p !== 0)) parts.push(`output_padding=${fmtTuple(this.outputPadding)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push("bias=False");
    if (this.algorithm) parts.push(`algorithm=${this.algorithm}`);
    return parts.join(", ");
  }

  /**
   * For `Sequential`: this convolution and a `ReLU` after it as one kernel call (the ReLU in the
   * kernel's epilogue), and with a `MaxPool2d` after that too when its windows do not overlap
   * (the pooling inside the same kernel call). Null for anything else: transposed convolutions,
   * and subclasses (of this layer, ReLU or MaxPool2d) whose own code must run.
   */
  fuseNext(following: readonly Layer[]): FusedStep | null {
    const [next, after] = following;
    if (this.transposed || next?.constructor !== ReLU || this.forward !== ConvNd.prototype.forward) return null;
    const options = { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups, algorithm: this.algorithm };
    const pool = this.spatialDims === 2 ? disjointMaxPool(after) : null;
    if (pool) return { absorbs: 2, forward: (x) => convReluMaxPoolNd(2, x, this.weight, this.bias, options, pool, this.label) };
    return { absorbs: 1, forward: (x) => convNd(this.spatialDims, x, this.weight, this.bias, { ...options, activation: "relu" }, this.label) };
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups, outputPadding, algorithm } = this;
    if (this.transposed) {
      // The constructor rejects string padding for transposed layers.
      const p = padding as readonly number[];
      return convTransposeNd(this.spatialDims, x, this.weight, this.bias, { stride, padding: p, dilation, groups, outputPadding, algorithm }, this.label);
    }
    return convNd(this.spatialDims, x, this.weight, this.bias, { stride, padding, dilation, groups, algorithm }, this.label);
  }
}

/**
 * The window geometry function of `layer` when it is a plain MaxPool2d whose windows do not
 * overlap (kernel ≤ stride, dilation 1, no indices returned), the case a fused convolution pools
 * with exactly the unfused values and gradients; else null.
 */
function disjointMaxPool(layer: Layer | undefined): ((convOutShape: Shape) => WindowGeometry) | null {
  if (!(layer instanceof MaxPool2d) || layer.constructor !== MaxPool2d || layer.returnIndices) return null;
  const o = { stride: layer.stride, padding: layer.padding, dilation: layer.dilation, ceilMode: layer.ceilMode };
  const c = poolConfig("MaxPool2d", 2, layer.kernelSize, o);
  if (c.dilation.some((d) => d !== 1) || c.kernel.some((k, i) => k > c.stride[i])) return null;
  return (shape) => poolGeometry("MaxPool2d", 2, shape, layer.kernelSize, o);
}

/**
 * 1-D convolution over [N, C, L] signals.
 * **Shape:** [N, inChannels, L] (or [inChannels, L]) → [N, outChannels, ⌊(L + 2p − d(k−1) − 1)/s⌋ + 1].
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: ConvLayerOptions = {}) {
    super(1, false, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 2-D convolution over images. A stride that does not tile the input exactly (7×7 input, 3×3
 * kernel, stride 3) is accepted as in PyTorch: the output size is floored and the last partial
 * window dropped.
 * **Shape:** [N, inChannels, H, W] (or [inChannels, H, W]) → [N, outChannels, Hout, Wout],
 * Hout = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1.
 *
 * @example new Conv2d(1, 20, 5, { padding: 2 }) // LeNet's first layer: [N,1,28,28] → [N,20,28,28]
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: ConvLayerOptions = {}) {
    super(2, false, inChannels, outChannels, kernelSize, options);
  }

  /**
   * A depthwise convolution: each of the `channels` inputs is filtered on its own by
   * `depthMultiplier` kernels (groups = channels, out = channels · depthMultiplier).
   */
  static depthwise(channels: number, kernelSize: IntOrTuple, options: Omit<ConvLayerOptions, "groups"> & { depthMultiplier?: number } = {}): Conv2d {
    const { depthMultiplier = 1, ...rest } = options;
    return new Conv2d(channels, channels * depthMultiplier, kernelSize, { ...rest, groups: channels });
  }

  /** A pointwise (1×1) convolution: a per-pixel linear map across channels. */
  static pointwise(inChannels: number, outChannels: number, options: { bias?: boolean } = {}): Conv2d {
    return new Conv2d(inChannels, outChannels, 1, options);
  }
}

/**
 * 3-D convolution over volumes or clips.
 * **Shape:** [N, inChannels, D, H, W] (or unbatched) → [N, outChannels, Dout, Hout, Wout].
 */
export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: ConvLayerOptions = {}) {
    super(3, false, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 1-D transposed convolution (the gradient of Conv1d w.r.t. its input); weight [in, out/groups, k].
 * **Shape:** [N, inChannels, L] → [N, outChannels, (L − 1)s − 2p + d(k−1) + outputPadding + 1].
 */
export class ConvTranspose1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: ConvTransposeLayerOptions = {}) {
    super(1, true, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 2-D transposed convolution ("deconvolution", learned upsampling); weight [in, out/groups, kH, kW].
 * **Shape:** [N, inChannels, H, W] → [N, outChannels, Hout, Wout], Hout = (H − 1)s − 2p + d(k−1) + outputPadding + 1.
 *
 * @example new ConvTranspose2d(16, 8, 2, { stride: 2 }) // doubles H and W
 */
export class ConvTranspose2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: ConvTransposeLayerOptions = {}) {
    super(2, true, inChannels, outChannels, kernelSize, options);
  }
}

/** Options of SeparableConv2d. */
export interface SeparableConv2dOptions {
  stride?: IntOrTuple;
  padding?: ConvPadding;
  dilation?: IntOrTuple;
  /** Depthwise kernels per input channel (default 1). */
  depthMultiplier?: number;
  bias?: boolean;
}

/**
 * Depthwise-separable convolution (MobileNet, Xception): `depthwise` = Conv2d(in, in·m, k,
 * groups = in) then `pointwise` = Conv2d(in·m, out, 1). It costs about 1/out + 1/k² of a full
 * Conv2d. Only the pointwise conv has a bias (as in Keras): a depthwise bias would be absorbed
 * by the pointwise one anyway.
 * **Shape:** [N, inChannels, H, W] → [N, outChannels, Hout, Wout] (Hout as Conv2d with the same kernel).
 */
export class SeparableConv2d extends Module {
  readonly depthwise: Conv2d;
  readonly pointwise: Conv2d;

  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, options: SeparableConv2dOptions = {}) {
    super();
    const { depthMultiplier = 1, bias = true, ...geometry } = options;
    this.depthwise = Conv2d.depthwise(inChannels, kernelSize, { ...geometry, depthMultiplier, bias: false });
    this.pointwise = Conv2d.pointwise(inChannels * depthMultiplier, outChannels, { bias });
  }

  forward(x: Tensor): Tensor {
    return this.pointwise.forward(this.depthwise.forward(x));
  }
}
