/**
 * Adagrad (Duchi et al.): per-element learning rates from the running sum of squared
 * gradients, with lr decay and L2 weight decay, exactly as PyTorch 1.13's `torch.optim.Adagrad`.
 */
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer, type OptimizerParams, type OptionTemplate, type ParamGroup } from "./optimizer.js";
import { bufferLike, elements, type FloatArray } from "./values.js";
import { checkAtLeast } from "./validate.js";

/** Adagrad's hyper-parameters (see {@link Adagrad}). */
export interface AdagradHyperParams {
  lr: number;
  /** The lr at step t is lr / (1 + (t − 1)·lrDecay). */
  lrDecay: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** Starting value of the sum of squared gradients. */
  initialAccumulatorValue: number;
  /** Added to √sum (after the square root). */
  eps: number;
  /** Ascend instead of descend. */
  maximize: boolean;
}
/** Constructor options of {@link Adagrad}: any subset of its hyper-parameters (the rest take the defaults). */
export type AdagradOptions = Partial<AdagradHyperParams>;
/** Per-parameter state: step count and the running sum of squared gradients. */
export type AdagradState = { step: number; sum: Tensor };

/**
 * Adagrad. For each parameter p with gradient ∇, at step t = 1, 2, …:
 *
 *     g = ±∇ + weightDecay·p                      (− when maximize)
 *     clr = lr / (1 + (t − 1)·lrDecay)
 *     sum = sum + g²                              (sum starts at initialAccumulatorValue)
 *     p = p − clr·g / (√sum + eps)
 *
 * Defaults: lr 1e-2, lrDecay 0, weightDecay 0, initialAccumulatorValue 0, eps 1e-10,
 * maximize false.
 *
 * @example const opt = new Adagrad(model.parameters(), { lr: 0.1 });
 */
export class Adagrad extends Optimizer<AdagradHyperParams, AdagradState> {
  static readonly defaultOptions: OptionTemplate<AdagradHyperParams> = {
    lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false,
  };

  constructor(params: OptimizerParams<AdagradHyperParams>, options: AdagradOptions = {}) {
    super(params, options);
  }

  protected validate(h: Partial<AdagradHyperParams>, where: string): void {
    checkAtLeast(this.typeName, "lr", h.lr, 0, where);
    checkAtLeast(this.typeName, "lrDecay", h.lrDecay, 0, where);
    checkAtLeast(this.typeName, "weightDecay", h.weightDecay, 0, where);
    checkAtLeast(this.typeName, "initialAccumulatorValue", h.initialAccumulatorValue, 0, where);
    checkAtLeast(this.typeName, "eps", h.eps, 0, where);
  }

  protected initState(param: Tensor, group: ParamGroup<AdagradHyperParams>): AdagradState {
    return { step: 0, sum: bufferLike(param, group.initialAccumulatorValue) };
  }

  protected update(_param: Tensor, p: FloatArray, g: FloatArray, state: AdagradState, group: ParamGroup<AdagradHyperParams>): void {
    const { lr, lrDecay, weightDecay: wd, eps } = group;
    const sign = group.maximize ? -1 : 1;
    const t = ++state.step;
    const clr = lr / (1 + (t - 1) * lrDecay);
    const sum = elements(state.sum);
    for (let i = 0, n = p.length; i < n; i++) {
      const d = sign * g[i] + wd * p[i];
      sum[i] += d * d;
      p[i] -= (clr * d) / (Math.sqrt(sum[i]) + eps);
    }
  }
}
