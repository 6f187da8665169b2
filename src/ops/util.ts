/** Helpers every op uses: wrapping kernel output, scalar operands, broadcast views. */
import { Tensor } from "../tensor/tensor.js";
import type { View } from "../backend/backend.js";
import { arithmeticType, type DType, type TypedArray } from "../tensor/dtype.js";
import { broadcastStrides, contiguousStrides, type Shape } from "../tensor/shape.js";

/** Wraps a contiguous kernel result as a tensor. */
export function fromKernel(data: TypedArray, shape: Shape): Tensor {
  return new Tensor(data, shape, contiguousStrides(shape), 0);
}

/** A tensor operand, or a number that becomes a 0-d tensor of a matching dtype. */
export type Operand = Tensor | number;

/**
 * Turns a number into a 0-d tensor that does not change the other operand's dtype (like a
 * Python scalar in PyTorch): floats stay float32/float64, integers stay int32 unless the
 * number is fractional.
 */
export function asTensor(x: Operand, like: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  let dtype: DType = arithmeticType(like.dtype);
  if (dtype === "int32" && !Number.isInteger(x)) dtype = "float32";
  return Tensor.scalar(x, dtype);
}

/** A view of t broadcast to `shape` (stride 0 on expanded axes); t must be broadcastable. */
export function broadcastView(t: Tensor, shape: Shape): View {
  return { data: t.data, shape, strides: broadcastStrides(t.shape, t.strides, shape), offset: t.offset };
}
