/**
 * Reductions over any set of axes with keepdim: sum, mean, max/min (with indices along one
 * axis), argmax/argmin, var/std with a correction, logsumexp.
 */
import { Tensor } from "../tensor/tensor.js";
import { attach } from "../autograd/engine.js";
import { kernels } from "../backend/registry.js";
import { arithmeticType, isFloat } from "../tensor/dtype.js";
import { normalizeAxes, normalizeAxis, numel } from "../tensor/shape.js";
import { ValueError, fmtShape } from "../errors.js";
import { fromKernel } from "./util.js";
import { reshape, expand } from "./movement.js";
import { div, eq, exp, log, mul, sub, add, where, square } from "./elementwise.js";

/** Axes to reduce: a dim, a list of dims, or undefined for all. */
export type Dims = number | readonly number[] | undefined;

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function dropped(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.filter((_, i) => !axes.includes(i));
}

/** Sum over dims (all by default). Integer and bool inputs sum as int32. */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normalizeAxes("sum", dim, x.ndim);
  const kept = keptShape(x.shape, axes);
  const out = fromKernel(kernels().reduce("sum", x, axes, arithmeticType(x.dtype)), keepdim ? kept : dropped(x.shape, axes));
  return attach(out, "sum", [x], (g) => [expand(reshape(g, kept), x.shape)]);
}

/** Mean over dims (all by default). */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normalizeAxes("mean", dim, x.ndim);
  const count = numel(axes.map((a) => x.shape[a]));
  const s = sum(isFloat(x.dtype) ? x : x.to("float32"), axes, keepdim);
  return div(s, count);
}

/** Result of a reduction along one dim that also reports where the extreme was. */
export interface ValuesIndices {
  values: Tensor;
  /** int32 positions along the reduced dim. */
  indices: Tensor;
}

function extreme(op: "max" | "min", x: Tensor, dim: number | undefined, keepdim: boolean): Tensor | ValuesIndices {
  if (x.size === 0) throw new ValueError(`${op}: cannot reduce an empty tensor of shape ${fmtShape(x.shape)}`);
  if (dim === undefined) {
    // Full reduction: the gradient is shared evenly among tied extremes, as in PyTorch.
    const all = normalizeAxes(op, undefined, x.ndim);
    const out = fromKernel(kernels().reduce(op, x, all, x.dtype), []);
    return attach(out, op, [x], (g) => {
      const mask = eq(x, out);
      return [mul(div(mask, sum(mask)), g)];
    });
  }
  const a = normalizeAxis(op, dim, x.ndim);
  const { values, indices } = kernels().argReduce(op, x, a);
  const kept = keptShape(x.shape, [a]);
  const shape = keepdim ? kept : dropped(x.shape, [a]);
  const idx = fromKernel(indices, shape);
  const vals = attach(fromKernel(values, shape), op, [x], (g) => [
    fromKernel(kernels().scatterAdd(x.shape, a, reshape(idx, kept), reshape(g, kept), g.dtype), x.shape),
  ]);
  return { values: vals, indices: idx };
}

/** Largest element (no dim), or the largest along `dim` with its indices. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return extreme("max", x, dim, keepdim);
}

/** Smallest element (no dim), or the smallest along `dim` with its indices. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return extreme("min", x, dim, keepdim);
}

/** Index of the largest element along dim (of the flattened tensor when dim is omitted). */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) return extremeIndex("max", reshape(x, [-1]), 0, false);
  return extremeIndex("max", x, dim, keepdim);
}

/** Index of the smallest element along dim (of the flattened tensor when dim is omitted). */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) return extremeIndex("min", reshape(x, [-1]), 0, false);
  return extremeIndex("min", x, dim, keepdim);
}

function extremeIndex(op: "max" | "min", x: Tensor, dim: number, keepdim: boolean): Tensor {
  return (extreme(op, x, dim, keepdim) as ValuesIndices).indices;
}

/** Options of var/std. */
export interface VarOptions {
  /** Subtracted from the count in the divisor: 1 = unbiased (default), 0 = biased (population). */
  correction?: number;
  keepdim?: boolean;
}

/** Variance over dims with Bessel's correction by default (divisor N − correction). */
export function variance(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  const { correction = 1, keepdim = false } = options;
  const axes = normalizeAxes("var", dim, x.ndim);
  const n = numel(axes.map((a) => x.shape[a]));
  const centered = sub(x, mean(x, axes, true));
  return div(sum(square(centered), axes, keepdim), Math.max(n - correction, 0));
}

/** Standard deviation: sqrt of `variance`. */
export function std(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  return variance(x, dim, options).sqrt();
}

/** log Σ exp(x) over dims, computed stably (the max is subtracted first). */
export function logsumexp(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normalizeAxes("logsumexp", dim, x.ndim);
  const m = fromKernel(kernels().reduce("max", x, axes, x.dtype), keptShape(x.shape, axes));
  // An all −inf (or inf) slice must not produce inf − inf = NaN inside the exp.
  const shift = where(m.isFinite(), m, 0);
  const s = add(log(sum(exp(sub(x, shift)), axes, true)), shift);
  return keepdim ? s : reshape(s, dropped(x.shape, axes));
}

/** Sums x down to `shape` (the adjoint of broadcasting `shape` to x.shape). */
export function sumToShape(x: Tensor, shape: readonly number[]): Tensor {
  const lead = x.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  }
  return reshape(axes.length ? sum(x, axes, true) : x, shape);
}
