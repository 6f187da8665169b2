/**
 * Activation functions (the functional forms; the modules in layers/activation.ts wrap them).
 * Each is one elementwise kernel with its derivative, except the few composed ones noted.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { unaryOp, where, mul, gt } from "../../ops/elementwise.js";
import { reshape } from "../../ops/movement.js";
import { max } from "../../ops/reduce.js";
import { normalizeAxis } from "../../tensor/shape.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";

export { relu, sigmoid, tanh, exp as exponential } from "../../ops/elementwise.js";
export { softmax, logSoftmax, softmin } from "../../ops/softmax.js";

/** min(max(0, x), 6). */
export const relu6 = (x: Tensor) => unaryOp("clamp", x, 0, 6);
/** x for x > 0, negativeSlope·x otherwise. */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01) => unaryOp("leakyRelu", x, negativeSlope);
/** x for x > 0, α(eˣ − 1) otherwise. */
export const elu = (x: Tensor, alpha = 1) => unaryOp("elu", x, alpha);
/** scale·elu(x, α) with the self-normalizing constants α ≈ 1.6733, scale ≈ 1.0507. */
export const selu = (x: Tensor) => unaryOp("selu", x);
/** max(0, x) + min(0, α(e^{x/α} − 1)). */
export const celu = (x: Tensor, alpha = 1) => unaryOp("celu", x, alpha);
/** x·Φ(x); `approximate: "tanh"` uses 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
export const gelu = (x: Tensor, approximate: "none" | "tanh" = "none") => unaryOp(approximate === "tanh" ? "geluTanh" : "gelu", x);
/** x·σ(x) (a.k.a. swish). */
export const silu = (x: Tensor) => unaryOp("silu", x);
export const swish = silu;
/** x·tanh(softplus(x)). */
export const mish = (x: Tensor) => unaryOp("mish", x);
/** log(1 + e^{βx})/β, linear where βx > threshold. */
export const softplus = (x: Tensor, beta = 1, threshold = 20) => unaryOp("softplus", x, beta, threshold);
/** x/(1 + |x|). */
export const softsign = (x: Tensor) => unaryOp("softsign", x);
/** relu6(x + 3)/6 (PyTorch's definition). */
export const hardsigmoid = (x: Tensor) => unaryOp("hardsigmoid", x);
/** x·relu6(x + 3)/6. */
export const hardswish = (x: Tensor) => unaryOp("hardswish", x);
/** clamp(x, minVal, maxVal). */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (minVal > maxVal) throw new ValueError(`hardtanh: minVal ${minVal} is greater than maxVal ${maxVal}`);
  return unaryOp("clamp", x, minVal, maxVal);
}
/** The identity ("linear" activation). */
export const linearActivation = (x: Tensor) => x;

/**
 * Parametric ReLU: x for x > 0, a·x otherwise, with `weight` (a) either one shared value or
 * one per channel (dim 1). Composed, so ∂/∂a = Σ 1(x < 0)·x·g comes from autograd.
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  let a = weight;
  if (weight.size > 1) {
    const channelDim = x.ndim >= 2 ? 1 : 0;
    if (x.shape[channelDim] !== weight.size) {
      throw new ShapeError(`prelu: weight has ${weight.size} parameters but input ${fmtShape(x.shape)} has ${x.shape[channelDim]} channels`);
    }
    a = reshape(weight, [weight.size, ...new Array<number>(x.ndim - channelDim - 1).fill(1)]);
  }
  return where(gt(x, 0), x, mul(a, x));
}

/**
 * Maxout: the max over k pieces. x [N, C·k, …] is read as [N, C, k, …] (contiguous groups of k
 * along `dim`) and reduced to [N, C, …]. Follow a Linear(in, out·k) to get the course's
 * max(w₁ᵀx + b₁, …, w_kᵀx + b_k).
 */
export function maxout(x: Tensor, k: number, dim = 1): Tensor {
  const d = normalizeAxis("maxout", dim, x.ndim);
  if (!Number.isInteger(k) || k < 1 || x.shape[d] % k !== 0) {
    throw new ShapeError(`maxout: dim ${dim} of ${fmtShape(x.shape)} (size ${x.shape[d]}) is not divisible into groups of k=${k}`);
  }
  const grouped = reshape(x, [...x.shape.slice(0, d), x.shape[d] / k, k, ...x.shape.slice(d + 1)]);
  return max(grouped, d + 1).values;
}
