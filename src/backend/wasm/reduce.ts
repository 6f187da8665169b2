/**
 * The wasm backend's `reduce` kernel for float32 sums (assembly/reduce.ts) — e.g. the bias
 * gradients, sums over every axis but the channels — when the input's dims merge into at most
 * three; other ops, dtypes and layouts go to the reference kernel. It adds in the reference's
 * order and precision (f64, input row-major, one rounding), so the results are identical.
 */
import type { ReduceOp, View } from "../backend.js";
import { refKernels } from "../ref/index.js";
import { coalesce } from "../ref/strided.js";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { contiguousStrides, numel } from "../../tensor/shape.js";
import { layout, wasmRuntime } from "./loader.js";
import { compactSpan, float32Only } from "./io.js";

/** Reduces x over `axes`, keeping them as size 1 (`Kernels.reduce`). */
export function reduce(op: ReduceOp, x: View, axes: readonly number[], outDtype: DType): TypedArray {
  const fallback = () => refKernels.reduce(op, x, axes, outDtype);
  if (op !== "sum" || !float32Only(outDtype, x)) return fallback();
  const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStrides = contiguousStrides(outShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const n = numel(outShape);
  const size = numel(x.shape);
  if (size === 0) return new Float32Array(n);
  const c = coalesce(x.shape, [x.strides, outStrides]);
  const nd = c.shape.length;
  const sx = compactSpan(x, size);
  if (nd > 3 || !sx) return fallback();
  const rt = wasmRuntime();
  const at = layout(rt, sx.hi - sx.lo + 1, 2 * n, n);
  if (!at) return fallback();
  const [xAt, accAt, outAt] = at;
  const heap = rt.f32();
  heap.set(x.data.subarray(sx.lo, sx.hi + 1), xAt / 4);
  heap.fill(0, accAt / 4, accAt / 4 + 2 * n);
  // Pad the merged dims to three at the front (size 1, stride 0).
  const dims = [...new Array<number>(3 - nd).fill(1), ...c.shape];
  const xs = [...new Array<number>(3 - nd).fill(0), ...c.strides[0]];
  const os = [...new Array<number>(3 - nd).fill(0), ...c.strides[1]];
  const x0 = xAt + (x.offset - sx.lo) * 4;
  rt.reduce.sum3(dims[0], dims[1], dims[2], x0, xs[0], xs[1], xs[2], accAt, os[0], os[1], os[2]);
  rt.reduce.toF32(n, accAt, outAt);
  return heap.slice(outAt / 4, outAt / 4 + n);
}
