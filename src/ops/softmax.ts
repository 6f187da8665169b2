/** softmax, log-softmax and softmin along one dim, stable for large logits (±1000). */
import type { Tensor } from "../tensor/tensor.js";
import { normalizeAxis } from "../tensor/shape.js";
import { kernels } from "../backend/registry.js";
import { fromKernel } from "./util.js";
import { exp, log, neg, sub, where } from "./elementwise.js";
import { sum } from "./reduce.js";

/**
 * (x − m) − log Σ exp(x − m) along dim, m the row max (a constant for autograd). Subtracting
 * m first keeps x − m exact near the max, so logits of ±1000 lose no precision (x − logsumexp
 * would round at the scale of |x|). A bad dim is reported under the caller's name.
 */
function logSoftmaxAs(op: string, x: Tensor, dim: number): Tensor {
  const d = normalizeAxis(op, dim, x.ndim);
  const m = fromKernel(kernels().reduce("max", x, [d], x.dtype), x.shape.map((n, i) => (i === d ? 1 : n)));
  // An all −inf (or inf) row must not produce inf − inf = NaN in the shift.
  const z = sub(x, where(m.isFinite(), m, 0));
  return sub(z, log(sum(exp(z), d, true)));
}

/** log softmax(x) = x − logsumexp(x) along dim. */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return logSoftmaxAs("logSoftmax", x, dim);
}

/** softmax(x)_i = exp(x_i) / Σ_j exp(x_j) along dim. */
export function softmax(x: Tensor, dim = -1): Tensor {
  return exp(logSoftmaxAs("softmax", x, dim));
}

/** softmin(x) = softmax(−x). */
export function softmin(x: Tensor, dim = -1): Tensor {
  return exp(logSoftmaxAs("softmin", neg(x), dim));
}
