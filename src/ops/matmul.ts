/** Matrix products with PyTorch's `matmul` semantics (1-D promotion, batch broadcasting). */
import { Tensor } from "../tensor/tensor.js";
import { attach } from "../autograd/engine.js";
import { kernels } from "../backend/registry.js";
import { promoteTypes, floatType, arithmeticType } from "../tensor/dtype.js";
import { broadcastShapes, numel } from "../tensor/shape.js";
import { ShapeError, fmtShape } from "../errors.js";
import { fromKernel } from "./util.js";
import { expand, reshape, squeeze, transpose, unsqueeze } from "./movement.js";

/**
 * Matrix product. 1-D operands are treated as a row (left) or column (right) vector and the
 * added dim is removed afterwards; leading dims are batch dims and broadcast.
 *
 * @example matmul(randn([8, 3, 4]), randn([4, 5])).shape // [8, 3, 5]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: both arguments need at least 1 dimension, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  const ka = a.shape[a.ndim - 1];
  const kb = b.shape[Math.max(b.ndim - 2, 0)];
  if (ka !== kb) {
    throw new ShapeError(`matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are not aligned (${ka} != ${kb})`);
  }
  // Both 1-D: a dot product (0-d); squeezing one added dim at a time would lose track of which.
  if (a.ndim === 1 && b.ndim === 1) return reshape(matmul(unsqueeze(a, 0), unsqueeze(b, 1)), []);
  if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(matmul(a, unsqueeze(b, 1)), -1);
  return matmul2d(a, b);
}

/** a [..., M, K] @ b [..., K, N] with both at least 2-D. */
function matmul2d(a: Tensor, b: Tensor): Tensor {
  const [M, K] = a.shape.slice(-2);
  const N = b.shape[b.ndim - 1];
  let batch: number[];
  try {
    batch = broadcastShapes("matmul", a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    // Name the full operand shapes, not just their batch parts.
    throw new ShapeError(`matmul: batch dims of shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be broadcast together`);
  }
  const B = numel(batch);
  const a3 = reshape(expand(a, [...batch, M, K]), [B, M, K]);
  const b3 = reshape(expand(b, [...batch, K, N]), [B, K, N]);
  let dtype = promoteTypes(arithmeticType(a.dtype), arithmeticType(b.dtype));
  if (dtype === "int32") dtype = floatType(dtype);
  const out = fromKernel(kernels().matmul(a3, b3, dtype), [...batch, M, N]);
  return attach(out, "matmul", [a, b], (g) => [
    a.requiresGrad ? matmul(g, transpose(b, -1, -2)) : null,
    b.requiresGrad ? matmul(transpose(a, -1, -2), g) : null,
  ]);
}
