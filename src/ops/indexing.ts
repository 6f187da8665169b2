/** Index-based ops: gather, indexSelect, oneHot. Indices are int32 and range-checked here. */
import { Tensor } from "../tensor/tensor.js";
import { attach } from "../autograd/engine.js";
import { kernels } from "../backend/registry.js";
import type { View } from "../backend/backend.js";
import { allocArray, type DType } from "../tensor/dtype.js";
import { normalizeAxis } from "../tensor/shape.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { fromKernel } from "./util.js";

/** Throws unless every index is an integer in [0, size). */
export function checkIndices(op: string, index: Tensor, size: number, what = "index"): void {
  if (index.dtype !== "int32") throw new DTypeError(`${op}: ${what} must be an int32 tensor, got ${index.dtype}`);
  const flat = index.contiguous();
  const d = flat.data;
  for (let i = flat.offset, end = flat.offset + flat.size; i < end; i++) {
    if (d[i] < 0 || d[i] >= size) {
      throw new ValueError(`${op}: ${what} ${d[i]} is out of range for size ${size}`);
    }
  }
}

/** out[i][j][k] = x[i][index[i][j][k]][k] for dim = 1 (PyTorch `gather`). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const a = normalizeAxis("gather", dim, x.ndim);
  if (index.ndim !== x.ndim || index.shape.some((d, i) => i !== a && d > x.shape[i])) {
    throw new ShapeError(`gather: index of shape ${fmtShape(index.shape)} does not fit input ${fmtShape(x.shape)} along dim ${dim}`);
  }
  checkIndices("gather", index, x.shape[a]);
  return gatherView(x, a, index, index.shape);
}

function gatherView(x: Tensor, axis: number, index: View, shape: readonly number[]): Tensor {
  const out = fromKernel(kernels().gather(x, axis, index), shape);
  return attach(out, "gather", [x], (g) => [fromKernel(kernels().scatterAdd(x.shape, axis, index, g, g.dtype), x.shape)]);
}

/** Picks the entries `index` (1-D int32) along dim. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const a = normalizeAxis("indexSelect", dim, x.ndim);
  if (index.ndim !== 1) throw new ShapeError(`indexSelect: index must be 1-D, got shape ${fmtShape(index.shape)}`);
  checkIndices("indexSelect", index, x.shape[a]);
  const shape = x.shape.map((d, i) => (i === a ? index.shape[0] : d));
  // Broadcast the index over the other dims with stride 0 instead of materializing it.
  const view: View = { data: index.data, shape, strides: shape.map((_, i) => (i === a ? index.strides[0] : 0)), offset: index.offset };
  return gatherView(x, a, view, shape);
}

/** One-hot encoding of int32 class indices: shape [..., numClasses]. */
export function oneHot(labels: Tensor, numClasses: number, dtype: DType = "float32"): Tensor {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new ValueError(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  checkIndices("oneHot", labels, numClasses, "class index");
  const flat = labels.contiguous();
  const out = allocArray(dtype, flat.size * numClasses);
  for (let i = 0; i < flat.size; i++) out[i * numClasses + flat.data[flat.offset + i]] = 1;
  return fromKernel(out, [...labels.shape, numClasses]);
}
