/**
 * Strided iteration shared by the reference kernels: walk several views of one shape in
 * row-major order, one innermost row at a time, after merging dimensions that are laid out
 * contiguously in every view (so dense tensors become a single row).
 */
import type { Shape } from "../../tensor/shape.js";

/** Merges adjacent dims that are contiguous with respect to each other in all stride lists. */
export function coalesce(shape: Shape, strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, t) => outStrides[t][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      strides.forEach((s, t) => (outStrides[t][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, t) => outStrides[t].push(s[d]));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls `row(offsets, length, innerStrides)` once per innermost row of `shape`, where
 * offsets[t] is where view t's row starts. `offsets` is reused between calls.
 */
export function forEachRow(
  shape: Shape,
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
  row: (offsets: number[], length: number, innerStrides: number[]) => void,
): void {
  if (shape.some((d) => d === 0)) return;
  const c = coalesce(shape, strides);
  const nd = c.shape.length;
  const offs = offsets.slice();
  if (nd === 0) {
    row(offs, 1, strides.map(() => 0));
    return;
  }
  const len = c.shape[nd - 1];
  const inner = c.strides.map((s) => s[nd - 1]);
  const idx = new Array<number>(nd).fill(0);
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= c.shape[d];
  const k = strides.length;
  for (let r = 0; r < rows; r++) {
    row(offs, len, inner);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      for (let t = 0; t < k; t++) offs[t] += c.strides[t][d];
      if (idx[d] < c.shape[d]) break;
      for (let t = 0; t < k; t++) offs[t] -= c.strides[t][d] * c.shape[d];
      idx[d] = 0;
    }
  }
}
