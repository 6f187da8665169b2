/**
 * Dense typed-array access for the update loops: a parameter's elements, its gradient's
 * elements (in the parameter's dtype), and zero-filled state buffers shaped like a parameter.
 * Optimizers update `p.data` directly, which records no graph and is the fastest path.
 * Internal to optim.
 */
import { Tensor } from "../tensor/tensor.js";
import { allocArray } from "../tensor/dtype.js";
import { shapesEqual } from "../tensor/shape.js";
import { ShapeError, fmtShape } from "../errors.js";

/** Storage of a floating tensor. */
export type FloatArray = Float32Array | Float64Array;

/**
 * The elements of a contiguous tensor as a typed array that writes through to its storage.
 * Parameters and state buffers are contiguous (checked when a parameter joins an optimizer).
 */
export function elements(t: Tensor): FloatArray {
  return t.data.subarray(t.offset, t.offset + t.size) as FloatArray;
}

/**
 * The gradient of `param` as a dense array in the parameter's dtype (a view when it already
 * is one, otherwise a copy, so it must only be read). `who` names the caller in errors.
 */
export function gradElements(param: Tensor, who: string): FloatArray {
  const g = param.grad;
  if (g === null) throw new Error(`${who}: parameter has no gradient`);
  if (!shapesEqual(g.shape, param.shape)) {
    throw new ShapeError(`${who}: a parameter of shape ${fmtShape(param.shape)} has a gradient of shape ${fmtShape(g.shape)}`);
  }
  return (g.dtype === param.dtype ? g : g.detach().to(param.dtype)).toTypedArray() as FloatArray;
}

/** A zero-filled (or `value`-filled) contiguous buffer with the dtype and shape of `param`. */
export function bufferLike(param: Tensor, value = 0): Tensor {
  const data = allocArray(param.dtype, param.size);
  if (value !== 0) data.fill(value);
  return new Tensor(data, param.shape);
}
