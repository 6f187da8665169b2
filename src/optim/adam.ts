/**
 * Adam (Kingma & Ba) with L2-coupled weight decay and the AMSGrad variant, exactly as PyTorch
 * 1.13's `torch.optim.Adam`. AdamW (adamw.ts) reuses this update with decoupled decay.
 */
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer, type OptimizerParams, type OptionTemplate, type ParamGroup } from "./optimizer.js";
import { bufferLike, elements, type FloatArray } from "./values.js";
import { checkAtLeast, checkInRange } from "./validate.js";

/** Adam's (and AdamW's) hyper-parameters (see {@link Adam}). */
export interface AdamHyperParams {
  lr: number;
  /** Decay rates of the first and second moment estimates, each in [0, 1). */
  betas: readonly [number, number];
  /** Added to the bias-corrected √v (after the square root). */
  eps: number;
  /** L2 penalty added to the gradient (Adam) or decoupled decay rate (AdamW). */
  weightDecay: number;
  /** Use the running maximum of v (AMSGrad). */
  amsgrad: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}
/** Constructor options of {@link Adam}: any subset of its hyper-parameters (the rest take the defaults). */
export type AdamOptions = Partial<AdamHyperParams>;
/** Per-parameter state: step count t, moment estimates m and v, and max v for AMSGrad. */
export type AdamState = { step: number; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

/**
 * Adam. For each parameter p with gradient ∇, at step t = 1, 2, …:
 *
 *     g = ±∇ + weightDecay·p                      (− when maximize)
 *     m = β1·m + (1 − β1)·g
 *     v = β2·v + (1 − β2)·g²
 *     v̂ = amsgrad ? (vmax = max(vmax, v)) : v
 *     p = p − lr/(1 − β1ᵗ) · m / (√v̂ / √(1 − β2ᵗ) + eps)
 *
 * m, v and vmax start at 0. Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0,
 * amsgrad false, maximize false.
 *
 * @example const opt = new Adam(model.parameters(), { lr: 3e-4 });
 */
export class Adam extends Optimizer<AdamHyperParams, AdamState> {
  static readonly defaultOptions: OptionTemplate<AdamHyperParams> = {
    lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false,
  };

  constructor(params: OptimizerParams<AdamHyperParams>, options: AdamOptions = {}) {
    super(params, options);
  }

  /** Whether weight decay shrinks p directly (AdamW) instead of being added to the gradient. */
  protected get decoupledWeightDecay(): boolean {
    return false;
  }

  protected validate(h: Partial<AdamHyperParams>, where: string): void {
    checkAtLeast(this.typeName, "lr", h.lr, 0, where);
    checkAtLeast(this.typeName, "eps", h.eps, 0, where);
    checkInRange(this.typeName, "betas[0]", h.betas?.[0], 0, 1, where);
    checkInRange(this.typeName, "betas[1]", h.betas?.[1], 0, 1, where);
    checkAtLeast(this.typeName, "weightDecay", h.weightDecay, 0, where);
  }

  protected initState(param: Tensor): AdamState {
    return { step: 0, expAvg: bufferLike(param), expAvgSq: bufferLike(param) };
  }

  protected update(param: Tensor, p: FloatArray, g: FloatArray, state: AdamState, group: ParamGroup<AdamHyperParams>): void {
    const { lr, eps, weightDecay: wd, amsgrad } = group;
    const [b1, b2] = group.betas;
    const sign = group.maximize ? -1 : 1;
    const t = ++state.step;
    const stepSize = lr / (1 - b1 ** t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    // AdamW: p ← p·(1 − lr·wd) and a raw gradient; Adam: g ← g + wd·p.
    const shrink = this.decoupledWeightDecay ? 1 - lr * wd : 1;
    const l2 = this.decoupledWeightDecay ? 0 : wd;
    const m = elements(state.expAvg);
    const v = elements(state.expAvgSq);
    const vMax = amsgrad ? elements((state.maxExpAvgSq ??= bufferLike(param))) : null;
    for (let i = 0, n = p.length; i < n; i++) {
      const x = p[i] * shrink;
      const d = sign * g[i] + l2 * x;
      m[i] = b1 * m[i] + (1 - b1) * d;
      v[i] = b2 * v[i] + (1 - b2) * d * d;
      let vHat = v[i];
      if (vMax) vHat = vMax[i] = Math.max(vMax[i], vHat);
      p[i] = x - (stepSize * m[i]) / (Math.sqrt(vHat) / bc2Sqrt + eps);
    }
  }
}
