/**
 * Pooling, unpooling and upsampling layers with PyTorch's names, defaults and printout:
 * MaxPool1d/2d/3d, AvgPool1d/2d/3d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, MaxUnpool2d,
 * Upsample, plus the course's MinPool2d, SumPool2d, GlobalAvgPool2d and ZeroInsertion2d.
 * None has parameters or buffers. The math is in functional/pooling.ts; configuration is
 * checked when the layer is built, so a bad kernel/stride/padding fails at construction.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { expandTuple, fmtTuple, type IntOrTuple } from "../functional/conv.js";
import {
  adaptiveAvgPoolNd, adaptiveMaxPoolNd, avgPoolNd, globalAvgPool2d, interpolate, maxPoolNd, maxUnpoolNd,
  minPool2d, poolConfig, zeroInsertionNd,
  type AdaptiveMaxPoolOptions, type AdaptiveSize, type AvgPoolOptions, type InterpolateMode,
  type InterpolateOptions, type MaxPoolOptions, type MaxPoolResult, type MaxUnpoolOptions, type PoolDims,
  type SumPoolOptions,
} from "../functional/pooling.js";
import { ValueError } from "../../errors.js";

/** An argument as PyTorch prints it: an int as is, a tuple as (a, b) or (a,). */
function fmtArg(v: IntOrTuple): string {
  return typeof v === "number" ? String(v) : fmtTuple(v);
}

const pyBool = (b: boolean) => (b ? "True" : "False");

/** A Python float: 2 → 2.0. */
const pyFloat = (v: number) => (Number.isInteger(v) ? v.toFixed(1) : String(v));

/**
 * Shared base of MaxPool1d/2d/3d and MinPool2d: configuration as given (stride defaults to the
 * kernel size), PyTorch's extra_repr.
 */
export abstract class MaxPoolNd<O extends MaxPoolOptions = {}> extends Module<[Tensor], MaxPoolResult<O>> {
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly dilation: IntOrTuple;
  readonly ceilMode: boolean;
  readonly returnIndices: boolean;

  protected constructor(readonly spatialDims: PoolDims, kernelSize: IntOrTuple, options: O | undefined, private readonly mode: "max" | "min") {
    super();
    const o: MaxPoolOptions = options ?? {};
    this.kernelSize = kernelSize;
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.ceilMode = o.ceilMode ?? false;
    this.returnIndices = o.returnIndices ?? false;
    poolConfig(this.typeName, spatialDims, kernelSize, o);
  }

