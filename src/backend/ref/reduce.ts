/** Reference reductions: sum/max/min over any axes, and arg-max/min along one axis. */
import type { ReduceOp, View } from "../backend.js";
import { allocArray, dtypeOfArray, type DType, type TypedArray } from "../../tensor/dtype.js";
import { contiguousStrides, numel } from "../../tensor/shape.js";
import { forEachRow } from "./strided.js";

const initial: Record<ReduceOp, number> = { sum: 0, max: -Infinity, min: Infinity };

export function reduce(op: ReduceOp, x: View, axes: readonly number[], outDtype: DType): TypedArray {
  const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStrides = contiguousStrides(outShape).map((s, i) => (axes.includes(i) ? 0 : s));
  // Accumulate in float64 whatever the dtype, then round once.
  const acc = new Float64Array(numel(outShape)).fill(initial[op]);
  const xd = x.data;
  forEachRow(x.shape, [x.strides, outStrides], [x.offset, 0], (offs, n, [sx, so]) => {
    let i = offs[0];
    let o = offs[1];
    for (let k = 0; k < n; k++, i += sx, o += so) {
      const v = xd[i];
      switch (op) {
        case "sum": acc[o] += v; break;
        case "max": if (v > acc[o] || Number.isNaN(v)) acc[o] = v; break;
        case "min": if (v < acc[o] || Number.isNaN(v)) acc[o] = v; break;
      }
    }
  });
  const out = allocArray(outDtype, acc.length);
  out.set(acc);
  return out;
}

export function argReduce(op: "max" | "min", x: View, axis: number): { values: TypedArray; indices: Int32Array } {
  const len = x.shape[axis];
  const step = x.strides[axis];
  const outerShape = x.shape.filter((_, i) => i !== axis);
  const outerStrides = x.strides.filter((_, i) => i !== axis);
  const values = allocArray(dtypeOfArray(x.data), numel(outerShape));
  const indices = new Int32Array(values.length);
  const xd = x.data;
  const better = op === "max" ? (v: number, best: number) => v > best : (v: number, best: number) => v < best;
  let o = 0;
  forEachRow(outerShape, [outerStrides], [x.offset], (offs, n, [s]) => {
    for (let k = 0, base = offs[0]; k < n; k++, base += s, o++) {
      let best = xd[base];
      let arg = 0;
      for (let j = 1, i = base + step; j < len && !Number.isNaN(best); j++, i += step) {
        const v = xd[i];
        if (better(v, best) || Number.isNaN(v)) {
          best = v;
          arg = j;
        }
      }
      values[o] = best;
      indices[o] = arg;
    }
  });
  return { values, indices };
}
