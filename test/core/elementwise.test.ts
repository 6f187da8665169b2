/**
 * Elementwise ops: NumPy broadcasting, dtype promotion, comparisons (bool results), where,
 * clamp, and every unary op against its mathematical definition written here in plain JS.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as M from "./core.js";
import { tensor, arange, zeros, Tensor, ShapeError } from "./core.js";
import { assertClose, assertThrows, count, nest, unravel, values } from "./helpers.js";

/** erf by its definition, 2/√π ∫₀ˣ e^{−t²} dt, with composite Simpson's rule. */
function erfRef(x: number): number {
  const n = 2000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}

/** Round half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const general = [-3.7, -2.5, -1.5, -0.5, -0.2, 0, 0.3, 0.5, 1.5, 2.5, 4.2];
const positive = [0.01, 0.3, 1, 2.5, 10, 123.4];
const nonzero = general.filter((v) => v !== 0);

/** [name, op, reference, inputs] for every unary op. */
const unaryCases: [string, (x: Tensor) => Tensor, (x: number) => number, number[]][] = [
  ["neg", M.neg, (x) => -x, general],
  ["abs", M.abs, Math.abs, general],
  ["sign", M.sign, Math.sign, general],
  ["exp", M.exp, Math.exp, general],
  ["log", M.log, Math.log, positive],
  ["sqrt", M.sqrt, Math.sqrt, [0, ...positive]],
  ["rsqrt", M.rsqrt, (x) => 1 / Math.sqrt(x), positive],
  ["reciprocal", M.reciprocal, (x) => 1 / x, nonzero],
  ["square", M.square, (x) => x * x, general],
  ["sin", M.sin, Math.sin, general],
  ["cos", M.cos, Math.cos, general],
  ["tanh", M.tanh, (x) => (Math.exp(2 * x) - 1) / (Math.exp(2 * x) + 1), general],
  ["sigmoid", M.sigmoid, (x) => 1 / (1 + Math.exp(-x)), general],
  ["relu", M.relu, (x) => (x > 0 ? x : 0), general],
  ["erf", M.erf, erfRef, [...general, 2.6, -3.1, 5]],
  ["floor", M.floor, Math.floor, general],
  ["ceil", M.ceil, Math.ceil, general],
  ["round", M.round, roundHalfEven, general],
  ["log1p", M.log1p, (x) => Math.log(1 + x), [-0.5, 0, ...positive]],
  ["expm1", M.expm1, (x) => Math.exp(x) - 1, general],
  ["logicalNot", M.logicalNot, (x) => (x === 0 ? 1 : 0), general],
  ["pow 3", (x) => x.pow(3), (x) => x * x * x, general],
  ["pow -0.5", (x) => x.pow(-0.5), (x) => 1 / Math.sqrt(x), positive],
  ["clamp(-1, 2)", (x) => x.clamp(-1, 2), (x) => Math.min(Math.max(x, -1), 2), general],
];

describe("unary ops match their definitions", () => {
  for (const [name, op, ref, xs] of unaryCases) {
    it(name, () => {
      const expected = xs.map(ref);
      assertClose(op(tensor(xs, { dtype: "float64" })), expected, 1e-10, `${name} float64`);
      assertClose(op(tensor(xs)), expected.map(Math.fround), 2e-6, `${name} float32`);
      // Strided input: every other element of a reversed-layout view.
      const wide = tensor(xs.flatMap((v) => [v, 99]), { shape: [xs.length, 2] }).select(1, 0);
      assertClose(op(wide), expected.map(Math.fround), 2e-6, `${name} strided`);
    });
  }

  it("keep float64, and compute integer inputs in float32 except sign-like ops", () => {
    const i = tensor([-2, 3], { dtype: "int32" });
    for (const op of [M.neg, M.abs, M.sign, M.square, M.relu, M.floor, M.ceil, M.round]) assert.equal(op(i).dtype, "int32");
    for (const op of [M.exp, M.log, M.sqrt, M.sigmoid, M.tanh, M.sin]) assert.equal(op(i).dtype, "float32");
    assert.equal(M.logicalNot(i).dtype, "bool");
    assert.equal(M.exp(tensor([1], { dtype: "float64" })).dtype, "float64");
    assert.deepEqual(M.neg(i).toArray(), [2, -3]);
  });

  it("sigmoid and tanh saturate without NaN for huge inputs", () => {
    assertClose(M.sigmoid(tensor([-1000, 1000, -80])), [0, 1, 1 / (1 + Math.exp(80))]);
    assertClose(M.tanh(tensor([-1000, 1000])), [-1, 1]);
  });

  it("propagate NaN (clamp too) and give inf where the math does", () => {
    assert.ok(Number.isNaN(M.exp(tensor([NaN])).item()));
    assert.ok(Number.isNaN(tensor([NaN]).clamp(0, 1).item()));
    assert.equal(M.log(tensor([0])).item(), -Infinity);
    assert.equal(M.reciprocal(tensor([0])).item(), Infinity);
    assert.ok(Number.isNaN(M.sqrt(tensor([-1])).item()));
  });

  it("clamp with one bound, and min > max gives max (as PyTorch)", () => {
    assertClose(tensor([-2, 0, 2]).clamp(0), [0, 0, 2]);
    assertClose(M.clamp(tensor([-2, 0, 2]), undefined, 1), [-2, 0, 1]);
    assertClose(tensor([-2, 0, 2]).clamp(3, 1), [1, 1, 1]);
  });

  it("clamp of integers stays int32 for integer bounds and becomes float32 for fractional ones", () => {
    const i = tensor([1, 5, -3], { dtype: "int32" });
    assert.equal(i.clamp(0, 2).dtype, "int32");
    assert.deepEqual(i.clamp(0, 2).toArray(), [1, 2, 0]);
    assert.equal(i.clamp(0.5, 2.5).dtype, "float32");
    assert.deepEqual(i.clamp(0.5, 2.5).toArray(), [1, 2.5, 0.5]);
    assert.equal(i.clamp(undefined, 2.5).dtype, "float32");
  });

  it("isFinite and isNaN return bool masks", () => {
    const x = tensor([1, NaN, Infinity, -Infinity, 0]);
    assert.equal(x.isFinite().dtype, "bool");
    assert.deepEqual(x.isFinite().toArray(), [1, 0, 0, 0, 1]);
    assert.deepEqual(x.isNaN().toArray(), [0, 1, 0, 0, 0]);
  });
});

