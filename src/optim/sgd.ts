/**
 * SGD: stochastic gradient descent with optional momentum (heavy-ball or Nesterov), dampening,
 * L2 weight decay and maximization, exactly as PyTorch 1.13's `torch.optim.SGD`.
 */
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer, type OptimizerParams, type OptionTemplate, type ParamGroup } from "./optimizer.js";
import { bufferLike, elements, type FloatArray } from "./values.js";
import { checkAtLeast, invalid } from "./validate.js";

/** SGD's hyper-parameters (see {@link SGD}). */
export interface SGDHyperParams {
  /** Learning rate; required, as in PyTorch 1.13 (no default). */
  lr: number;
  /** Momentum factor (0: plain SGD). */
  momentum: number;
  /** Dampening of the gradient's contribution to the momentum buffer. */
  dampening: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}
/** Constructor options of {@link SGD}: any subset of its hyper-parameters (the rest take the defaults). */
export type SGDOptions = Partial<SGDHyperParams>;
/** Per-parameter state: the momentum buffer, created at the first step when momentum ≠ 0. */
export type SGDState = { momentumBuffer?: Tensor };

/**
 * Stochastic gradient descent. For each parameter p with gradient ∇, at every step:
 *
 *     g = ±∇ + weightDecay·p                      (− when maximize)
 *     if momentum ≠ 0:
 *       buf = g                                   at the first step
 *       buf = momentum·buf + (1 − dampening)·g    afterwards
 *       g = nesterov ? g + momentum·buf : buf
 *     p = p − lr·g
 *
 * Defaults: momentum 0, dampening 0, weightDecay 0, nesterov false, maximize false; `lr` has
 * no default (as in PyTorch 1.13) and must be given in the options or in every group.
 *
 * @example const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDHyperParams, SGDState> {
  static readonly defaultOptions: OptionTemplate<SGDHyperParams> = {
    lr: undefined, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false,
  };

  constructor(params: OptimizerParams<SGDHyperParams>, options: SGDOptions = {}) {
    super(params, options);
  }

  protected validate(h: Partial<SGDHyperParams>, where: string): void {
    checkAtLeast(this.typeName, "lr", h.lr, 0, where);
    checkAtLeast(this.typeName, "momentum", h.momentum, 0, where);
    checkAtLeast(this.typeName, "weightDecay", h.weightDecay, 0, where);
    if (h.nesterov && !((h.momentum ?? 0) > 0 && h.dampening === 0)) {
      invalid(this.typeName, `nesterov momentum requires momentum > 0 and dampening 0 (got momentum ${h.momentum}, dampening ${h.dampening})`, where);
    }
  }

  protected initState(): SGDState {
    return {};
  }

  protected update(param: Tensor, p: FloatArray, g: FloatArray, state: SGDState, group: ParamGroup<SGDHyperParams>): void {
    const { lr, momentum, dampening, weightDecay: wd, nesterov } = group;
    const sign = group.maximize ? -1 : 1;
    const n = p.length;
    if (momentum === 0) {
      for (let i = 0; i < n; i++) p[i] -= lr * (sign * g[i] + wd * p[i]);
      return;
    }
    // At the first step the fresh (zero) buffer becomes g: momentum 0 and weight 1 do exactly that.
    const first = state.momentumBuffer === undefined;
    const buf = elements((state.momentumBuffer ??= bufferLike(param)));
    const m = first ? 0 : momentum;
    const k = first ? 1 : 1 - dampening;
    // Separate loops: V8 does not hoist the loop-invariant nesterov test (2× slower).
    if (nesterov) {
      for (let i = 0; i < n; i++) {
        const d = sign * g[i] + wd * p[i];
        buf[i] = m * buf[i] + k * d;
        p[i] -= lr * (d + momentum * buf[i]);
      }
    } else {
      for (let i = 0; i < n; i++) {
        buf[i] = m * buf[i] + k * (sign * g[i] + wd * p[i]);
        p[i] -= lr * buf[i];
      }
    }
  }
}
