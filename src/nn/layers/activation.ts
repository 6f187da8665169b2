/** Activation modules (PyTorch names and defaults); the math is in functional/activation.ts. */
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { full } from "../../tensor/create.js";
import * as F from "../functional/activation.js";

export class ReLU extends Module {
  forward(x: Tensor): Tensor { return F.relu(x); }
}
export class ReLU6 extends Module {
  forward(x: Tensor): Tensor { return F.relu6(x); }
}
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return F.sigmoid(x); }
}
export class Tanh extends Module {
  forward(x: Tensor): Tensor { return F.tanh(x); }
}
export class SELU extends Module {
  forward(x: Tensor): Tensor { return F.selu(x); }
}
export class SiLU extends Module {
  forward(x: Tensor): Tensor { return F.silu(x); }
}
/** Same as SiLU (the course's / Keras' name). */
export class Swish extends SiLU {}
export class Mish extends Module {
  forward(x: Tensor): Tensor { return F.mish(x); }
}
export class Softsign extends Module {
  forward(x: Tensor): Tensor { return F.softsign(x); }
}
export class Hardsigmoid extends Module {
  forward(x: Tensor): Tensor { return F.hardsigmoid(x); }
}
export class Hardswish extends Module {
  forward(x: Tensor): Tensor { return F.hardswish(x); }
}
/** eˣ (Keras' "exponential" activation). */
export class Exponential extends Module {
  forward(x: Tensor): Tensor { return F.exponential(x); }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) { super(); }
  protected override extraRepr(): string { return `negative_slope=${this.negativeSlope}`; }
  forward(x: Tensor): Tensor { return F.leakyRelu(x, this.negativeSlope); }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) { super(); }
  protected override extraRepr(): string { return `alpha=${this.alpha}`; }
  forward(x: Tensor): Tensor { return F.elu(x, this.alpha); }
}

export class CELU extends Module {
  constructor(readonly alpha = 1) { super(); }
  protected override extraRepr(): string { return `alpha=${this.alpha}`; }
  forward(x: Tensor): Tensor { return F.celu(x, this.alpha); }
}

export class GELU extends Module {
  constructor(readonly approximate: "none" | "tanh" = "none") { super(); }
  protected override extraRepr(): string { return `approximate='${this.approximate}'`; }
  forward(x: Tensor): Tensor { return F.gelu(x, this.approximate); }
}

export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  protected override extraRepr(): string { return `beta=${this.beta}, threshold=${this.threshold}`; }
  forward(x: Tensor): Tensor { return F.softplus(x, this.beta, this.threshold); }
}

export class Hardtanh extends Module {
  constructor(readonly minVal = -1, readonly maxVal = 1) { super(); }
  protected override extraRepr(): string { return `min_val=${this.minVal}, max_val=${this.maxVal}`; }
  forward(x: Tensor): Tensor { return F.hardtanh(x, this.minVal, this.maxVal); }
}

/** Learnable leaky slope: one shared (numParameters = 1) or one per channel; init 0.25. */
export class PReLU extends Module {
  weight: Parameter;
  constructor(readonly numParameters = 1, init = 0.25) {
    super();
    this.weight = new Parameter(full([numParameters], init));
  }
  protected override extraRepr(): string { return `num_parameters=${this.numParameters}`; }
  forward(x: Tensor): Tensor { return F.prelu(x, this.weight); }
}

export class Softmax extends Module {
  constructor(readonly dim = -1) { super(); }
  protected override extraRepr(): string { return `dim=${this.dim}`; }
  forward(x: Tensor): Tensor { return F.softmax(x, this.dim); }
}

export class LogSoftmax extends Module {
  constructor(readonly dim = -1) { super(); }
  protected override extraRepr(): string { return `dim=${this.dim}`; }
  forward(x: Tensor): Tensor { return F.logSoftmax(x, this.dim); }
}

export class Softmin extends Module {
  constructor(readonly dim = -1) { super(); }
  protected override extraRepr(): string { return `dim=${this.dim}`; }
  forward(x: Tensor): Tensor { return F.softmin(x, this.dim); }
}

/** Max over groups of k channels (see functional `maxout`). */
export class Maxout extends Module {
  constructor(readonly k: number, readonly dim = 1) { super(); }
  protected override extraRepr(): string { return `k=${this.k}, dim=${this.dim}`; }
  forward(x: Tensor): Tensor { return F.maxout(x, this.k, this.dim); }
}
