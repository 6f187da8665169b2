/**
 * Printing: PyTorch's repr layout (aligned columns, fixed/int/scientific modes, blank lines
 * between 2-D blocks, 80-column wrapping, `...` summaries above 1000 elements), plus Myelin's
 * suffixes (dtype for float64, requiresGrad, gradFn, shape of summarized or empty tensors).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { tensor, arange, zeros } from "./core.js";

const str = (t: { toString(): string }) => t.toString();

describe("print", () => {
  it("2-D float matrix, exactly as PyTorch", () => {
    assert.equal(str(tensor([[1, 2], [3, 4]])), "tensor([[1., 2.],\n        [3., 4.]])");
  });

  it("scalars, ints and bools", () => {
    assert.equal(str(tensor(3)), "tensor(3.)");
    assert.equal(str(tensor(-0.25)), "tensor(-0.2500)");
    assert.equal(str(tensor([-5, 10], { dtype: "int32" })), "tensor([-5, 10])");
    assert.equal(str(tensor([1, 0], { dtype: "bool" })), "tensor([ True, False])");
    assert.equal(str(tensor([1, 1], { dtype: "bool" })), "tensor([True, True])");
  });

  it("aligned fixed-point with 4 decimals", () => {
    assert.equal(str(tensor([1.5, -2.25, 3])), "tensor([ 1.5000, -2.2500,  3.0000])");
    assert.equal(str(tensor([-0.5, 100.25])), "tensor([ -0.5000, 100.2500])");
    assert.equal(str(tensor([0.001, 0.01])), "tensor([0.0010, 0.0100])");
  });

  it("scientific when magnitudes span > 10³, exceed 10⁸ or go below 10⁻⁴", () => {
    assert.equal(str(tensor([1e-5, 1])), "tensor([1.0000e-05, 1.0000e+00])");
    assert.equal(str(tensor([1e9, 1])), "tensor([1.0000e+09, 1.0000e+00])");
    assert.equal(str(tensor([1e7, 1])), "tensor([1.0000e+07, 1.0000e+00])");
    assert.equal(str(tensor([[1e-10, 1], [2, 3]])), "tensor([[1.0000e-10, 1.0000e+00],\n        [2.0000e+00, 3.0000e+00]])");
  });

  it("nan and inf, which do not widen the columns", () => {
    assert.equal(str(tensor([1, NaN, Infinity, -Infinity])), "tensor([1., nan, inf, -inf])");
    assert.equal(str(tensor([0.1, NaN])), "tensor([0.1000,    nan])");
  });

  it("3-D tensors separate 2-D blocks by a blank line", () => {
    assert.equal(
      str(arange(12).reshape(2, 2, 3)),
      "tensor([[[ 0,  1,  2],\n         [ 3,  4,  5]],\n\n        [[ 6,  7,  8],\n         [ 9, 10, 11]]])",
    );
  });

  it("prints the logical layout of strided views", () => {
    assert.equal(str(tensor([[1, 2], [3, 4]]).transpose(0, 1)), "tensor([[1., 3.],\n        [2., 4.]])");
  });

  it("wraps long rows at 80 columns", () => {
    assert.equal(
      str(arange(20).float()),
      "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19.])",
    );
    assert.equal(
      str(arange(30).float().reshape(1, 30)),
      "tensor([[ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n" +
        "         14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n" +
        "         28., 29.]])",
    );
  });

  it("summarizes more than 1000 elements with ... and shows the shape", () => {
    assert.equal(
      str(arange(1001).float().mul(0.001)),
      "tensor([0.0000, 0.0010, 0.0020,  ..., 0.9980, 0.9990, 1.0000], shape=[1001])",
    );
    assert.equal(str(arange(1000)).includes("..."), false);
    assert.equal(
      str(arange(2000).reshape(40, 50)),
      [
        "tensor([[   0,    1,    2,  ...,   47,   48,   49],",
        "        [  50,   51,   52,  ...,   97,   98,   99],",
        "        [ 100,  101,  102,  ...,  147,  148,  149],",
        "        ...,",
        "        [1850, 1851, 1852,  ..., 1897, 1898, 1899],",
        "        [1900, 1901, 1902,  ..., 1947, 1948, 1949],",
        "        [1950, 1951, 1952,  ..., 1997, 1998, 1999]], shape=[40, 50])",
      ].join("\n"),
    );
  });

  it("empty tensors show their shape", () => {
    assert.equal(str(zeros([0])), "tensor([], shape=[0])");
    assert.equal(str(zeros([2, 0])), "tensor([], shape=[2, 0])");
  });

  it("dtype for float64, requiresGrad for leaves, gradFn for results", () => {
    assert.equal(str(tensor([1, 2], { dtype: "float64" })), "tensor([1., 2.], dtype=float64)");
    assert.equal(str(tensor([1, 2], { requiresGrad: true })), "tensor([1., 2.], requiresGrad=true)");
    assert.equal(str(tensor([1, 2], { requiresGrad: true }).mul(2)), "tensor([2., 4.], gradFn=<mul>)");
    assert.equal(str(tensor([1.5, 2], { dtype: "float64", requiresGrad: true }).sum()), "tensor(3.5000, dtype=float64, gradFn=<sum>)");
  });

  it("moves suffixes that do not fit onto their own line", () => {
    const s = str(arange(14).float().add(tensor(0, { requiresGrad: true })));
    assert.equal(
      s,
      "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.],\n       gradFn=<add>)",
    );
  });

  it("console.log / util.inspect use the same repr", () => {
    const t = tensor([[1, 2], [3, 4]]);
    assert.equal(inspect(t), str(t));
    assert.equal(`${t}`, str(t));
  });
});
