/**
 * Reductions over every subset of axes, with and without keepdim, against a plain-JS reduction;
 * max/min with indices, argmax/argmin, var/std corrections, logsumexp stability, dtypes, errors.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, arange, zeros, type Tensor, ValueError } from "./core.js";
import * as M from "./core.js";
import { assertClose, assertThrows, naiveReduce, nest, pseudo, subsets, values } from "./helpers.js";

const shape = [2, 3, 4];
const data = pseudo(24, 3);
const x64 = tensor(data, { shape, dtype: "float64" });

const sumOf = (v: number[]) => v.reduce((s, a) => s + a, 0);
const meanOf = (v: number[]) => sumOf(v) / v.length;
const varOf = (c: number) => (v: number[]) => {
  const m = meanOf(v);
  return sumOf(v.map((a) => (a - m) ** 2)) / Math.max(v.length - c, 0);
};
const lseOf = (v: number[]) => Math.log(sumOf(v.map(Math.exp)));

/** [name, op(x, axes, keepdim), reference over one slice's values]. */
const reductions: [string, (x: Tensor, axes: number[], keepdim: boolean) => Tensor, (v: number[]) => number][] = [
  ["sum", (x, a, k) => x.sum(a, k), sumOf],
  ["mean", (x, a, k) => x.mean(a, k), meanOf],
  ["var", (x, a, k) => x.var(a, { keepdim: k }), varOf(1)],
  ["var correction 0", (x, a, k) => x.var(a, { correction: 0, keepdim: k }), varOf(0)],
  ["std", (x, a, k) => x.std(a, { keepdim: k }), (v) => Math.sqrt(varOf(1)(v))],
  ["std correction 2", (x, a, k) => x.std(a, { correction: 2, keepdim: k }), (v) => Math.sqrt(varOf(2)(v))],
  ["logsumexp", (x, a, k) => x.logsumexp(a, k), lseOf],
];

describe("reductions over any axes, keepdim or not", () => {
  for (const [name, op, ref] of reductions) {
    it(name, () => {
      for (const axes of subsets(3).filter((a) => a.length > 0)) {
        for (const keepdim of [false, true]) {
          const want = naiveReduce(data, shape, axes, keepdim, ref);
          const got = op(x64, axes, keepdim);
          assertClose(got, nest(want.data, want.shape), 1e-12, `${name} axes ${axes} keepdim ${keepdim}`);
          // Negative axes name the same dims.
          assertClose(op(x64, axes.map((a) => a - 3), keepdim), nest(want.data, want.shape), 1e-12);
        }
      }
    });
  }

  it("reduce everything by default to a 0-d tensor", () => {
    assert.equal(x64.sum().ndim, 0);
    assert.ok(Math.abs(x64.sum().item() - sumOf(data)) < 1e-12);
    assert.ok(Math.abs(x64.mean().item() - meanOf(data)) < 1e-12);
    assert.ok(Math.abs(x64.var().item() - varOf(1)(data)) < 1e-12);
    assert.ok(Math.abs(x64.logsumexp().item() - lseOf(data)) < 1e-12);
    assert.deepEqual(x64.sum(undefined, true).shape, [1, 1, 1]);
  });

  it("reduce non-contiguous views by their logical layout", () => {
    const t = x64.permute(2, 0, 1).slice(0, 1, 4, 2); // [2,2,3]: t[i][j][k] = x[j][k][1 + 2i]
    const logical = values(t);
    const want = naiveReduce(logical, [2, 2, 3], [0, 2], false, sumOf);
    assertClose(t.sum([0, 2]), want.data, 1e-12);
    assertClose(t.mean(1), nest(naiveReduce(logical, [2, 2, 3], [1], false, meanOf).data, [2, 3]), 1e-12);
  });

  it("float32 sums accumulate in float64 (no drift over many terms)", () => {
    const n = 100000;
    const s = M.full([n], 0.1).sum().item();
    assert.ok(Math.abs(s - Math.fround(0.1) * n) < 1e-2, `got ${s}`);
  });
});

