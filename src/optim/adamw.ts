/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, exactly as PyTorch 1.13's
 * `torch.optim.AdamW`. Shares Adam's update loop.
 */
import { Adam, type AdamHyperParams, type AdamOptions } from "./adam.js";
import type { OptimizerParams, OptionTemplate } from "./optimizer.js";

/** Constructor options of {@link AdamW} (Adam's, with weightDecay defaulting to 1e-2). */
export type AdamWOptions = AdamOptions;

/**
 * AdamW. For each parameter p with gradient ∇, at step t = 1, 2, …:
 *
 *     p = p·(1 − lr·weightDecay)                  (decay applied to p, not to the gradient)
 *     g = ±∇                                      (− when maximize)
 *     m = β1·m + (1 − β1)·g
 *     v = β2·v + (1 − β2)·g²
 *     v̂ = amsgrad ? (vmax = max(vmax, v)) : v
 *     p = p − lr/(1 − β1ᵗ) · m / (√v̂ / √(1 − β2ᵗ) + eps)
 *
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 1e-2, amsgrad false,
 * maximize false.
 *
 * @example const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends Adam {
  static override readonly defaultOptions: OptionTemplate<AdamHyperParams> = { ...Adam.defaultOptions, weightDecay: 1e-2 };

  constructor(params: OptimizerParams<AdamHyperParams>, options: AdamWOptions = {}) {
    super(params, options);
  }

  protected override get decoupledWeightDecay(): boolean {
    return true;
  }
}
