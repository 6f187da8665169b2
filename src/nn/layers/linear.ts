/** Linear (fully-connected), Identity, Flatten, Unflatten. */
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { zeros } from "../../tensor/create.js";
import { kaimingUniform_, uniform_ } from "../init.js";
import { bilinear, linear } from "../functional/linear.js";
import { flatten, reshape } from "../../ops/movement.js";
import { normalizeAxis } from "../../tensor/shape.js";
import { ShapeError, fmtShape } from "../../errors.js";

/**
 * y = x Wᵀ + b. weight [out, in], bias [out].
 * **Shape:** [..., inFeatures] → [..., outFeatures].
 *
 * @example new Linear(784, 10).forward(x) // x: [N, 784]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: { bias?: boolean } = {}) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(zeros([outFeatures, inFeatures]));
    this.bias = options.bias ?? true ? new Parameter(zeros([outFeatures])) : null;
    this.resetParameters();
  }

  /**
   * PyTorch's default: weight ~ kaiming_uniform(a=√5), i.e. U(±1/√in); bias ~ U(±1/√in).
   * It keeps activations' variance roughly constant at init for typical fan-ins.
   */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  protected override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? "True" : "False"}`;
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

/**
 * y = x1ᵀ A x2 + b per output: weight [out, in1, in2], bias [out] (torch.nn.Bilinear).
 * **Shape:** x1 [..., in1], x2 [..., in2] → [..., out].
 *
 * @example new Bilinear(20, 30, 40).forward(x1, x2) // x1 [N, 20], x2 [N, 30] → [N, 40]
 */
export class Bilinear extends Module<[Tensor, Tensor], Tensor> {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, options: { bias?: boolean } = {}) {
    super();
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(zeros([outFeatures, in1Features, in2Features]));
    this.bias = options.bias ?? true ? new Parameter(zeros([outFeatures])) : null;
    this.resetParameters();
  }

  /** PyTorch's default: weight and bias ~ U(±1/√in1). */
  resetParameters(): void {
    const bound = this.in1Features > 0 ? 1 / Math.sqrt(this.in1Features) : 0;
    uniform_(this.weight, -bound, bound);
    if (this.bias) uniform_(this.bias, -bound, bound);
  }

  protected override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${this.bias ? "True" : "False"}`;
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinear(x1, x2, this.weight, this.bias);
  }
}

/** Returns its input. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Flattens dims startDim..endDim (default 1..−1: everything but the batch). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  protected override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

/** Splits dim into `sizes` (the inverse of Flatten). */
export class Unflatten extends Module {
  constructor(readonly dim: number, readonly sizes: readonly number[]) {
    super();
  }

  protected override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=(${this.sizes.join(", ")})`;
  }

  forward(x: Tensor): Tensor {
    const d = normalizeAxis("Unflatten", this.dim, x.ndim);
    const n = this.sizes.reduce((a, b) => a * b, 1);
    if (x.shape[d] !== n) throw new ShapeError(`Unflatten: dim ${this.dim} of ${fmtShape(x.shape)} has size ${x.shape[d]}, expected ${n}`);
    return reshape(x, [...x.shape.slice(0, d), ...this.sizes, ...x.shape.slice(d + 1)]);
  }
}
