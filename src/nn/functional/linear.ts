/** Fully-connected layer math: y = x Wᵀ + b. */
import type { Tensor } from "../../tensor/tensor.js";
import { matmul } from "../../ops/matmul.js";
import { add } from "../../ops/elementwise.js";
import { ShapeError, fmtShape } from "../../errors.js";

/**
 * y = x @ weightᵀ + bias over the last dim; weight is [out, in] (PyTorch layout).
 * **Shape:** x [..., in] → [..., out].
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const inFeatures = weight.shape[1];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new ShapeError(`linear(${inFeatures}→${weight.shape[0]}): expected input with last dimension ${inFeatures}, got ${fmtShape(x.shape)}`);
  }
  const y = matmul(x, weight.mT);
  return bias ? add(y, bias) : y;
}
