/**
 * The Tensor: an n-dimensional strided view onto a typed-array storage, plus its place in the
 * autograd graph. Storage is an ordinary typed array owned by the JS garbage collector, so
 * there is nothing to dispose: a tensor nobody references is reclaimed like any object.
 * Views (reshape, permute, slice, expand, …) share storage and differ in shape/strides/offset.
 *
 * Methods are thin wrappers over the functions in `ops/`, which hold the logic.
 */
import { dtypeOfArray, allocArray, isFloat, type DType, type TypedArray } from "./dtype.js";
import { contiguousStrides, isContiguous, numel, type Shape } from "./shape.js";
import { AutogradError, DTypeError, ShapeError, fmtShape } from "../errors.js";
import { isGradEnabled, provideEngineOps, runBackward, type BackwardOptions, type GradFn } from "../autograd/engine.js";
import { formatTensor } from "./format.js";
import * as ew from "../ops/elementwise.js";
import * as mv from "../ops/movement.js";
import * as rd from "../ops/reduce.js";
import * as sm from "../ops/softmax.js";
import * as ix from "../ops/indexing.js";
import { matmul } from "../ops/matmul.js";
import { cast } from "../ops/cast.js";
import { kernels } from "../backend/registry.js";
import type { Operand } from "../ops/util.js";

/** Nested arrays of numbers, as returned by `toArray`. */
export type NestedArray = number | NestedArray[];

export class Tensor {
  /** Storage (shared by views; may hold more elements than this tensor). */
  readonly data: TypedArray;
  readonly shape: Shape;
  readonly strides: readonly number[];
  /** Index in `data` of element (0, 0, …). */
  readonly offset: number;
  readonly dtype: DType;
  /** Gradient accumulated by `backward` (leaves, or tensors that called `retainGrad`). */
  grad: Tensor | null = null;
  /** How this tensor was computed, when it is part of a graph; null for leaves. */
  gradFn: GradFn | null = null;
  /** Whether a non-leaf keeps its `.grad` during backward (see `retainGrad`). */
  retainsGrad = false;
  private _requiresGrad = false;

  /** Low-level constructor; use `tensor()`, `zeros()`, … to create tensors. */
  constructor(data: TypedArray, shape: Shape, strides: readonly number[] = contiguousStrides(shape), offset = 0) {
    this.data = data;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.dtype = dtypeOfArray(data);
  }

  /** A 0-d tensor holding one number. */
  static scalar(value: number, dtype: DType = "float32"): Tensor {
    const data = allocArray(dtype, 1);
    data[0] = value;
    return new Tensor(data, [], []);
  }

  /** Whether gradients are computed for this tensor. Only floating tensors can require grad. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(flag: boolean) {
    if (flag && !isFloat(this.dtype)) {
      throw new DTypeError(`requiresGrad: only floating-point tensors can require gradients, got ${this.dtype}`);
    }
    if (!flag && this.gradFn) throw new AutogradError("requiresGrad: cannot turn off on a non-leaf tensor; use detach()");
    this._requiresGrad = flag;
  }

  /** Sets requiresGrad in place and returns this (like PyTorch's `requires_grad_`). */
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  /** True for tensors created by the user (not by a recorded op). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** Keep `.grad` for this non-leaf tensor during backward. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return numel(this.shape);
  }
  /** Transpose of the last two dims (`x.mT` in PyTorch). */
  get mT(): Tensor {
    return mv.transpose(this, -2, -1);
  }

  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  // ---- autograd ----

  /**
   * Backpropagates from this tensor: fills `.grad` of every leaf that requires grad.
   * A non-scalar tensor needs an upstream `grad` of its own shape. The graph is freed
   * afterwards unless `retainGraph` is set.
   */
  backward(grad?: Tensor, options?: BackwardOptions): void {
    runBackward(this, grad, options);
  }

