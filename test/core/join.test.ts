/** Joining and splitting: cat, stack, split, chunk (views), pad; shapes, values, dtypes, errors. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, arange, zeros, cat, stack, split, chunk, pad, ShapeError, ValueError } from "./core.js";
import { assertClose, assertThrows, values } from "./helpers.js";

const a = tensor([[1, 2], [3, 4]]);
const b = tensor([[5, 6]]);

describe("cat", () => {
  it("joins along an existing dim", () => {
    assertClose(cat([a, b]), [[1, 2], [3, 4], [5, 6]]);
    assertClose(cat([a, b.transpose(0, 1)], 1), [[1, 2, 5], [3, 4, 6]]);
    assertClose(cat([a, a], -1), [[1, 2, 1, 2], [3, 4, 3, 4]]);
    assertClose(cat([a]), [[1, 2], [3, 4]]);
    assert.notEqual(cat([a]).data, a.data);
  });

  it("promotes dtypes and accepts empty pieces", () => {
    const c = cat([tensor([1], { dtype: "int32" }), tensor([2.5])]);
    assert.equal(c.dtype, "float32");
    assertClose(c, [1, 2.5]);
    assertClose(cat([zeros([0, 2]), a]), [[1, 2], [3, 4]]);
  });

  it("rejects mismatched shapes, 0-d tensors and empty lists", () => {
    assertThrows(() => cat([a, tensor([[1, 2, 3]])]), ShapeError, "cat: shapes [2,2], [1,3] do not match outside dim 0");
    assertThrows(() => cat([a, tensor([1, 2])]), ShapeError, /^cat: shapes \[2,2\], \[2\] do not match/);
    assertThrows(() => cat([tensor(1), tensor(2)]), ShapeError, /^cat: zero-dimensional tensors cannot be concatenated/);
    assertThrows(() => cat([]), ValueError, "cat: expected a non-empty list of tensors");
    assertThrows(() => cat([a, a], 2), ValueError, /^cat: dim 2 is out of range/);
  });
});

describe("stack", () => {
  it("joins along a new dim at any position", () => {
    const x = tensor([1, 2, 3]);
    const y = tensor([4, 5, 6]);
    assertClose(stack([x, y]), [[1, 2, 3], [4, 5, 6]]);
    assertClose(stack([x, y], 1), [[1, 4], [2, 5], [3, 6]]);
    assertClose(stack([x, y], -1), [[1, 4], [2, 5], [3, 6]]);
    assertClose(stack([tensor(1), tensor(2)]), [1, 2]);
    assert.deepEqual(stack([a, a, a], 1).shape, [2, 3, 2]);
  });

  it("requires equal shapes", () => {
    assertThrows(() => stack([tensor([1, 2]), tensor([1, 2, 3])]), ShapeError, "stack: all tensors must have the same shape, got [2], [3]");
    assertThrows(() => stack([]), ValueError, "stack: expected a non-empty list of tensors");
    assertThrows(() => stack([a, a], 3), ValueError, "stack: dim 3 is out of range [-3, 2] for inserting a dim into a [2,2] tensor");
  });
});

describe("split / chunk", () => {
  const x = arange(10).reshape(5, 2);

  it("split by size gives views with a smaller last piece", () => {
    const parts = split(x, 2);
    assert.deepEqual(parts.map((p) => p.shape), [[2, 2], [2, 2], [1, 2]]);
    for (const p of parts) assert.equal(p.data, x.data);
    assert.deepEqual(values(parts[2]), [8, 9]);
    assert.deepEqual(x.split(1, 1).map((p) => values(p)), [[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]]);
  });

  it("split by a list of sizes", () => {
    const parts = x.split([1, 0, 4]);
    assert.deepEqual(parts.map((p) => p.shape), [[1, 2], [0, 2], [4, 2]]);
    assert.deepEqual(values(parts[2]), [2, 3, 4, 5, 6, 7, 8, 9]);
    assertThrows(() => x.split([2, 2]), ShapeError, "split: sizes [2,2] sum to 4, but dim 0 has size 5");
    assertThrows(() => x.split([6, -1]), ValueError, "split: sizes must be non-negative integers, got [6,-1]");
    assertThrows(() => x.split(0), ValueError, "split: size must be a positive integer, got 0");
  });

  it("chunk makes ceil(n/chunks)-sized views, like torch.chunk", () => {
    assert.deepEqual(chunk(arange(6), 4).map((p) => p.shape[0]), [2, 2, 2]);
    assert.deepEqual(chunk(arange(7), 3).map((p) => values(p)), [[0, 1, 2], [3, 4, 5], [6]]);
    assert.deepEqual(x.chunk(2, -1).map((p) => p.shape), [[5, 1], [5, 1]]);
    assert.equal(x.chunk(2)[1].data, x.data);
    assertThrows(() => x.chunk(0), ValueError, "chunk: chunks must be a positive integer, got 0");
    assertThrows(() => x.chunk(-1), ValueError, "chunk: chunks must be a positive integer, got -1");
  });

  it("cat undoes split", () => {
    const y = arange(24).reshape(2, 3, 4);
    assert.deepEqual(cat(y.split([1, 3], 2), 2).toArray(), y.toArray());
  });
});

describe("pad", () => {
  it("pads the last dims first, PyTorch order [left, right, top, bottom]", () => {
    const x = tensor([[1, 2], [3, 4]]);
    assertClose(pad(x, [1, 0]), [[0, 1, 2], [0, 3, 4]]);
    assertClose(pad(x, [0, 1, 1, 0], -1), [[-1, -1, -1], [1, 2, -1], [3, 4, -1]]);
    assertClose(pad(x.transpose(0, 1), [1, 1]), [[0, 1, 3, 0], [0, 2, 4, 0]]);
    assert.deepEqual(pad(zeros([2, 3, 4]), [1, 2, 3, 4, 5, 6]).shape, [13, 10, 7]);
    assert.equal(pad(tensor([1], { dtype: "int32" }), [1, 1]).dtype, "int32");
  });

  it("rejects odd, too many or negative pads", () => {
    assertThrows(() => pad(tensor([1]), [1]), ValueError, "pad: expected an even number of pads for at most 1 dims, got [1]");
    assertThrows(() => pad(tensor([1]), [1, 1, 1, 1]), ValueError, /^pad: expected an even number of pads/);
    assertThrows(() => pad(tensor([1]), [-1, 0]), ValueError, "pad: pads must be non-negative integers, got [-1,0]");
  });
});
