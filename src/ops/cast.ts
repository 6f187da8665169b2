/** Conversion between dtypes. */
import { Tensor } from "../tensor/tensor.js";
import { attach } from "../autograd/engine.js";
import { kernels } from "../backend/registry.js";
import { allocArray, isFloat, type DType } from "../tensor/dtype.js";
import { fromKernel } from "./util.js";
import { ne } from "./elementwise.js";

/**
 * A copy of x in another dtype. Floats to int32 truncate toward zero; anything to bool is
 * `x != 0`. Gradients flow between floating dtypes only.
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  if (dtype === "bool") return ne(x, 0);
  const out = fromKernel(allocArray(dtype, x.size), x.shape);
  kernels().copy(x, out);
  if (!isFloat(dtype) || !isFloat(x.dtype)) return out;
  return attach(out, "cast", [x], (g) => [cast(g, x.dtype)]);
}