  /** The same data, cut from the graph (shares storage, does not require grad). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, this.strides, this.offset);
  }

  // ---- reading values ----

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`item: tensor of shape ${fmtShape(this.shape)} has ${this.size} elements, expected 1`);
    return this.data[this.offset];
  }

  /** The elements in row-major order as a dense typed array (a copy unless already dense). */
  toTypedArray(): TypedArray {
    if (this.isContiguous()) return this.data.subarray(this.offset, this.offset + this.size);
    const out = new Tensor(allocArray(this.dtype, this.size), this.shape);
    kernels().copy(this, out);
    return out.data;
  }

  /** The elements as nested JS arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const flat = Array.from(this.toTypedArray());
    if (this.ndim === 0) return flat[0];
    let at = 0;
    const build = (d: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[d]; i++) out.push(d === this.ndim - 1 ? flat[at++] : build(d + 1));
      return out;
    };
    return build(0);
  }

  toString(): string {
    return formatTensor(this);
  }

  /** Node's console.log uses this. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return formatTensor(this);
  }

  // ---- in-place (no autograd; for initializers and optimizers) ----

  private checkInPlace(op: string): void {
    if (this.requiresGrad && isGradEnabled()) {
      throw new AutogradError(`${op}: in-place operation on a tensor that requires grad; wrap it in noGrad(() => …)`);
    }
  }

  /** Copies `src` (broadcast to this shape) into this tensor's elements. */
  copy_(src: Tensor): this {
    this.checkInPlace("copy_");
    kernels().copy(src.expand(this.shape as number[]), this);
    return this;
  }

  /** Sets every element to `value`. */
  fill_(value: number): this {
    this.checkInPlace("fill_");
    kernels().copy(Tensor.scalar(value, this.dtype).expand(this.shape as number[]), this);
    return this;
  }

  /** Sets every element to 0. */
  zero_(): this {
    return this.fill_(0);
  }

  // ---- ops (see the functions in ops/ for documentation) ----

  add(other: Operand): Tensor { return ew.add(this, other); }
  sub(other: Operand): Tensor { return ew.sub(this, other); }
  mul(other: Operand): Tensor { return ew.mul(this, other); }
  div(other: Operand): Tensor { return ew.div(this, other); }
  pow(exponent: Operand): Tensor { return ew.pow(this, exponent); }
  maximum(other: Operand): Tensor { return ew.maximum(this, other); }
  minimum(other: Operand): Tensor { return ew.minimum(this, other); }
  eq(other: Operand): Tensor { return ew.eq(this, other); }
  ne(other: Operand): Tensor { return ew.ne(this, other); }
  lt(other: Operand): Tensor { return ew.lt(this, other); }
  le(other: Operand): Tensor { return ew.le(this, other); }
  gt(other: Operand): Tensor { return ew.gt(this, other); }
  ge(other: Operand): Tensor { return ew.ge(this, other); }
  neg(): Tensor { return ew.neg(this); }
  abs(): Tensor { return ew.abs(this); }
  sign(): Tensor { return ew.sign(this); }
  exp(): Tensor { return ew.exp(this); }
  log(): Tensor { return ew.log(this); }
  sqrt(): Tensor { return ew.sqrt(this); }
  rsqrt(): Tensor { return ew.rsqrt(this); }
  reciprocal(): Tensor { return ew.reciprocal(this); }
  square(): Tensor { return ew.square(this); }
  sin(): Tensor { return ew.sin(this); }
  cos(): Tensor { return ew.cos(this); }
  tanh(): Tensor { return ew.tanh(this); }
  sigmoid(): Tensor { return ew.sigmoid(this); }
  relu(): Tensor { return ew.relu(this); }
  clamp(min?: number, max?: number): Tensor { return ew.clamp(this, min, max); }
  /** True where the element is neither infinite nor NaN. */
  isFinite(): Tensor { return ew.lt(ew.abs(this), Infinity); }
  /** True where the element is NaN. */
  isNaN(): Tensor { return ew.ne(this, this); }

