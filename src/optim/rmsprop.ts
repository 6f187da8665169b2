/**
 * RMSprop (Hinton), with the centered variant, momentum and L2 weight decay, exactly as
 * PyTorch 1.13's `torch.optim.RMSprop` (eps is added after the square root).
 */
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer, type OptimizerParams, type OptionTemplate, type ParamGroup } from "./optimizer.js";
import { bufferLike, elements, type FloatArray } from "./values.js";
import { checkAtLeast } from "./validate.js";

/** RMSprop's hyper-parameters (see {@link RMSprop}). */
export interface RMSpropHyperParams {
  lr: number;
  /** Smoothing constant of the running averages. */
  alpha: number;
  /** Added to the root mean square (after the square root). */
  eps: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** Momentum factor (0: none). */
  momentum: number;
  /** Normalize by an estimate of the gradient's variance instead of its second moment. */
  centered: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}
/** Constructor options of {@link RMSprop}: any subset of its hyper-parameters (the rest take the defaults). */
export type RMSpropOptions = Partial<RMSpropHyperParams>;
/** Per-parameter state: step count, E[g²], and when used the momentum buffer and E[g]. */
export type RMSpropState = { step: number; squareAvg: Tensor; momentumBuffer?: Tensor; gradAvg?: Tensor };

/**
 * RMSprop. For each parameter p with gradient ∇, at every step:
 *
 *     g = ±∇ + weightDecay·p                      (− when maximize)
 *     sq = α·sq + (1 − α)·g²
 *     if centered: ga = α·ga + (1 − α)·g;  avg = √(sq − ga²) + eps
 *     else:                                avg = √sq + eps
 *     if momentum > 0: buf = momentum·buf + g/avg;  p = p − lr·buf
 *     else:                                          p = p − lr·g/avg
 *
 * All state starts at 0 (sq − ga² is clamped at 0 against rounding). Defaults: lr 1e-2,
 * alpha 0.99, eps 1e-8, weightDecay 0, momentum 0, centered false, maximize false.
 *
 * @example const opt = new RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9 });
 */
export class RMSprop extends Optimizer<RMSpropHyperParams, RMSpropState> {
  static readonly defaultOptions: OptionTemplate<RMSpropHyperParams> = {
    lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false,
  };

  constructor(params: OptimizerParams<RMSpropHyperParams>, options: RMSpropOptions = {}) {
    super(params, options);
  }

  protected validate(h: Partial<RMSpropHyperParams>, where: string): void {
    checkAtLeast(this.typeName, "lr", h.lr, 0, where);
    checkAtLeast(this.typeName, "eps", h.eps, 0, where);
    checkAtLeast(this.typeName, "momentum", h.momentum, 0, where);
    checkAtLeast(this.typeName, "weightDecay", h.weightDecay, 0, where);
    checkAtLeast(this.typeName, "alpha", h.alpha, 0, where);
  }

  protected initState(param: Tensor): RMSpropState {
    return { step: 0, squareAvg: bufferLike(param) };
  }

  protected update(param: Tensor, p: FloatArray, g: FloatArray, state: RMSpropState, group: ParamGroup<RMSpropHyperParams>): void {
    const { lr, alpha, eps, weightDecay: wd, momentum } = group;
    const sign = group.maximize ? -1 : 1;
    state.step++;
    const sq = elements(state.squareAvg);
    const ga = group.centered ? elements((state.gradAvg ??= bufferLike(param))) : null;
    const buf = momentum > 0 ? elements((state.momentumBuffer ??= bufferLike(param))) : null;
    for (let i = 0, n = p.length; i < n; i++) {
      const d = sign * g[i] + wd * p[i];
      sq[i] = alpha * sq[i] + (1 - alpha) * d * d;
      let meanSq = sq[i];
      if (ga) {
        ga[i] = alpha * ga[i] + (1 - alpha) * d;
        meanSq = Math.max(meanSq - ga[i] * ga[i], 0);
      }
      const avg = Math.sqrt(meanSq) + eps;
      if (buf) {
        buf[i] = momentum * buf[i] + d / avg;
        p[i] -= lr * buf[i];
      } else {
        p[i] -= (lr * d) / avg;
      }
    }
  }
}