describe("max / min / argmax / argmin", () => {
  const t = tensor([[3, 7, 7, 1], [5, 2, 9, 9], [4, 4, 0, 8]]);

  it("with a dim return values and first-occurrence indices", () => {
    const mx = t.max(1);
    assertClose(mx.values, [7, 9, 8]);
    assert.equal(mx.indices.dtype, "int32");
    assert.deepEqual(mx.indices.toArray(), [1, 2, 3]);
    const mn = t.min(0);
    assertClose(mn.values, [3, 2, 0, 1]);
    assert.deepEqual(mn.indices.toArray(), [0, 1, 2, 0]);
    const k = t.max(-1, true);
    assert.deepEqual(k.values.shape, [3, 1]);
    assert.deepEqual(k.indices.shape, [3, 1]);
  });

  it("agree with a plain-JS argmax over every dim of a 3-D tensor", () => {
    for (let d = 0; d < 3; d++) {
      const want = naiveReduce(data, shape, [d], false, (v) => v.indexOf(Math.max(...v)));
      assert.deepEqual(values(x64.argmax(d)), want.data);
      const wantMin = naiveReduce(data, shape, [d], false, (v) => Math.min(...v));
      assertClose(x64.min(d).values, nest(wantMin.data, wantMin.shape));
    }
  });

  it("without a dim reduce everything; argmax/argmin index the flattened tensor", () => {
    assert.equal(t.max().item(), 9);
    assert.equal(t.min().item(), 0);
    assert.equal(t.argmax().item(), 6);
    assert.equal(t.argmin().item(), 10);
    assert.deepEqual(t.argmax().shape, []);
    assert.deepEqual(t.argmax(0, true).shape, [1, 4]);
    assert.deepEqual(t.transpose(0, 1).argmax(0).toArray(), [1, 2, 3]);
  });

  it("propagate NaN (NaN is the max and the min, at its first position)", () => {
    const n = tensor([[1, NaN, 3], [2, 1, NaN]]);
    assert.ok(Number.isNaN(n.max().item()));
    assert.ok(Number.isNaN(n.min().item()));
    assert.deepEqual(n.max(1).indices.toArray(), [1, 2]);
    assert.deepEqual(n.argmin(1).toArray(), [1, 2]);
  });

  it("keep the dtype of integer inputs", () => {
    const i = tensor([[1, 5], [7, 2]], { dtype: "int32" });
    assert.equal(i.max().dtype, "int32");
    assert.equal(i.max(0).values.dtype, "int32");
    assert.deepEqual(i.max(0).values.toArray(), [7, 5]);
  });

  it("reject empty tensors", () => {
    assertThrows(() => zeros([0]).max(), ValueError, "max: cannot reduce an empty tensor of shape [0]");
    assertThrows(() => zeros([2, 0]).min(1), ValueError, "min: cannot reduce an empty tensor of shape [2,0]");
  });
});

describe("dtypes and edge cases", () => {
  it("sum of int32/bool is int32; mean of ints is float32", () => {
    const i = tensor([1, 2, 4], { dtype: "int32" });
    assert.equal(i.sum().dtype, "int32");
    assert.equal(i.sum().item(), 7);
    assert.equal(tensor([1, 0, 1], { dtype: "bool" }).sum().item(), 2);
    assert.equal(tensor([1, 0, 1], { dtype: "bool" }).sum().dtype, "int32");
    assert.equal(i.mean().dtype, "float32");
    assertClose(i.mean(), 7 / 3);
    assert.equal(x64.mean().dtype, "float64");
  });

  it("var with too few elements divides by max(0, N − correction) like PyTorch", () => {
    assert.ok(Number.isNaN(tensor([3]).var().item())); // 0/0
    assert.equal(tensor([3]).var(undefined, { correction: 0 }).item(), 0);
  });

  it("sum and mean of an empty tensor are 0 and NaN", () => {
    assert.equal(zeros([0]).sum().item(), 0);
    assert.ok(Number.isNaN(zeros([0]).mean().item()));
    assert.deepEqual(zeros([2, 0]).sum(1).toArray(), [0, 0]);
  });

  it("logsumexp is stable for large inputs and exact for −inf slices", () => {
    assertClose(tensor([1000, 1000]).logsumexp(), 1000 + Math.log(2), 1e-6);
    assertClose(tensor([-1000, -1000]).logsumexp(), -1000 + Math.log(2), 1e-6);
    assertClose(tensor([[-Infinity, -Infinity], [0, -Infinity]]).logsumexp(1), [-Infinity, 0]);
    assertClose(tensor([Infinity, 1]).logsumexp(), Infinity);
    assertClose(tensor([1000, 0], { dtype: "float64" }).logsumexp(), 1000 + Math.log1p(Math.exp(-1000)), 1e-15);
  });

  it("reject bad dims", () => {
    assertThrows(() => arange(6).reshape(2, 3).sum(2), ValueError, "sum: dim 2 is out of range for a tensor with 2 dimensions");
    assertThrows(() => arange(6).reshape(2, 3).sum([0, -2]), ValueError, "sum: repeated dim in [0,-2]");
    assertThrows(() => arange(6).reshape(2, 3).max(-3), ValueError, /^max: dim -3 is out of range/);
    assertThrows(() => arange(6).reshape(2, 3).float().var(5), ValueError, /^var: dim 5 is out of range/);
  });

  it("function forms match the methods", () => {
    assert.equal(M.sum(x64, 1).size, 8);
    const v = M.variance(x64, [0, 2], { keepdim: true });
    assert.deepEqual(v.shape, [1, 3, 1]);
    assert.deepEqual(values(v), values(x64.var([0, 2], { keepdim: true })));
    assert.deepEqual(M.argmax(x64, 2).toArray(), x64.argmax(2).toArray());
  });
});
