/**
 * Shape and layout ops. reshape/permute/transpose/expand/squeeze/unsqueeze/slice are views:
 * they share storage and copy nothing (reshape copies only when the strides make a view
 * impossible, as in PyTorch). cat/stack/pad allocate.
 */
import { Tensor } from "../tensor/tensor.js";
import { attach } from "../autograd/engine.js";
import { kernels } from "../backend/registry.js";
import { allocArray, promoteTypes } from "../tensor/dtype.js";
import { contiguousStrides, isContiguous, normalizeAxis, numel, shapesEqual, type Shape } from "../tensor/shape.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { fromKernel } from "./util.js";

/** A view sharing x's storage (internal: no checks). */
function makeView(x: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
  return new Tensor(x.data, shape, strides, offset);
}

/** Returns x itself when contiguous, else a dense copy (differentiable). */
export function contiguous(x: Tensor): Tensor {
  if (isContiguous(x.shape, x.strides)) return x;
  return clone(x);
}

/** A dense copy that does not share storage with x (differentiable). */
export function clone(x: Tensor): Tensor {
  const out = fromKernel(allocArray(x.dtype, x.size), x.shape);
  kernels().copy(x, out);
  return attach(out, "clone", [x], (g) => [g]);
}

/** Resolves one -1 in a target shape and checks the element count. */
function inferShape(op: string, from: Shape, to: readonly number[]): number[] {
  const n = numel(from);
  const free = to.indexOf(-1);
  if (to.lastIndexOf(-1) !== free) throw new ShapeError(`${op}: only one dimension can be -1, got ${fmtShape(to)}`);
  const known = to.reduce((p, d, i) => (i === free ? p : p * d), 1);
  const shape = [...to];
  if (free >= 0) {
    if (known === 0 || n % known !== 0) throw new ShapeError(`${op}: shape ${fmtShape(to)} is invalid for input of size ${n} (shape ${fmtShape(from)})`);
    shape[free] = n / known;
  }
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || numel(shape) !== n) {
    throw new ShapeError(`${op}: shape ${fmtShape(to)} is invalid for input of size ${n} (shape ${fmtShape(from)})`);
  }
  return shape;
}

/** Strides that let `shape` view the same elements as (oldShape, oldStrides), or null (PyTorch's rule). */
function viewStrides(oldShape: Shape, oldStrides: readonly number[], shape: Shape): number[] | null {
  if (numel(oldShape) === 0) return contiguousStrides(shape);
  const strides = new Array<number>(shape.length);
  // Walk chunks of old dims that are contiguous among themselves; each chunk maps to new dims.
  let viewD = shape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d];
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        strides[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) {
    for (; viewD >= 0; viewD--) if (shape[viewD] === 1) strides[viewD] = 1; else return null;
  }
  return strides;
}

