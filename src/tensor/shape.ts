/**
 * Shape arithmetic shared by every op: strides, broadcasting, axis normalization. Kept in one
 * place so that ops check shapes the same way and report them the same way.
 */
import { ShapeError, ValueError, fmtShape } from "../errors.js";

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides of a contiguous tensor. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when `strides` describe a dense row-major layout of `shape` (size-1 dims are free). */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** NumPy/PyTorch broadcasting of two or more shapes; throws naming `op` when they do not fit. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const ndim = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = ndim - s.length + i;
      const d = s[i];
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmtShape).join(" and ")} cannot be broadcast together ` +
            `(dimension ${o - ndim}: ${out[o]} vs ${d})`,
        );
      }
    }
  }
  return out;
}

/** Strides that view a tensor of `shape`/`strides` as the broadcast shape `target` (0 on expanded dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[lead + i] = shape[i] === 1 && target[lead + i] !== 1 ? 0 : strides[i];
  }
  return out;
}

/** Turns a possibly negative axis into 0..ndim-1; throws naming `op` when out of range. */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= Math.max(ndim, 1)) {
    throw new ValueError(`${op}: dim ${axis} is out of range for a tensor with ${ndim} dimensions`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Normalizes a list of axes (undefined = all), sorted and without duplicates. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, ndim: number): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  const out = [...new Set(list.map((a) => normalizeAxis(op, a, ndim)))].sort((a, b) => a - b);
  if (out.length !== list.length) throw new ValueError(`${op}: repeated dim in [${list.join(",")}]`);
  return out;
}

/** Checks that every entry of a shape is a non-negative integer. */
export function checkShape(op: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ValueError(`${op}: invalid shape ${fmtShape(shape)}`);
  }
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