/** Reference broadcasting binary op on row-major data (NumPy rules, written out). */
function naiveBinary(a: number[], as: number[], b: number[], bs: number[], f: (x: number, y: number) => number) {
  const nd = Math.max(as.length, bs.length);
  const pa = [...Array(nd - as.length).fill(1), ...as];
  const pb = [...Array(nd - bs.length).fill(1), ...bs];
  const shape = pa.map((d, i) => Math.max(d, pb[i]));
  const at = (data: number[], s: number[], idx: number[]) =>
    data[idx.reduce((o, v, i) => o * s[i] + (s[i] === 1 ? 0 : v), 0)];
  const out = Array.from({ length: count(shape) }, (_, i) => {
    const idx = unravel(i, shape);
    return f(at(a, pa, idx), at(b, pb, idx));
  });
  return nest(out, shape);
}

const binaryCases: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
  ["add", M.add, (x, y) => x + y],
  ["sub", M.sub, (x, y) => x - y],
  ["mul", M.mul, (x, y) => x * y],
  ["div", M.div, (x, y) => x / y],
  ["pow", M.pow, (x, y) => x ** y],
  ["maximum", M.maximum, Math.max],
  ["minimum", M.minimum, Math.min],
];

describe("binary ops broadcast by NumPy rules", () => {
  const shapes: [number[], number[]][] = [
    [[2, 1, 3], [4, 1]],
    [[3], [2, 3]],
    [[2, 3], []],
    [[1], [2, 2]],
    [[4, 1], [1, 5]],
    [[2, 3], [2, 3]],
  ];
  for (const [name, op, f] of binaryCases) {
    it(name, () => {
      for (const [as, bs] of shapes) {
        const a = Array.from({ length: count(as) }, (_, i) => 0.5 + ((i * 7) % 5) * 0.37);
        const b = Array.from({ length: count(bs) }, (_, i) => 1.25 - ((i * 3) % 4) * 0.45);
        const expected = naiveBinary(a, as, b, bs, f);
        const ta = tensor(a, { shape: as, dtype: "float64" });
        const tb = tensor(b, { shape: bs, dtype: "float64" });
        assertClose(op(ta, tb), expected, 1e-12, `${name} ${JSON.stringify(as)} ∘ ${JSON.stringify(bs)}`);
        assertClose(op(tb, ta), naiveBinary(b, bs, a, as, f), 1e-12, `${name} swapped`);
      }
    });
  }

  it("works on non-contiguous operands", () => {
    const a = arange(6).float().reshape(2, 3).transpose(0, 1); // [[0,3],[1,4],[2,5]]
    const b = tensor([10, 20]);
    assertClose(a.add(b), [[10, 23], [11, 24], [12, 25]]);
    assertClose(a.mul(a.flatten().reshape(3, 2)), [[0, 9], [1, 16], [4, 25]]);
  });

  it("accepts numbers on either side", () => {
    const x = tensor([1, 2, 4]);
    assertClose(x.add(1), [2, 3, 5]);
    assertClose(M.sub(10, x), [9, 8, 6]);
    assertClose(M.div(1, x), [1, 0.5, 0.25]);
    assertClose(x.pow(2), [1, 4, 16]);
    assertClose(M.maximum(x, 2), [2, 2, 4]);
  });

  it("maximum/minimum propagate NaN from either side", () => {
    const a = tensor([NaN, 1]);
    const b = tensor([0, NaN]);
    assert.deepEqual(values(M.maximum(a, b)).map(Number.isNaN), [true, true]);
    assert.deepEqual(values(M.minimum(b, a)).map(Number.isNaN), [true, true]);
  });

  it("rejects incompatible shapes, naming the op and both shapes", () => {
    assertThrows(
      () => zeros([2, 3]).add(zeros([4, 3])),
      ShapeError,
      "add: shapes [2,3] and [4,3] cannot be broadcast together (dimension -2: 2 vs 4)",
    );
    assertThrows(() => zeros([3]).mul(zeros([2, 2])), ShapeError, /^mul: shapes \[3\] and \[2,2\]/);
  });
});

