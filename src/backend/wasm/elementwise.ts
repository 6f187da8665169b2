/**
 * The wasm backend's elementwise fast paths (assembly/elementwise.ts) for float32 data:
 *
 * - `binary` add/sub/mul/div when, after merging dims that are contiguous in both operands, the
 *   innermost dim has stride 0 or 1 in each (same-shape dense operands, a scalar, a row or column
 *   broadcast; any further outer dims loop here);
 * - `unary` relu/neg/abs/square/sqrt and `unaryGrad` relu/neg on views of any strides.
 *
 * Everything else goes to the reference kernels. The results are bit-identical to theirs.
 */
import type { BinaryOp, UnaryOp, UnaryParams, View } from "../backend.js";
import { refKernels } from "../ref/index.js";
import { coalesce } from "../ref/strided.js";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { numel, type Shape } from "../../tensor/shape.js";
import { layout, wasmRuntime } from "./loader.js";
import { compactSpan, float32Only, putDense } from "./io.js";

/** Op codes of assembly/elementwise.ts. */
const BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3 };
const UNARY: Partial<Record<UnaryOp, number>> = { relu: 0, neg: 1, abs: 2, square: 3, sqrt: 4 };
const UNARY_GRAD: Partial<Record<UnaryOp, number>> = { relu: 0, neg: 1 };

/** Below this many outputs per wasm call, a strided (≥ 3-D) binary op stays in the reference kernel. */
const MIN_BLOCK = 64;

/** y = f(x) elementwise (`Kernels.unary`). */
export function unary(op: UnaryOp, x: View, params: UnaryParams, outDtype: DType): TypedArray {
  const code = UNARY[op];
  if (code === undefined || !float32Only(outDtype, x)) return refKernels.unary(op, x, params, outDtype);
  const n = numel(x.shape);
  const rt = wasmRuntime();
  const at = layout(rt, n);
  if (!at) return refKernels.unary(op, x, params, outDtype);
  const [xAt] = at;
  const heap = rt.f32();
  putDense(x, heap, xAt / 4);
  rt.elementwise.unary(code, n, xAt, xAt);
  return heap.slice(xAt / 4, xAt / 4 + n);
}

/** g · f′(x) elementwise (`Kernels.unaryGrad`). */
export function unaryGrad(op: UnaryOp, x: View, g: View, params: UnaryParams, outDtype: DType): TypedArray {
  const code = UNARY_GRAD[op];
  if (code === undefined || !float32Only(outDtype, x, g)) return refKernels.unaryGrad(op, x, g, params, outDtype);
  const n = numel(x.shape);
  const rt = wasmRuntime();
  const at = layout(rt, n, n);
  if (!at) return refKernels.unaryGrad(op, x, g, params, outDtype);
  const [xAt, gAt] = at;
  const heap = rt.f32();
  putDense(x, heap, xAt / 4);
  putDense(g, heap, gAt / 4);
  rt.elementwise.unaryGrad(code, n, xAt, gAt, gAt);
  return heap.slice(gAt / 4, gAt / 4 + n);
}

/** a ∘ b for a and b broadcast to `shape` (`Kernels.binary`). */
export function binary(op: BinaryOp, a: View, b: View, shape: Shape, outDtype: DType): TypedArray {
  const code = BINARY[op];
  const fallback = () => refKernels.binary(op, a, b, shape, outDtype);
  if (code === undefined || !float32Only(outDtype, a, b)) return fallback();
  const n = numel(shape);
  if (n === 0) return new Float32Array(0);
  // Merged dims: [...outer, rows, cols]; the innermost stride of each operand must be 0 or 1.
  const c = coalesce(shape, [a.strides, b.strides]);
  const nd = c.shape.length;
  const dim = (k: number): { size: number; sa: number; sb: number } =>
    nd > k ? { size: c.shape[nd - 1 - k], sa: c.strides[0][nd - 1 - k], sb: c.strides[1][nd - 1 - k] } : { size: 1, sa: 0, sb: 0 };
  const inner = dim(0), rowDim = dim(1);
  if (inner.sa > 1 || inner.sa < 0 || inner.sb > 1 || inner.sb < 0) return fallback();
  const block = inner.size * rowDim.size;
  if (nd > 2 && block < MIN_BLOCK) return fallback();
  const sa = compactSpan(a, n), sb = compactSpan(b, n);
  if (!sa || !sb) return fallback();

  const rt = wasmRuntime();
  const at = layout(rt, sa.hi - sa.lo + 1, sb.hi - sb.lo + 1, n);
  if (!at) return fallback();
  const [aAt, bAt, outAt] = at;
  const heap = rt.f32();
  heap.set(a.data.subarray(sa.lo, sa.hi + 1), aAt / 4);
  heap.set(b.data.subarray(sb.lo, sb.hi + 1), bAt / 4);
  // Byte addresses of element 0 of each operand.
  const a0 = aAt + (a.offset - sa.lo) * 4, b0 = bAt + (b.offset - sb.lo) * 4;
  const run = (offA: number, offB: number, out: number) =>
    rt.elementwise.binary(code, rowDim.size, inner.size, a0 + offA * 4, rowDim.sa, inner.sa, b0 + offB * 4, rowDim.sb, inner.sb, out, rt.scratch);
  if (nd <= 2) {
    run(0, 0, outAt);
  } else {
    // Odometer over the outer dims, one rows×cols block per step.
    const outer = c.shape.slice(0, nd - 2);
    const idx = new Array<number>(outer.length).fill(0);
    let offA = 0, offB = 0;
    for (let blockStart = 0; blockStart < n; blockStart += block) {
      run(offA, offB, outAt + blockStart * 4);
      for (let d = outer.length - 1; d >= 0; d--) {
        offA += c.strides[0][d];
        offB += c.strides[1][d];
        if (++idx[d] < outer[d]) break;
        offA -= c.strides[0][d] * outer[d];
        offB -= c.strides[1][d] * outer[d];
        idx[d] = 0;
      }
    }
  }
  return heap.slice(outAt / 4, outAt / 4 + n);
}
