/**
 * Shared plumbing of the image transforms: checks that a sample is an image tensor and gives
 * its dense storage with the sizes the loops need ([..., H, W] seen as planes of H×W).
 */
import type { Tensor } from "../../tensor/tensor.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { ShapeError, fmtShape } from "../../errors.js";

/** A dense image: `planes` stacked H×W planes (C, or the product of all leading dims). */
export interface ImagePlanes {
  data: TypedArray;
  planes: number;
  height: number;
  width: number;
}

/** The dense planes of x; `minDims` is 3 for ops that need a channel dim. */
export function imagePlanes(op: string, x: Tensor, minDims = 2): ImagePlanes {
  if (x.ndim < minDims) {
    throw new ShapeError(`${op}: expected an image tensor ${minDims === 3 ? "[C,H,W]" : "[..., H, W]"}, got shape ${fmtShape(x.shape)}`);
  }
  const height = x.shape[x.ndim - 2];
  const width = x.shape[x.ndim - 1];
  return { data: x.contiguous().toTypedArray(), planes: x.size / Math.max(height * width, 1), height, width };
}