describe("dtype promotion", () => {
  const i32 = tensor([7, -3], { dtype: "int32" });
  const f32 = tensor([2, 4]);
  const f64 = tensor([2, 4], { dtype: "float64" });
  const b = tensor([1, 0], { dtype: "bool" });

  it("follows bool < int32 < float32 < float64", () => {
    assert.equal(i32.add(i32).dtype, "int32");
    assert.equal(i32.add(f32).dtype, "float32");
    assert.equal(f32.mul(f64).dtype, "float64");
    assert.equal(i32.sub(f64).dtype, "float64");
    assert.equal(b.add(b).dtype, "int32"); // bools compute as int32
    assert.equal(b.mul(f32).dtype, "float32");
  });

  it("numbers do not promote beyond what their value needs", () => {
    assert.equal(i32.add(2).dtype, "int32");
    assert.equal(i32.add(0.5).dtype, "float32");
    assert.equal(f64.mul(3).dtype, "float64");
    assert.equal(f32.mul(3).dtype, "float32");
    assertClose(i32.add(0.5), [7.5, -2.5]);
  });

  it("division of integers is true division in float32", () => {
    const q = i32.div(tensor([2, 2], { dtype: "int32" }));
    assert.equal(q.dtype, "float32");
    assertClose(q, [3.5, -1.5]);
  });

  it("integer arithmetic stays exact", () => {
    assert.deepEqual(i32.mul(i32).toArray(), [49, 9]);
    assert.deepEqual(i32.sub(10).toArray(), [-3, -13]);
  });
});

describe("comparisons", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  const y = tensor([2, 2, 7]);
  const cases: [string, Tensor, (a: number, b: number) => boolean][] = [
    ["eq", x.eq(y), (a, b) => a === b],
    ["ne", x.ne(y), (a, b) => a !== b],
    ["lt", x.lt(y), (a, b) => a < b],
    ["le", x.le(y), (a, b) => a <= b],
    ["gt", x.gt(y), (a, b) => a > b],
    ["ge", x.ge(y), (a, b) => a >= b],
  ];
  for (const [name, got, f] of cases) {
    it(`${name} broadcasts and returns bool`, () => {
      assert.equal(got.dtype, "bool");
      assert.deepEqual(got.toArray(), naiveBinary([1, 2, 3, 4, 5, 6], [2, 3], [2, 2, 7], [3], (a, b) => (f(a, b) ? 1 : 0)));
    });
  }

  it("compare across dtypes and with numbers; NaN is unequal to everything", () => {
    assert.deepEqual(tensor([1, 2], { dtype: "int32" }).eq(tensor([1, 2.5])).toArray(), [1, 0]);
    assert.deepEqual(tensor([1, 5]).gt(2).toArray(), [0, 1]);
    assert.deepEqual(tensor([NaN]).eq(tensor([NaN])).toArray(), [0]);
    assert.deepEqual(tensor([NaN]).ne(tensor([NaN])).toArray(), [1]);
    assert.equal(x.eq(y).requiresGrad, false);
  });
});

describe("where", () => {
  it("selects elementwise with broadcasting of all three operands", () => {
    const cond = tensor([[1], [0]], { dtype: "bool" });
    assertClose(M.where(cond, tensor([1, 2, 3]), tensor([[10], [20]])), [[1, 2, 3], [20, 20, 20]]);
  });

  it("accepts numbers and any-dtype conditions (nonzero is true)", () => {
    const x = tensor([-1, 2, -3]);
    assertClose(M.where(x.gt(0), x, 0), [0, 2, 0]);
    assertClose(M.where(tensor([0, 3, 0], { dtype: "int32" }), 1, -1), [-1, 1, -1]);
    assert.equal(M.where(x.gt(0), tensor([1], { dtype: "float64" }), 0).dtype, "float64");
  });

  it("rejects shapes that do not broadcast", () => {
    assertThrows(() => M.where(zeros([2]), zeros([3]), 0), ShapeError, /^where: shapes \[2\] and \[3\] and \[\] cannot be broadcast/);
  });
});
