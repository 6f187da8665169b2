/**
 * Fully-connected layer math: y = x Wᵀ + b, recorded as one op whose backward is three matrix
 * products (the course's ∂J/∂x = Wᵀ g… in row form): gx = g W, gW = gᵀ x, gb = Σ g. Computing
 * gW directly as gᵀx yields a dense [out, in] gradient (no transposed view to copy later).
 */
import type { Tensor } from "../../tensor/tensor.js";
import type { View } from "../../backend/backend.js";
import { attach } from "../../autograd/engine.js";
import { kernels } from "../../backend/registry.js";
import { isFloat } from "../../tensor/dtype.js";
import { numel } from "../../tensor/shape.js";
import { fromKernel } from "../../ops/util.js";
import { contiguous } from "../../ops/movement.js";
import { DTypeError, ShapeError, fmtShape } from "../../errors.js";

/** A dense [rows, cols] matrix as a batch-of-one View, optionally transposed. */
function matrix(t: Tensor, rows: number, cols: number, transposed = false): View {
  return transposed
    ? { data: t.data, shape: [1, cols, rows], strides: [0, 1, cols], offset: t.offset }
    : { data: t.data, shape: [1, rows, cols], strides: [0, cols, 1], offset: t.offset };
}

/**
 * y = x @ weightᵀ + bias over the last dim; weight is [out, in] (PyTorch layout).
 * **Shape:** x [..., in] → [..., out].
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be [out, in], got ${fmtShape(weight.shape)}`);
  const [outF, inF] = weight.shape;
  const label = `linear(${inF}→${outF})`;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new ShapeError(`${label}: expected input with last dimension ${inF}, got ${fmtShape(x.shape)}`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outF)) throw new ShapeError(`${label}: bias must be [${outF}], got ${fmtShape(bias.shape)}`);
  if (!isFloat(x.dtype) || weight.dtype !== x.dtype || (bias && bias.dtype !== x.dtype)) {
    throw new DTypeError(`${label}: input, weight and bias must share one floating dtype, got ${x.dtype}, ${weight.dtype}${bias ? `, ${bias.dtype}` : ""}`);
  }
  const k = kernels();
  const lead = x.shape.slice(0, -1);
  const rows = numel(lead);
  const xd = contiguous(x).detach();
  const w = contiguous(weight).detach();
  const y = k.matmul(matrix(xd, rows, inF), matrix(w, outF, inF, true), x.dtype);
  if (bias) {
    const b = contiguous(bias).detach();
    for (let r = 0; r < rows; r++) for (let j = 0; j < outF; j++) y[r * outF + j] += b.data[b.offset + j];
  }
  const out = fromKernel(y, [...lead, outF]);
  return attach(out, "linear", bias ? [x, weight, bias] : [x, weight], (g) => {
    const gd = contiguous(g).detach();
    return [
      x.requiresGrad ? fromKernel(k.matmul(matrix(gd, rows, outF), matrix(w, outF, inF), g.dtype), x.shape) : null,
      weight.requiresGrad ? fromKernel(k.matmul(matrix(gd, rows, outF, true), matrix(xd, rows, inF), g.dtype), [outF, inF]) : null,
      bias?.requiresGrad ? fromKernel(k.reduce("sum", { data: gd.data, shape: [rows, outF], strides: [outF, 1], offset: gd.offset }, [0], g.dtype), [outF]) : null,
    ];
  });
}

/**
 * Bilinear map y_o = x1ᵀ A_o x2 + b_o, as torch.nn.functional.bilinear: weight [out, in1, in2],
 * bias [out]. Composed of differentiable ops: one matrix product x1 · A (all outputs at once),
 * then a product with x2 summed over in2.
 * **Shape:** x1 [..., in1], x2 [..., in2] (the same leading dims) → [..., out].
 */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (weight.ndim !== 3) throw new ShapeError(`bilinear: weight must be [out, in1, in2], got ${fmtShape(weight.shape)}`);
  const [outF, in1, in2] = weight.shape;
  const label = `bilinear(${in1}×${in2}→${outF})`;
  if (x1.ndim === 0 || x1.shape[x1.ndim - 1] !== in1) throw new ShapeError(`${label}: expected input1 with last dimension ${in1}, got ${fmtShape(x1.shape)}`);
  if (x2.ndim === 0 || x2.shape[x2.ndim - 1] !== in2) throw new ShapeError(`${label}: expected input2 with last dimension ${in2}, got ${fmtShape(x2.shape)}`);
  const lead = x1.shape.slice(0, -1);
  if (x2.ndim !== x1.ndim || lead.some((d, i) => d !== x2.shape[i])) {
    throw new ShapeError(`${label}: input1 ${fmtShape(x1.shape)} and input2 ${fmtShape(x2.shape)} must have the same leading dimensions`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outF)) throw new ShapeError(`${label}: bias must be [${outF}], got ${fmtShape(bias.shape)}`);
  if (!isFloat(x1.dtype) || x2.dtype !== x1.dtype || weight.dtype !== x1.dtype || (bias && bias.dtype !== x1.dtype)) {
    throw new DTypeError(
      `${label}: inputs, weight and bias must share one floating dtype, got ${x1.dtype}, ${x2.dtype}, ${weight.dtype}${bias ? `, ${bias.dtype}` : ""}`,
    );
  }
  const rows = numel(lead);
  // u[r, o, j] = Σ_i x1[r, i]·A[o, i, j]: one [rows, in1] × [in1, out·in2] product.
  const u = x1.reshape(rows, in1).matmul(weight.permute(1, 0, 2).reshape(in1, outF * in2)).reshape(rows, outF, in2);
  const y = u.mul(x2.reshape(rows, 1, in2)).sum(-1);
  return (bias ? y.add(bias) : y).reshape([...lead, outF]);
}
