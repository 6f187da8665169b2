/**
 * Shared helpers of the core tests: approximate comparison of tensors with nested arrays, and
 * plain-JS reference implementations (index arithmetic, reductions) that expected values are
 * computed with, independently of Myelin's kernels.
 */
import assert from "node:assert/strict";
import { Tensor, type NestedArray } from "./core.js";

/** The shape of a (rectangular) nested array. */
export function shapeOf(a: NestedArray): number[] {
  const shape: number[] = [];
  let v = a;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

/** A nested array flattened in row-major order. */
export function flat(a: NestedArray): number[] {
  return Array.isArray(a) ? a.flatMap((x) => flat(x)) : [a];
}

/** The elements of a tensor in row-major order, as plain numbers. */
export function values(t: Tensor): number[] {
  return Array.from(t.toTypedArray());
}

function near(a: number, b: number, tol: number): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (!Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= tol * (1 + Math.abs(b));
}

/**
 * Asserts that `actual` has the shape of `expected` and elementwise matches it within
 * `tol` (relative, with an absolute floor). NaN matches NaN; infinities must match exactly.
 */
export function assertClose(actual: Tensor, expected: NestedArray, tol = 1e-6, what = ""): void {
  assert.deepEqual([...actual.shape], shapeOf(expected), `${what} shape`);
  const a = values(actual);
  const e = flat(expected);
  for (let i = 0; i < e.length; i++) {
    if (!near(a[i], e[i], tol)) assert.fail(`${what} element ${i}: got ${a[i]}, expected ${e[i]} (actual ${JSON.stringify(a)})`);
  }
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** The multi-index of flat position `i` in a row-major `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** Number of elements of a shape. */
export function count(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Deterministic "random-looking" values (no RNG involved): a quick sine hash. */
export function pseudo(n: number, seed = 1): number[] {
  return Array.from({ length: n }, (_, i) => Math.round(Math.sin((i + 1) * 12.9898 * seed) * 43758.5453 % 1 * 1000) / 250);
}

/**
 * Reference reduction: applies `fn` to the values of each slice over `axes` of a row-major
 * array of `shape`. Returns the result as a flat array with its shape (keepdim or not).
 */
export function naiveReduce(
  data: readonly number[],
  shape: readonly number[],
  axes: readonly number[],
  keepdim: boolean,
  fn: (vals: number[]) => number,
): { shape: number[]; data: number[] } {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups = new Map<number, number[]>();
  const keptStrides = stridesOf(kept);
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape);
    const o = idx.reduce((s, v, d) => s + (axes.includes(d) ? 0 : v * keptStrides[d]), 0);
    if (!groups.has(o)) groups.set(o, []);
    groups.get(o)!.push(data[i]);
  }
  const out = Array.from({ length: count(kept) }, (_, o) => fn(groups.get(o) ?? []));
  return { shape: keepdim ? kept : shape.filter((_, i) => !axes.includes(i)), data: out };
}

/** Rebuilds a nested array of `shape` from flat row-major data. */
export function nest(data: readonly number[], shape: readonly number[]): NestedArray {
  if (shape.length === 0) return data[0];
  let at = 0;
  const build = (d: number): NestedArray[] =>
    Array.from({ length: shape[d] }, () => (d === shape.length - 1 ? data[at++] : build(d + 1)));
  return build(0);
}

/** All subsets of 0..n-1 (for reducing over "any axes"). */
export function subsets(n: number): number[][] {
  const out: number[][] = [];
  for (let m = 0; m < 1 << n; m++) out.push(Array.from({ length: n }, (_, i) => i).filter((i) => m & (1 << i)));
  return out;
}

/** Asserts that `fn` throws an error of class `cls` whose message equals or matches `message`. */
export function assertThrows(fn: () => unknown, cls: new (...args: never[]) => Error, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    if (typeof message === "string") assert.equal((e as Error).message, message);
    else assert.match((e as Error).message, message);
    return true;
  });
}
