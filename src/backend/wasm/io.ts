/**
 * Moving kernel operands across the JS/wasm boundary, shared by the wasm kernels: which views
 * the float32 kernels take, dense copies of views into wasm memory, running a task on such
 * copies, and the 2-D window geometry as kernel arguments.
 */
import type { View, WindowGeometry } from "../backend.js";
import type { DType } from "../../tensor/dtype.js";
import { isContiguous, numel } from "../../tensor/shape.js";
import { forEachRow } from "../ref/strided.js";
import { layout, wasmRuntime, type Window2d } from "./loader.js";
import { runTask } from "./thread-pool.js";
import type { TaskName } from "./tasks.js";

/** True when a kernel may run in float32 wasm: float32 output and float32 storage in every operand. */
export function float32Only(outDtype: DType, ...views: View[]): boolean {
  return outDtype === "float32" && views.every((v) => v.data instanceof Float32Array);
}

/** True when v is laid out densely in row-major order (size-1 dims may have any stride). */
export function isDense(v: View): boolean {
  return isContiguous(v.shape, v.strides);
}

/**
 * Writes v's elements in row-major order into `heap` from element index `at` (numbers are
 * converted by assignment, so int32 indices land in an Int32Array as is). One bulk copy when v
 * is dense, else one strided row at a time.
 */
export function putDense(v: View, heap: Float32Array | Int32Array, at: number): void {
  const n = numel(v.shape);
  if (n === 0) return;
  if (isDense(v)) {
    heap.set(v.data.subarray(v.offset, v.offset + n), at);
    return;
  }
  const d = v.data;
  let o = at;
  forEachRow(v.shape, [v.strides], [v.offset], (offs, len, [s]) => {
    for (let k = 0, i = offs[0]; k < len; k++, i += s) heap[o++] = d[i];
  });
}

/**
 * Copies a and b (and `extra`, if given) densely into wasm memory, lays out `size` floats of
 * result and `scratch` floats of scratch, runs `task` in up to `parts` parts with the arguments
 * `args` makes of the byte addresses [a, b, result, scratch, extra] (extra 0 when not given),
 * and returns a copy of the result; null when the memory cannot grow that far (callers then use
 * the reference kernel).
 */
export function runOnCopies(
  task: TaskName, a: View, b: View, size: number, scratch: number, args: (at: readonly number[]) => number[], parts: number,
  extra: View | null = null,
): Float32Array | null {
  const rt = wasmRuntime();
  const at = layout(rt, numel(a.shape), numel(b.shape), size, scratch, extra ? numel(extra.shape) : 0);
  if (!at) return null;
  const heap = rt.f32();
  putDense(a, heap, at[0] / 4);
  putDense(b, heap, at[1] / 4);
  if (extra) putDense(extra, heap, at[4] / 4);
  else at[4] = 0;
  runTask(task, args(at), parts);
  return rt.f32().slice(at[2] / 4, at[2] / 4 + size);
}

/** Element index range [lo, hi] of storage that a non-empty view touches. */
export function span(v: View): { lo: number; hi: number } {
  let lo = v.offset, hi = v.offset;
  for (let d = 0; d < v.shape.length; d++) {
    const ext = (v.shape[d] - 1) * v.strides[d];
    if (ext < 0) lo += ext;
    else hi += ext;
  }
  return { lo, hi };
}

/**
 * v's storage span [lo, hi], or null when it is much larger than v's n elements (a thin slice
 * of big storage), where copying the span into wasm memory would cost more than it saves.
 */
export function compactSpan(v: View, n: number): { lo: number; hi: number } | null {
  const s = span(v);
  return s.hi - s.lo + 1 <= 2 * n + 4096 ? s : null;
}

/** The geometry arguments of the 2-D window kernels for an input plane H×W. */
export function window2d(inSpatial: readonly number[], geom: WindowGeometry): Window2d {
  return [
    inSpatial[0], inSpatial[1], geom.kernel[0], geom.kernel[1], geom.stride[0], geom.stride[1],
    geom.padding[0], geom.padding[1], geom.dilation[0], geom.dilation[1], geom.outSize[0], geom.outSize[1],
  ];
}

/**
 * A 1-D operand [A, B, L] as the 2-D [A, B, 1, L]: the same elements, so a 2-D kernel's result
 * (and a pooling winner's flat index within its plane) is the 1-D one.
 */
export function lift1d(v: View): View {
  const [a, b, l] = v.shape;
  const [sa, sb, sl] = v.strides;
  return { data: v.data, shape: [a, b, 1, l], strides: [sa, sb, sl * l, sl], offset: v.offset };
}

/** A 1-D window as the 2-D window over `lift1d`ed operands: 1 high, no padding on the new axis. */
export function liftWindow<G extends WindowGeometry>(g: G): G {
  const pair = (first: number, v: readonly number[]) => [first, v[0]];
  return {
    ...g, kernel: pair(1, g.kernel), stride: pair(1, g.stride), padding: pair(0, g.padding), dilation: pair(1, g.dilation), outSize: pair(1, g.outSize),
  };
}
