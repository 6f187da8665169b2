/** softmax, log-softmax and softmin along one dim, stable for large logits (±1000). */
import type { Tensor } from "../tensor/tensor.js";
import { exp, neg, sub } from "./elementwise.js";
import { logsumexp } from "./reduce.js";

/** log softmax(x) = x − logsumexp(x) along dim. */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return sub(x, logsumexp(x, dim, true));
}

/** softmax(x)_i = exp(x_i) / Σ_j exp(x_j) along dim. */
export function softmax(x: Tensor, dim = -1): Tensor {
  return exp(logSoftmax(x, dim));
}

/** softmin(x) = softmax(−x). */
export function softmin(x: Tensor, dim = -1): Tensor {
  return softmax(neg(x), dim);
}
