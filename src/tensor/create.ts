/**
 * Creating tensors: from nested arrays or typed arrays, constant fills, ranges, identity, and
 * random tensors drawn from a seedable generator.
 */
import { Tensor, type NestedArray } from "./tensor.js";
import { allocArray, dtypeOfArray, type DType, type TypedArray } from "./dtype.js";
import { checkShape, numel, type Shape } from "./shape.js";
import { defaultGenerator, type Generator } from "./random.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";

/** Options shared by creation functions. */
export interface CreateOptions {
  /** Element type (default float32). */
  dtype?: DType;
  /** Make the result a leaf that accumulates gradients. */
  requiresGrad?: boolean;
}

/** Options of random creation functions. */
export interface RandomOptions extends CreateOptions {
  /** Stream to draw from (default: the global one seeded by `manualSeed`). */
  generator?: Generator;
}

function finish(t: Tensor, options: CreateOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = data;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

function flattenInto(data: NestedArray, shape: readonly number[], depth: number, out: TypedArray, at: { i: number }): void {
  if (depth === shape.length) {
    if (typeof data !== "number" && typeof data !== "boolean") {
      throw new ShapeError(`tensor: expected a number at depth ${depth}, got ${Array.isArray(data) ? "an array" : typeof data}`);
    }
    out[at.i++] = Number(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new ShapeError(
      `tensor: ragged nested array: expected length ${shape[depth]} at depth ${depth}, got ${Array.isArray(data) ? data.length : "a number"} (inferred shape ${fmtShape(shape)})`,
    );
  }
  for (const item of data) flattenInto(item, shape, depth + 1, out, at);
}

/**
 * Creates a tensor from a number, nested arrays or a typed array (copied). The dtype defaults
 * to the typed array's own (Float32Array, Float64Array, Int32Array) or else float32; class
 * labels need `{ dtype: "int32" }` since JS numbers do not tell integers from floats.
 *
 * @example tensor([[1, 2], [3, 4]], { requiresGrad: true })
 */
export function tensor(data: NestedArray | ArrayLike<number>, options: CreateOptions & { shape?: Shape } = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const arr = data as unknown as TypedArray;
    const natural = arr instanceof Float32Array || arr instanceof Float64Array || arr instanceof Int32Array ? dtypeOfArray(arr) : "float32";
    const dtype = options.dtype ?? natural;
    const shape = options.shape ?? [arr.length];
    if (numel(shape) !== arr.length) throw new ShapeError(`tensor: shape ${fmtShape(shape)} needs ${numel(shape)} elements, got ${arr.length}`);
    const out = allocArray(dtype, arr.length);
    out.set(arr);
    return finish(new Tensor(out, shape), options);
  }
  const nested = data as NestedArray;
  const shape = inferShape(nested);
  const out = allocArray(options.dtype ?? "float32", numel(shape));
  flattenInto(nested, shape, 0, out, { i: 0 });
  const target = options.shape ?? shape;
  if (numel(target) !== out.length) throw new ShapeError(`tensor: shape ${fmtShape(target)} needs ${numel(target)} elements, got ${out.length}`);
  return finish(new Tensor(out, target), options);
}

/** Wraps an existing typed array without copying (the tensor and the array share memory). */
export function fromTypedArray(data: TypedArray, shape: Shape = [data.length]): Tensor {
  if (numel(shape) !== data.length) throw new ShapeError(`fromTypedArray: shape ${fmtShape(shape)} needs ${numel(shape)} elements, got ${data.length}`);
  return new Tensor(data, shape);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  checkShape("full", shape);
  return finish(new Tensor(allocArray(options.dtype ?? "float32", numel(shape)).fill(value), [...shape]), options);
}

export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return full(shape, 1, options);
}

export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, ...options });
}

export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...options });
}

export function fullLike(t: Tensor, value: number, options: CreateOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...options });
}

/**
 * Values start, start+step, … below end. `arange(5)` is [0..4]. Integer arguments give int32
 * unless a dtype is given.
 */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0) throw new ValueError("arange: step must be nonzero");
  const n = Math.max(0, Math.ceil((end - start) / step));
  const ints = [start, end, step].every(Number.isInteger);
  const out = allocArray(options.dtype ?? (ints ? "int32" : "float32"), n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return finish(new Tensor(out, [n]), options);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const out = allocArray(options.dtype ?? "float32", steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends so the last value is exactly `end`, as PyTorch does.
  const half = Math.max(1, Math.floor(steps / 2)); // ≥ 1 so that a single step is `start`
  for (let i = 0; i < steps; i++) out[i] = i < half ? start + i * delta : end - (steps - 1 - i) * delta;
  return finish(new Tensor(out, [steps]), options);
}

/** Identity matrix n × m (m defaults to n). */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  checkShape("eye", [n, m]);
  const out = allocArray(options.dtype ?? "float32", n * m);
  for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
  return finish(new Tensor(out, [n, m]), options);
}

function random(op: string, shape: Shape, options: RandomOptions, draw: (g: Generator) => number): Tensor {
  checkShape(op, shape);
  const g = options.generator ?? defaultGenerator;
  const out = allocArray(options.dtype ?? "float32", numel(shape));
  for (let i = 0; i < out.length; i++) out[i] = draw(g);
  return finish(new Tensor(out, [...shape]), options);
}

/** The largest float32 below 1. */
const FLOAT32_BELOW_ONE = 1 - 2 ** -24;

/** Uniform samples in [0, 1). */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  // A float64 draw within 2⁻²⁵ of 1 rounds to 1 in float32: cap it at the largest float32 below 1.
  const top = options.dtype === "float64" ? 1 : FLOAT32_BELOW_ONE;
  return random("rand", shape, options, (g) => Math.min(g.random(), top));
}

/** Standard normal samples. */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  return random("randn", shape, options, (g) => g.normal());
}

/** Uniform samples in [low, high). */
export function uniform(shape: Shape, low: number, high: number, options: RandomOptions = {}): Tensor {
  return random("uniform", shape, options, (g) => low + (high - low) * g.random());
}

/** Normal samples with the given mean and standard deviation. */
export function normal(shape: Shape, mean: number, std: number, options: RandomOptions = {}): Tensor {
  return random("normal", shape, options, (g) => mean + std * g.normal());
}

/** Uniform integers in [low, high) as int32. */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || low >= high) {
    throw new ValueError(`randint: expected integers low < high, got low=${low}, high=${high}`);
  }
  return random("randint", shape, { dtype: "int32", ...options }, (g) => g.randint(low, high));
}

/** A random permutation of 0..n−1 as int32 (Fisher–Yates). */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  checkShape("randperm", [n]);
  const g = options.generator ?? defaultGenerator;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return new Tensor(out, [n]);
}