/** Same elements, new shape (one dim may be -1). A view when possible, else a copy. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape("reshape", x.shape, shape);
  if (shapesEqual(target, x.shape)) return x;
  const strides = viewStrides(x.shape, x.strides, target);
  const src = strides ? x : contiguous(x);
  const out = makeView(src, target, strides ?? contiguousStrides(target), src.offset);
  return attach(out, "reshape", [src], (g) => [reshape(g, src.shape)]);
}

/** Like reshape but never copies: throws when the strides make a view impossible. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape("view", x.shape, shape);
  const strides = viewStrides(x.shape, x.strides, target);
  if (!strides) {
    throw new ShapeError(`view: shape ${fmtShape(target)} is not compatible with the strides of a ${fmtShape(x.shape)} tensor; use reshape (or contiguous first)`);
  }
  return attach(makeView(x, target, strides, x.offset), "view", [x], (g) => [reshape(g, x.shape)]);
}

/** Reorders dimensions: result dim i is x's dim dims[i]. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const nd = x.ndim;
  const axes = dims.map((d) => normalizeAxis("permute", d, nd));
  if (axes.length !== nd || new Set(axes).size !== nd) {
    throw new ShapeError(`permute: dims [${dims.join(",")}] are not a permutation of the ${nd} dims of a ${fmtShape(x.shape)} tensor`);
  }
  const out = makeView(x, axes.map((a) => x.shape[a]), axes.map((a) => x.strides[a]), x.offset);
  const inverse = new Array<number>(nd);
  axes.forEach((a, i) => (inverse[a] = i));
  return attach(out, "permute", [x], (g) => [permute(g, inverse)]);
}

/** Swaps two dimensions. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeAxis("transpose", dim0, x.ndim);
  const b = normalizeAxis("transpose", dim1, x.ndim);
  const dims = Array.from({ length: x.ndim }, (_, i) => i);
  [dims[a], dims[b]] = [dims[b], dims[a]];
  return permute(x, dims);
}

/**
 * Broadcasts x to `shape` without copying (stride 0 on expanded dims). New leading dims may be
 * added; -1 keeps a dim. The backward sum is done by the engine's un-broadcast.
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) throw new ShapeError(`expand: target ${fmtShape(shape)} has fewer dims than the ${fmtShape(x.shape)} tensor`);
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
  if (target.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`expand: invalid target ${fmtShape(shape)} for a ${fmtShape(x.shape)} tensor (-1 only keeps an existing dim)`);
  }
  const strides = target.map((d, i) => {
    if (i < lead) return 0;
    const src = x.shape[i - lead];
    if (src === d) return x.strides[i - lead];
    if (src === 1) return 0;
    throw new ShapeError(`expand: cannot expand ${fmtShape(x.shape)} to ${fmtShape(shape)} (dim ${i}: ${src} vs ${d})`);
  });
  if (shapesEqual(target, x.shape)) return x;
  return attach(makeView(x, target, strides, x.offset), "expand", [x], (g) => [g]);
}

/** Removes size-1 dims (all of them, or only `dim`). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normalizeAxis("squeeze", dim, x.ndim);
  if (x.shape[a] !== 1) return x;
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

/** Position of a dim inserted into `shape` (−1 = last); the message names the input's own rank. */
function newAxis(op: string, dim: number, shape: Shape): number {
  const n = shape.length + 1;
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new ValueError(`${op}: dim ${dim} is out of range [${-n}, ${n - 1}] for inserting a dim into a ${fmtShape(shape)} tensor`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Inserts a size-1 dim at `dim` (negative counts from the end of the result). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const a = newAxis("unsqueeze", dim, x.shape);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** Flattens dims start..end (inclusive) into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeAxis("flatten", startDim, x.ndim);
  const e = normalizeAxis("flatten", endDim, x.ndim);
  if (s > e) throw new ValueError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/**
 * Elements start, start+step, … below end along `dim` (Python slice semantics: negative
 * indices count from the end, bounds are clamped). A view.
 */
export function slice(x: Tensor, dim: number, start = 0, end = Infinity, step = 1): Tensor {
  const a = normalizeAxis("slice", dim, x.ndim);
  if (!Number.isInteger(step) || step <= 0) throw new ValueError(`slice: step must be a positive integer, got ${step}`);
  const n = x.shape[a];
  const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clampIdx(start);
  const e = Math.max(clampIdx(end), s);
  const len = Math.ceil((e - s) / step);
  const shape = [...x.shape];
  shape[a] = len;
  const strides = [...x.strides];
  strides[a] = x.strides[a] * step;
  const out = makeView(x, shape, strides, x.offset + s * x.strides[a]);
  return attach(out, "slice", [x], (g) => {
    const gx = fromKernel(allocArray(g.dtype, x.size), x.shape);
    kernels().copy(g, slice(gx, a, s, e, step));
    return [gx];
  });
}

/** Elements [start, start+length) along dim (a view). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const a = normalizeAxis("narrow", dim, x.ndim);
  if (start < 0 || length < 0 || start + length > x.shape[a]) {
    throw new ValueError(`narrow: range [${start}, ${start + length}) is out of bounds for dim ${dim} of size ${x.shape[a]}`);
  }
  return slice(x, a, start, start + length);
}

/** The slice at `index` along `dim`, with that dim removed (a view). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const a = normalizeAxis("select", dim, x.ndim);
  const n = x.shape[a];
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new ValueError(`select: index ${index} is out of range for dim ${dim} of size ${n}`);
  }
  return squeeze(slice(x, a, index < 0 ? index + n : index, (index < 0 ? index + n : index) + 1), a);
}

/** Joins tensors along an existing dim; all other dims must match. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError("cat: expected a non-empty list of tensors");
  const first = tensors[0];
  if (first.ndim === 0) throw new ShapeError("cat: zero-dimensional tensors cannot be concatenated; use stack");
  const a = normalizeAxis("cat", dim, first.ndim);
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(`cat: shapes ${tensors.map((u) => fmtShape(u.shape)).join(", ")} do not match outside dim ${a}`);
    }
  }
  const shape = [...first.shape];
  shape[a] = tensors.reduce((s, t) => s + t.shape[a], 0);
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  const out = fromKernel(allocArray(dtype, numel(shape)), shape);
  let at = 0;
  const starts: number[] = [];
  for (const t of tensors) {
    starts.push(at);
    kernels().copy(t, slice(out, a, at, at + t.shape[a]));
    at += t.shape[a];
  }
  return attach(out, "cat", tensors, (g) => tensors.map((t, i) => slice(g, a, starts[i], starts[i] + t.shape[a])));
}

/** Joins same-shape tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError("stack: expected a non-empty list of tensors");
  const shape = tensors[0].shape;
  if (tensors.some((t) => !shapesEqual(t.shape, shape))) {
    throw new ShapeError(`stack: all tensors must have the same shape, got ${tensors.map((t) => fmtShape(t.shape)).join(", ")}`);
  }
  const a = newAxis("stack", dim, shape);
  return cat(tensors.map((t) => unsqueeze(t, a)), a);
}

/** Splits along dim into pieces of `size` (last may be smaller) or of the given sizes (views). */
export function split(x: Tensor, sizes: number | readonly number[], dim = 0): Tensor[] {
  const a = normalizeAxis("split", dim, x.ndim);
  const n = x.shape[a];
  let list: number[];
  if (typeof sizes === "number") {
    if (!Number.isInteger(sizes) || sizes <= 0) throw new ValueError(`split: size must be a positive integer, got ${sizes}`);
    list = [];
    for (let i = 0; i < n; i += sizes) list.push(Math.min(sizes, n - i));
  } else {
    list = [...sizes];
    if (list.some((v) => !Number.isInteger(v) || v < 0)) throw new ValueError(`split: sizes must be non-negative integers, got [${list.join(",")}]`);
    const total = list.reduce((s, v) => s + v, 0);
    if (total !== n) throw new ShapeError(`split: sizes [${list.join(",")}] sum to ${total}, but dim ${dim} has size ${n}`);
  }
  let at = 0;
  return list.map((len) => {
    const piece = slice(x, a, at, at + len);
    at += len;
    return piece;
  });
}

/** Splits into `chunks` nearly equal pieces along dim (as torch.chunk). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  const a = normalizeAxis("chunk", dim, x.ndim);
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ValueError(`chunk: chunks must be a positive integer, got ${chunks}`);
  return split(x, Math.max(1, Math.ceil(x.shape[a] / chunks)), a);
}

/**
 * Constant padding. `pads` lists (before, after) pairs starting from the LAST dim, as
 * torch.nn.functional.pad: [left, right, top, bottom, …].
 */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  if (pads.length % 2 !== 0 || pads.length / 2 > x.ndim) {
    throw new ValueError(`pad: expected an even number of pads for at most ${x.ndim} dims, got [${pads.join(",")}]`);
  }
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) throw new ValueError(`pad: pads must be non-negative integers, got [${pads.join(",")}]`);
  const shape = [...x.shape];
  const begins = new Array<number>(x.ndim).fill(0);
  for (let i = 0; i < pads.length / 2; i++) {
    const d = x.ndim - 1 - i;
    begins[d] = pads[2 * i];
    shape[d] += pads[2 * i] + pads[2 * i + 1];
  }
  const out = fromKernel(allocArray(x.dtype, numel(shape)).fill(value), shape);
  const interior = (t: Tensor) => begins.reduce((v, b, d) => slice(v, d, b, b + x.shape[d]), t);
  kernels().copy(x, interior(out));
  return attach(out, "pad", [x], (g) => [interior(g)]);
}