  sum(dim?: rd.Dims, keepdim = false): Tensor { return rd.sum(this, dim, keepdim); }
  mean(dim?: rd.Dims, keepdim = false): Tensor { return rd.mean(this, dim, keepdim); }
  max(): Tensor;
  max(dim: number, keepdim?: boolean): rd.ValuesIndices;
  max(dim?: number, keepdim = false): Tensor | rd.ValuesIndices { return dim === undefined ? rd.max(this) : rd.max(this, dim, keepdim); }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): rd.ValuesIndices;
  min(dim?: number, keepdim = false): Tensor | rd.ValuesIndices { return dim === undefined ? rd.min(this) : rd.min(this, dim, keepdim); }
  argmax(dim?: number, keepdim = false): Tensor { return rd.argmax(this, dim, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return rd.argmin(this, dim, keepdim); }
  var(dim?: rd.Dims, options?: rd.VarOptions): Tensor { return rd.variance(this, dim, options); }
  std(dim?: rd.Dims, options?: rd.VarOptions): Tensor { return rd.std(this, dim, options); }
  logsumexp(dim?: rd.Dims, keepdim = false): Tensor { return rd.logsumexp(this, dim, keepdim); }
  softmax(dim = -1): Tensor { return sm.softmax(this, dim); }
  logSoftmax(dim = -1): Tensor { return sm.logSoftmax(this, dim); }

  matmul(other: Tensor): Tensor { return matmul(this, other); }

  reshape(...shape: number[] | [readonly number[]]): Tensor { return mv.reshape(this, flatArgs(shape)); }
  view(...shape: number[] | [readonly number[]]): Tensor { return mv.view(this, flatArgs(shape)); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return mv.permute(this, flatArgs(dims)); }
  transpose(dim0: number, dim1: number): Tensor { return mv.transpose(this, dim0, dim1); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return mv.expand(this, flatArgs(shape)); }
  /** Broadcasts to the shape of `other`. */
  expandAs(other: Tensor): Tensor { return mv.expand(this, other.shape); }
  squeeze(dim?: number): Tensor { return mv.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return mv.unsqueeze(this, dim); }
  flatten(startDim = 0, endDim = -1): Tensor { return mv.flatten(this, startDim, endDim); }
  slice(dim: number, start?: number, end?: number, step?: number): Tensor { return mv.slice(this, dim, start, end, step); }
  narrow(dim: number, start: number, length: number): Tensor { return mv.narrow(this, dim, start, length); }
  select(dim: number, index: number): Tensor { return mv.select(this, dim, index); }
  split(sizes: number | readonly number[], dim = 0): Tensor[] { return mv.split(this, sizes, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return mv.chunk(this, chunks, dim); }
  contiguous(): Tensor { return mv.contiguous(this); }
  clone(): Tensor { return mv.clone(this); }
  gather(dim: number, index: Tensor): Tensor { return ix.gather(this, dim, index); }
  indexSelect(dim: number, index: Tensor): Tensor { return ix.indexSelect(this, dim, index); }

  /** A copy in another dtype (this tensor itself when the dtype already matches). */
  to(dtype: DType): Tensor { return cast(this, dtype); }
  float(): Tensor { return cast(this, "float32"); }
  double(): Tensor { return cast(this, "float64"); }
  int(): Tensor { return cast(this, "int32"); }
}

/** Accepts both f(2, 3) and f([2, 3]). */
function flatArgs(args: number[] | [readonly number[]]): readonly number[] {
  return Array.isArray(args[0]) ? (args[0] as readonly number[]) : (args as number[]);
}

provideEngineOps({
  onesLike: (t) => new Tensor(allocArray(t.dtype, t.size).fill(1), t.shape),
  add: (a, b) => ew.add(a, b),
  sumToShape: (t, shape) => rd.sumToShape(t, shape),
  clone: (t) => mv.clone(t).detach(),
});
