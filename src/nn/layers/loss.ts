/**
 * Loss modules (PyTorch names, constructor options and defaults under camelCase); the math is
 * in functional/loss.ts. Each is a Module<[input, target], Tensor> with `forward(input, target)`,
 * so it can be passed to `fit` like a loss function. Class weights and `posWeight` are
 * registered buffers (state-dict keys `weight`, `pos_weight`), as in PyTorch.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { fmtShape } from "../../errors.js";
import * as F from "../functional/loss.js";

type ReprValue = string | number | boolean | Tensor | null;

/** PyTorch spelling of an option value: 'mean', True, 0.1, or a tensor's shape. */
function reprValue(v: ReprValue): string {
  if (v === null) return "None";
  if (typeof v === "string") return `'${v}'`;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return String(v);
  return `Tensor${fmtShape(v.shape)}`;
}

/**
 * The base of every loss module: holds the reduction and prints the options PyTorch-style
 * (`CrossEntropyLoss(reduction='mean', weight=None, ignore_index=-100, label_smoothing=0)`).
 */
export abstract class Loss<R extends string = F.Reduction> extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: R;

  constructor(reduction: R) {
    super();
    this.reduction = reduction;
  }

  /** Options beyond the reduction, by their PyTorch (snake_case) names, for `toString()`. */
  protected options(): Record<string, ReprValue> {
    return {};
  }

  protected override extraRepr(): string {
    return Object.entries({ reduction: this.reduction, ...this.options() })
      .map(([k, v]) => `${k}=${reprValue(v)}`)
      .join(", ");
  }
}

/**
 * Softmax cross-entropy on logits (see `F.crossEntropy`): class indices or probabilities,
 * optional class weights, ignoreIndex and label smoothing.
 * **Shape:** input [N,C] or [N,C,d1,…]; target int32 [N] / [N,d1,…] or probabilities like the
 * input → [] (or [N,d1,…] with reduction "none").
 *
 * @example const loss = new CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(logits, labels);
 */
export class CrossEntropyLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options: F.CrossEntropyOptions = {}) {
    super(options.reduction ?? "mean");
    this.weight = this.registerBuffer("weight", options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  protected override options(): Record<string, ReprValue> {
    return { weight: this.weight, ignore_index: this.ignoreIndex, label_smoothing: this.labelSmoothing };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    const { weight, ignoreIndex, reduction, labelSmoothing } = this;
    return F.crossEntropy(input, target, { weight, ignoreIndex, reduction, labelSmoothing });
  }
}

/**
 * Negative log-likelihood on log-probabilities (see `F.nllLoss`).
 * **Shape:** input [N,C] or [N,C,d1,…]; target int32 [N] / [N,d1,…] → [] (or [N,d1,…]).
 */
export class NLLLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;

  constructor(options: F.NLLLossOptions = {}) {
    super(options.reduction ?? "mean");
    this.weight = this.registerBuffer("weight", options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }

  protected override options(): Record<string, ReprValue> {
    return { weight: this.weight, ignore_index: this.ignoreIndex };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    const { weight, ignoreIndex, reduction } = this;
    return F.nllLoss(input, target, { weight, ignoreIndex, reduction });
  }
}

/**
 * Binary cross-entropy on probabilities (see `F.bceLoss`).
 * **Shape:** input and target of one shape → [] (or that shape with "none").
 */
export class BCELoss extends Loss {
  readonly weight: Tensor | null;

  constructor(options: F.BCELossOptions = {}) {
    super(options.reduction ?? "mean");
    this.weight = this.registerBuffer("weight", options.weight ?? null);
  }