  protected override extraRepr(): string {
    return `kernel_size=${fmtArg(this.kernelSize)}, stride=${fmtArg(this.stride)}, padding=${fmtArg(this.padding)}, ` +
      `dilation=${fmtArg(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }

  /** The pooled tensor, or `{ values, indices }` when built with returnIndices. */
  forward(x: Tensor): MaxPoolResult<O> {
    const o: MaxPoolOptions = { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices };
    const r = this.mode === "max" ? maxPoolNd(this.spatialDims, x, this.kernelSize, o, this.typeName) : minPool2d(x, this.kernelSize, o, this.typeName);
    return r as MaxPoolResult<O>;
  }
}

/**
 * 1-D max pooling (torch.nn.MaxPool1d).
 * **Shape:** [N, C, L] (or [C, L]) → [N, C, Lout].
 */
export class MaxPool1d<O extends MaxPoolOptions = {}> extends MaxPoolNd<O> {
  constructor(kernelSize: IntOrTuple, options?: O) {
    super(1, kernelSize, options, "max");
  }
}

/**
 * 2-D max pooling (torch.nn.MaxPool2d).
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, Hout, Wout], Hout = ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1 (⌈⌉ with ceilMode).
 *
 * @example new MaxPool2d(2) // [8,16,28,28] → [8,16,14,14]
 * @example new MaxPool2d(2, { returnIndices: true }).forward(x) // { values, indices }
 */
export class MaxPool2d<O extends MaxPoolOptions = {}> extends MaxPoolNd<O> {
  constructor(kernelSize: IntOrTuple, options?: O) {
    super(2, kernelSize, options, "max");
  }
}

/**
 * 3-D max pooling (torch.nn.MaxPool3d).
 * **Shape:** [N, C, D, H, W] (or [C, D, H, W]) → [N, C, Dout, Hout, Wout].
 */
export class MaxPool3d<O extends MaxPoolOptions = {}> extends MaxPoolNd<O> {
  constructor(kernelSize: IntOrTuple, options?: O) {
    super(3, kernelSize, options, "max");
  }
}

/**
 * 2-D min pooling (the course's; = −MaxPool2d(−x)): the smallest element of each window.
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, Hout, Wout].
 */
export class MinPool2d<O extends MaxPoolOptions = {}> extends MaxPoolNd<O> {
  constructor(kernelSize: IntOrTuple, options?: O) {
    super(2, kernelSize, options, "min");
  }
}

/** Shared base of AvgPool1d/2d/3d and SumPool2d. */
export abstract class AvgPoolNd extends Module {
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  protected constructor(readonly spatialDims: PoolDims, kernelSize: IntOrTuple, o: AvgPoolOptions) {
    super();
    const c = poolConfig(this.typeName, spatialDims, kernelSize, o);
    // PyTorch's AvgPool1d stores (and prints) one-tuples; the others keep the arguments as given.
    const tuples = spatialDims === 1;
    this.kernelSize = tuples ? c.kernel : kernelSize;
    this.stride = tuples ? c.stride : o.stride ?? kernelSize;
    this.padding = tuples ? c.padding : o.padding ?? 0;
    this.ceilMode = o.ceilMode ?? false;
    this.countIncludePad = o.countIncludePad ?? true;
    this.divisorOverride = o.divisorOverride ?? null;
  }

  protected override extraRepr(): string {
    return `kernel_size=${fmtArg(this.kernelSize)}, stride=${fmtArg(this.stride)}, padding=${fmtArg(this.padding)}`;
  }

  forward(x: Tensor): Tensor {
    const o: AvgPoolOptions = {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    };
    return avgPoolNd(this.spatialDims, x, this.kernelSize, o, this.typeName);
  }
}

/**
 * 1-D average pooling (torch.nn.AvgPool1d).
 * **Shape:** [N, C, L] (or [C, L]) → [N, C, Lout].
 */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, options: AvgPoolOptions = {}) {
    super(1, kernelSize, options);
  }
}

/**
 * 2-D average pooling (torch.nn.AvgPool2d).
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, Hout, Wout].
 *
 * @example new AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false })
 */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, options: AvgPoolOptions = {}) {
    super(2, kernelSize, options);
  }
}

/**
 * 3-D average pooling (torch.nn.AvgPool3d).
 * **Shape:** [N, C, D, H, W] (or [C, D, H, W]) → [N, C, Dout, Hout, Wout].
 */
export class AvgPool3d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, options: AvgPoolOptions = {}) {
    super(3, kernelSize, options);
  }
}

/**
 * 2-D sum pooling (the course's): each window's sum over the zero-padded input.
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, Hout, Wout].
 */
export class SumPool2d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, options: SumPoolOptions = {}) {
    super(2, kernelSize, { ...options, divisorOverride: 1 });
  }
}

/** output_size as PyTorch prints it (None for a kept axis). */
function fmtOutputSize(v: AdaptiveSize): string {
  if (typeof v === "number") return String(v);
  return `(${v.map((e) => (e === null ? "None" : String(e))).join(", ")}${v.length === 1 ? "," : ""})`;
}

/**
 * 2-D adaptive average pooling (torch.nn.AdaptiveAvgPool2d): a fixed output size whatever the input size.
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, oH, oW].
 *
 * @example new AdaptiveAvgPool2d([1, 1]) // global average pooling, [N,C,H,W] → [N,C,1,1]
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }

  protected override extraRepr(): string {
    return `output_size=${fmtOutputSize(this.outputSize)}`;
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPoolNd(2, x, this.outputSize, this.typeName);
  }
}

/**
 * 2-D adaptive max pooling (torch.nn.AdaptiveMaxPool2d).
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, oH, oW].
 */
export class AdaptiveMaxPool2d<O extends AdaptiveMaxPoolOptions = {}> extends Module<[Tensor], MaxPoolResult<O>> {
  readonly returnIndices: boolean;

  constructor(readonly outputSize: AdaptiveSize, options?: O) {
    super();
    this.returnIndices = options?.returnIndices ?? false;
  }

  protected override extraRepr(): string {
    return `output_size=${fmtOutputSize(this.outputSize)}`;
  }

  /** The pooled tensor, or `{ values, indices }` when built with returnIndices. */
  forward(x: Tensor): MaxPoolResult<O> {
    return adaptiveMaxPoolNd(2, x, this.outputSize, { returnIndices: this.returnIndices }, this.typeName) as MaxPoolResult<O>;
  }
}

/**
 * Global average pooling: the mean of each channel.
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, 1, 1] (resp. [C, 1, 1]).
 */
export class GlobalAvgPool2d extends Module {
  forward(x: Tensor): Tensor {
    return globalAvgPool2d(x, this.typeName);
  }
}

/**
 * 2-D max unpooling (torch.nn.MaxUnpool2d): puts each value back at the position its max
 * pooling took it from (indices from `MaxPool2d(…, { returnIndices: true })`), zeros elsewhere.
 * **Shape:** x, indices [N, C, H, W] (or [C, H, W]) → [N, C, Hout, Wout], Hout = (H − 1)·s − 2p + k unless outputSize is given.
 *
 * @example
 * const { values, indices } = new MaxPool2d(2, { returnIndices: true }).forward(x);
 * new MaxUnpool2d(2).forward(values, indices, x.shape)
 */
export class MaxUnpool2d extends Module<[Tensor, Tensor, (readonly number[] | null)?], Tensor> {
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];

  constructor(kernelSize: IntOrTuple, options: Omit<MaxUnpoolOptions, "outputSize"> = {}) {
    super();
    const c = poolConfig(this.typeName, 2, kernelSize, options);
    this.kernelSize = c.kernel;
    this.stride = c.stride;
    this.padding = c.padding;
  }

  protected override extraRepr(): string {
    return `kernel_size=${fmtTuple(this.kernelSize)}, stride=${fmtTuple(this.stride)}, padding=${fmtTuple(this.padding)}`;
  }

  /** `outputSize`: [H, W] or [N, C, H, W] of the tensor that was pooled (default (in − 1)·s − 2p + k). */
  forward(x: Tensor, indices: Tensor, outputSize: readonly number[] | null = null): Tensor {
    return maxUnpoolNd(2, x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize }, this.typeName);
  }
}

/**
 * Zero insertion (the course's unpooling by zeros; the input dilation of a transposed conv):
 * s − 1 zeros between neighbouring pixels.
 * **Shape:** [N, C, H, W] (or [C, H, W]) → [N, C, (H−1)·sH+1, (W−1)·sW+1].
 */
export class ZeroInsertion2d extends Module {
  constructor(readonly stride: IntOrTuple) {
    super();
    expandTuple(this.typeName, "stride", stride, 2, 1);
  }

  protected override extraRepr(): string {
    return `stride=${fmtArg(this.stride)}`;
  }

  forward(x: Tensor): Tensor {
    return zeroInsertionNd(2, x, this.stride, this.typeName);
  }
}

/** Options of Upsample (exactly one of size and scaleFactor; see `InterpolateOptions`). */
export type UpsampleOptions = InterpolateOptions;

/**
 * Upsampling (torch.nn.Upsample): `interpolate` with fixed options; mode "nearest" (default),
 * "linear", "bilinear" or "trilinear".
 * **Shape:** [N, C, ...in] → [N, C, ...out] (bilinear: 4-D input).
 *
 * @example new Upsample({ scaleFactor: 2 }) // [1,3,4,4] → [1,3,8,8]
 * @example new Upsample({ size: [5, 7], mode: "bilinear", alignCorners: true })
 */
export class Upsample extends Module {
  readonly size: IntOrTuple | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;

  constructor(options: UpsampleOptions) {
    super();
    const label = this.typeName;
    if ((options.size === undefined) === (options.scaleFactor === undefined)) throw new ValueError(`${label}: give exactly one of size and scaleFactor`);
    this.size = options.size ?? null;
    this.scaleFactor = options.scaleFactor ?? null;
    this.mode = options.mode ?? "nearest";
    this.alignCorners = options.alignCorners ?? null;
  }

  protected override extraRepr(): string {
    const sf = this.scaleFactor;
    const what = sf !== null
      ? `scale_factor=${typeof sf === "number" ? pyFloat(sf) : `(${sf.map(pyFloat).join(", ")}${sf.length === 1 ? "," : ""})`}`
      : `size=${fmtArg(this.size as IntOrTuple)}`;
    return `${what}, mode=${this.mode}`;
  }

  forward(x: Tensor): Tensor {
    const o: InterpolateOptions = { mode: this.mode };
    if (this.size !== null) o.size = this.size;
    if (this.scaleFactor !== null) o.scaleFactor = this.scaleFactor;
    if (this.alignCorners !== null) o.alignCorners = this.alignCorners;
    return interpolate(x, o, this.typeName);
  }
}
