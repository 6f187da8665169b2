/** Tensor creation: from arrays and typed arrays, fills, ranges, identity; dtypes and shape checks. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  tensor, fromTypedArray, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye, Tensor,
  ShapeError, ValueError,
} from "./core.js";
import { assertClose, assertThrows, values } from "./helpers.js";

describe("tensor()", () => {
  it("infers shape from nested arrays and defaults to float32", () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, "float32");
    assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
    assert.equal(t.ndim, 2);
    assert.equal(t.size, 6);
    assert.ok(t.isContiguous());
  });

  it("makes 0-d tensors from numbers and reads them with item()", () => {
    const t = tensor(3.5);
    assert.deepEqual(t.shape, []);
    assert.equal(t.item(), 3.5);
    assert.equal(t.toArray(), 3.5);
    assert.equal(Tensor.scalar(2, "int32").dtype, "int32");
  });

  it("honours dtype and shape options", () => {
    const t = tensor([1, 2, 3, 4], { dtype: "int32", shape: [2, 2] });
    assert.equal(t.dtype, "int32");
    assert.deepEqual(t.toArray(), [[1, 2], [3, 4]]);
    assert.equal(tensor([1.7], { dtype: "float64" }).data[0], 1.7);
    assert.equal(tensor([1], { requiresGrad: true }).requiresGrad, true);
  });

  it("copies typed arrays, keeping their dtype", () => {
    const src = new Float64Array([1, 2, 3]);
    const t = tensor(src);
    assert.equal(t.dtype, "float64");
    src[0] = 99;
    assert.deepEqual(t.toArray(), [1, 2, 3]);
    assert.equal(tensor(new Int32Array([4, 5])).dtype, "int32");
    assert.equal(tensor(new Uint8Array([4, 5])).dtype, "float32");
    assert.deepEqual(tensor(new Float32Array(6), { shape: [2, 3] }).shape, [2, 3]);
  });

  it("rejects ragged arrays and wrong shapes", () => {
    assertThrows(() => tensor([[1, 2], [3]]), ShapeError, /tensor: ragged nested array/);
    assertThrows(() => tensor([1, 2, 3], { shape: [2, 2] }), ShapeError, "tensor: shape [2,2] needs 4 elements, got 3");
  });

  it("builds empty tensors", () => {
    assert.deepEqual(tensor([]).shape, [0]);
    assert.deepEqual(zeros([2, 0, 3]).shape, [2, 0, 3]);
    assert.equal(zeros([2, 0]).size, 0);
  });
});

describe("fromTypedArray", () => {
  it("wraps without copying", () => {
    const arr = new Float32Array([1, 2, 3, 4]);
    const t = fromTypedArray(arr, [2, 2]);
    assert.equal(t.data, arr);
    arr[3] = 7;
    assert.deepEqual(t.toArray(), [[1, 2], [3, 7]]);
    assertThrows(() => fromTypedArray(arr, [3]), ShapeError, "fromTypedArray: shape [3] needs 3 elements, got 4");
  });
});

describe("fills", () => {
  it("zeros/ones/full with dtypes", () => {
    assertClose(zeros([2, 2]), [[0, 0], [0, 0]]);
    assertClose(ones([3]), [1, 1, 1]);
    const f = full([2], 7, { dtype: "int32" });
    assert.equal(f.dtype, "int32");
    assert.deepEqual(f.toArray(), [7, 7]);
    assert.equal(zeros([], {}).size, 1);
  });

  it("*Like functions copy shape and dtype", () => {
    const base = tensor([[1, 2]], { dtype: "float64" });
    for (const [t, v] of [[zerosLike(base), 0], [onesLike(base), 1], [fullLike(base, 2.5), 2.5]] as const) {
      assert.deepEqual(t.shape, [1, 2]);
      assert.equal(t.dtype, "float64");
      assert.deepEqual(values(t), [v, v]);
    }
    assert.equal(zerosLike(base, { dtype: "int32" }).dtype, "int32");
  });

  it("reject invalid shapes", () => {
    assertThrows(() => zeros([-1]), ValueError, "full: invalid shape [-1]");
    assertThrows(() => ones([2.5]), ValueError, "full: invalid shape [2.5]");
    assertThrows(() => eye(-1), ValueError, "eye: invalid shape [-1,-1]");
  });
});

describe("ranges and identity", () => {
  it("arange follows Python's range, int32 for integer arguments", () => {
    const a = arange(5);
    assert.equal(a.dtype, "int32");
    assert.deepEqual(a.toArray(), [0, 1, 2, 3, 4]);
    assert.deepEqual(arange(2, 5).toArray(), [2, 3, 4]);
    assert.deepEqual(arange(5, 0, -2).toArray(), [5, 3, 1]);
    assert.deepEqual(arange(3, 3).shape, [0]);
    const f = arange(1, 2, 0.25);
    assert.equal(f.dtype, "float32");
    assertClose(f, [1, 1.25, 1.5, 1.75]);
    assert.equal(arange(3, undefined, 1, { dtype: "float64" }).dtype, "float64");
    assertThrows(() => arange(0, 1, 0), ValueError, "arange: step must be nonzero");
  });

  it("linspace includes both ends exactly", () => {
    assertClose(linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
    const l = linspace(-1, 0.3, 7, { dtype: "float64" });
    assert.equal(l.data[0], -1);
    assert.equal(l.data[6], 0.3);
    for (let i = 0; i < 7; i++) assert.ok(Math.abs(l.data[i] - (-1 + (1.3 * i) / 6)) < 1e-15);
    assert.deepEqual(linspace(2, 3, 1).toArray(), [2]);
    assert.deepEqual(linspace(2, 3, 0).shape, [0]);
    assertThrows(() => linspace(0, 1, -1), ValueError, "linspace: steps must be a non-negative integer, got -1");
  });

  it("eye makes (rectangular) identities", () => {
    assertClose(eye(2), [[1, 0], [0, 1]]);
    assertClose(eye(2, 3), [[1, 0, 0], [0, 1, 0]]);
    assert.equal(eye(2, 2, { dtype: "int32" }).dtype, "int32");
  });
});

describe("conversions", () => {
  it("to() casts, truncating floats toward zero; same dtype is a no-op", () => {
    const t = tensor([1.7, -1.7, 2.5]);
    assert.equal(t.to("float32"), t);
    assert.deepEqual(t.int().toArray(), [1, -1, 2]);
    assert.equal(t.double().dtype, "float64");
    assert.deepEqual(tensor([0, 2, -0.5]).to("bool").toArray(), [0, 1, 1]);
    assert.equal(tensor([1], { dtype: "int32" }).float().dtype, "float32");
  });

  it("item() demands exactly one element", () => {
    assert.equal(tensor([[4]]).item(), 4);
    assertThrows(() => tensor([1, 2]).item(), ShapeError, "item: tensor of shape [2] has 2 elements, expected 1");
  });
});