  protected override options(): Record<string, ReprValue> {
    return { weight: this.weight };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.bceLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy on logits, numerically stable (see `F.bceWithLogits`).
 * **Shape:** input and target of one shape → [] (or that shape with "none").
 */
export class BCEWithLogitsLoss extends Loss {
  readonly weight: Tensor | null;
  readonly posWeight: Tensor | null;

  constructor(options: F.BCEWithLogitsOptions = {}) {
    super(options.reduction ?? "mean");
    this.weight = this.registerBuffer("weight", options.weight ?? null);
    this.posWeight = this.registerBuffer("pos_weight", options.posWeight ?? null);
  }

  protected override options(): Record<string, ReprValue> {
    return { weight: this.weight, pos_weight: this.posWeight };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    const { weight, posWeight, reduction } = this;
    return F.bceWithLogits(input, target, { weight, posWeight, reduction });
  }
}

/** Mean squared error (see `F.mseLoss`). **Shape:** input and target of one shape → [] (or that shape). */
export class MSELoss extends Loss {
  constructor(options: F.ReductionOptions = {}) {
    super(options.reduction ?? "mean");
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * The course's J = 1/(2N)·Σ(z − ẑ)² (see `F.halfMseLoss`).
 * **Shape:** input and target of one shape → [] (or that shape).
 */
export class HalfMSELoss extends Loss {
  constructor(options: F.ReductionOptions = {}) {
    super(options.reduction ?? "mean");
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.halfMseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error (see `F.l1Loss`). **Shape:** input and target of one shape → [] (or that shape). */
export class L1Loss extends Loss {
  constructor(options: F.ReductionOptions = {}) {
    super(options.reduction ?? "mean");
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Smooth L1 with threshold β (see `F.smoothL1Loss`). **Shape:** input and target of one shape → [] (or that shape). */
export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(options: F.SmoothL1Options = {}) {
    super(options.reduction ?? "mean");
    this.beta = options.beta ?? 1;
  }

  protected override options(): Record<string, ReprValue> {
    return { beta: this.beta };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Huber loss with threshold δ (see `F.huberLoss`). **Shape:** input and target of one shape → [] (or that shape). */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(options: F.HuberOptions = {}) {
    super(options.reduction ?? "mean");
    this.delta = options.delta ?? 1;
  }

  protected override options(): Record<string, ReprValue> {
    return { delta: this.delta };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * KL divergence on log-probability inputs (see `F.klDiv`); use reduction "batchmean" for the
 * true per-sample KL. **Shape:** input and target of one shape → [] (or that shape).
 */
export class KLDivLoss extends Loss<F.KLDivReduction> {
  readonly logTarget: boolean;

  constructor(options: F.KLDivOptions = {}) {
    super(options.reduction ?? "mean");
    this.logTarget = options.logTarget ?? false;
  }

  protected override options(): Record<string, ReprValue> {
    return { log_target: this.logTarget };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/**
 * PyTorch's multi-class margin loss, divided by C (see `F.multiMarginLoss`).
 * **Shape:** input [N,C]; target int32 [N] → [] (or [N]).
 */
export class MultiMarginLoss extends Loss {
  readonly p: number;
  readonly margin: number;
  readonly weight: Tensor | null;

  constructor(options: F.MultiMarginOptions = {}) {
    super(options.reduction ?? "mean");
    this.p = options.p ?? 1;
    this.margin = options.margin ?? 1;
    this.weight = this.registerBuffer("weight", options.weight ?? null);
  }

  protected override options(): Record<string, ReprValue> {
    return { p: this.p, margin: this.margin, weight: this.weight };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    const { p, margin, weight, reduction } = this;
    return F.multiMarginLoss(input, target, { p, margin, weight, reduction });
  }
}

/**
 * The course's multiclass SVM loss Σ_{j≠y} max(0, s_j − s_y + margin), not divided by C (see
 * `F.multiclassHingeLoss`). **Shape:** scores [N,C]; target int32 [N] → [] (or [N]).
 */
export class MultiClassHingeLoss extends Loss {
  readonly margin: number;

  constructor(options: F.MulticlassHingeOptions = {}) {
    super(options.reduction ?? "mean");
    this.margin = options.margin ?? 1;
  }

  protected override options(): Record<string, ReprValue> {
    return { margin: this.margin };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.multiclassHingeLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}
