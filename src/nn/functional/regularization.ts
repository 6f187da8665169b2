/**
 * Weight penalties R(W) as differentiable scalars, in the course's form: no ½ and no λ, so a
 * regularized objective is written out explicitly, `loss = dataLoss + λ·R(W)`, and `backward`
 * adds λ·∂R/∂W to every parameter's gradient. Each takes one tensor or a list (summed over all).
 * Which tensors to penalize is the caller's choice; `weightsOf` picks the usual ones (no biases).
 */
import { Tensor } from "../../tensor/tensor.js";
import { abs, add, mul, square } from "../../ops/elementwise.js";
import { sum } from "../../ops/reduce.js";
import { DTypeError } from "../../errors.js";
import type { Parameter } from "../parameter.js";

/** One tensor or several; a penalty sums its terms over all of them. */
export type Penalized = Tensor | readonly Tensor[];

/** Σ over the tensors of `term(w)` (a scalar each); 0 for an empty list. */
function total(op: string, params: Penalized, term: (w: Tensor) => Tensor): Tensor {
  const list = params instanceof Tensor ? [params] : params;
  let out: Tensor | null = null;
  for (const w of list) {
    if (w.dtype !== "float32" && w.dtype !== "float64") {
      throw new DTypeError(`${op}: parameters must be floating-point tensors, got ${w.dtype}`);
    }
    const t = term(w);
    out = out ? add(out, t) : t;
  }
  return out ?? Tensor.scalar(0);
}

/**
 * L1 penalty R(W) = Σ|w| (lasso; pushes weights to exactly zero). ∂R/∂w = sign(w), 0 at 0.
 * **Shape:** any tensors → [].
 *
 * @example const loss = crossEntropy(net.forward(x), y).add(l1Penalty(weightsOf(net)).mul(1e-4));
 */
export function l1Penalty(params: Penalized): Tensor {
  return total("l1Penalty", params, (w) => sum(abs(w)));
}

/**
 * L2 penalty R(W) = Σw² (weight decay / ridge; no ½, no λ). ∂R/∂w = 2w.
 * **Shape:** any tensors → [].
 */
export function l2Penalty(params: Penalized): Tensor {
  return total("l2Penalty", params, (w) => sum(square(w)));
}

/**
 * Elastic net R(W) = Σ(β·w² + |w|): the course's mix of the L2 and L1 penalties.
 * ∂R/∂w = 2βw + sign(w). **Shape:** any tensors → [].
 */
export function elasticNetPenalty(params: Penalized, beta: number): Tensor {
  return total("elasticNetPenalty", params, (w) => add(mul(sum(square(w)), beta), sum(abs(w))));
}

/**
 * The parameters of a module that are conventionally regularized: those with more than one
 * dimension (Linear and conv weights), leaving out biases and normalization scales/shifts.
 *
 * @example const reg = l2Penalty(weightsOf(model)); // Σ w² over every weight matrix / kernel
 */
export function weightsOf(module: { parameters(): Parameter[] }): Parameter[] {
  return module.parameters().filter((p) => p.ndim > 1);
}
