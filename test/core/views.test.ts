/**
 * View ops: reshape/view/permute/transpose/expand/squeeze/unsqueeze/flatten/slice/narrow/select
 * and contiguous. Each is checked for shape, values (against index arithmetic done here), and
 * that views share storage (`.data` identical, writes visible through the base).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, arange, zeros, noGrad, ShapeError, ValueError, type Tensor } from "./core.js";
import { assertClose, assertThrows, count, nest, stridesOf, unravel, values } from "./helpers.js";

/** arange(n) as float32 reshaped to `shape`: element value = its flat row-major index. */
function iota(shape: number[]): Tensor {
  return arange(count(shape)).float().reshape(shape);
}

/** Asserts `v` is a view of `base`: same storage, no copy. */
function assertView(v: Tensor, base: Tensor): void {
  assert.equal(v.data, base.data, "expected a view sharing storage");
}

describe("reshape / view", () => {
  it("reshape of a contiguous tensor is a view with the same row-major order", () => {
    const x = iota([2, 3, 4]);
    for (const shape of [[24], [4, 6], [2, 12], [4, 3, 2], [1, 24, 1], [2, 3, 2, 2]]) {
      const r = x.reshape(shape);
      assert.deepEqual(r.shape, shape);
      assertView(r, x);
      assert.deepEqual(values(r), values(x));
    }
  });

  it("infers one -1 dimension", () => {
    assert.deepEqual(iota([2, 3, 4]).reshape(-1, 4).shape, [6, 4]);
    assert.deepEqual(iota([2, 3, 4]).view(2, -1).shape, [2, 12]);
    assert.deepEqual(iota([6]).reshape([3, -1]).shape, [3, 2]);
  });

  it("reshape copies only when strides forbid a view; view throws then", () => {
    const t = iota([3, 4]).transpose(0, 1); // [4,3] with strides [1,4]
    const r = t.reshape(12);
    assert.notEqual(r.data, t.data);
    assert.deepEqual(values(r), [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    assertThrows(() => t.view(12), ShapeError, /^view: shape \[12\] is not compatible with the strides of a \[4,3\] tensor/);
  });

  it("views non-contiguous tensors whenever PyTorch can (splitting/merging compatible dims)", () => {
    const x = iota([2, 3, 4]).permute(1, 0, 2); // [3,2,4], strides [4,12,1]
    const split = x.view(3, 2, 2, 2);
    assertView(split, x);
    assert.deepEqual(values(split), values(x));
    assertThrows(() => x.view(3, 8), ShapeError, /not compatible/);
    const s = iota([4, 5]).slice(1, 1, 4); // [4,3], strides [5,1], offset 1
    const v = s.view(2, 2, 3);
    assertView(v, s);
    assert.deepEqual(values(v), values(s));
    assert.deepEqual(v.strides, [10, 5, 1]);
    // size-1 dims may be inserted anywhere in a view
    const u = x.view(3, 1, 2, 4, 1);
    assertView(u, x);
    assert.deepEqual(values(u), values(x));
  });

  it("a write through a view is visible in the base", () => {
    const x = iota([2, 3]);
    noGrad(() => x.reshape(3, 2).select(0, 1).fill_(-1));
    assert.deepEqual(values(x), [0, 1, -1, -1, 4, 5]);
  });

  it("rejects sizes that do not match", () => {
    assertThrows(() => iota([2, 3]).reshape(4), ShapeError, "reshape: shape [4] is invalid for input of size 6 (shape [2,3])");
    assertThrows(() => iota([2, 3]).reshape(-1, -1), ShapeError, "reshape: only one dimension can be -1, got [-1,-1]");
    assertThrows(() => iota([2, 3]).view(4, -1), ShapeError, "view: shape [4,-1] is invalid for input of size 6 (shape [2,3])");
  });
});

describe("permute / transpose", () => {
  it("permute reorders dims with strides only", () => {
    const x = iota([2, 3, 4]);
    const p = x.permute(2, 0, 1);
    assert.deepEqual(p.shape, [4, 2, 3]);
    assertView(p, x);
    assert.deepEqual(p.strides, [1, 12, 4]);
    // p[i][j][k] = x[j][k][i] = j*12 + k*4 + i
    const expected = Array.from({ length: 24 }, (_, f) => {
      const [i, j, k] = unravel(f, [4, 2, 3]);
      return j * 12 + k * 4 + i;
    });
    assert.deepEqual(values(p), expected);
    assert.deepEqual(x.permute([-1, 0, 1]).shape, [4, 2, 3]);
  });

  it("transpose and mT swap two dims", () => {
    const x = iota([2, 3]);
    for (const t of [x.transpose(0, 1), x.transpose(-1, -2), x.mT]) {
      assertView(t, x);
      assertClose(t, [[0, 3], [1, 4], [2, 5]]);
    }
    assert.deepEqual(iota([5, 2, 3]).mT.shape, [5, 3, 2]);
  });

  it("rejects non-permutations", () => {
    assertThrows(() => iota([2, 3]).permute(0, 0), ShapeError, "permute: dims [0,0] are not a permutation of the 2 dims of a [2,3] tensor");
    assertThrows(() => iota([2, 3]).permute(0), ShapeError, /not a permutation/);
    assertThrows(() => iota([2, 3]).transpose(0, 2), ValueError, "transpose: dim 2 is out of range for a tensor with 2 dimensions");
  });
});

describe("expand", () => {
  it("broadcasts with stride 0 and no copy", () => {
    const x = tensor([[1], [2]]);
    const e = x.expand(3, 2, 4);
    assert.deepEqual(e.shape, [3, 2, 4]);
    assertView(e, x);
    assert.deepEqual(e.strides, [0, 1, 0]);
    assert.deepEqual(values(e), [1, 1, 1, 1, 2, 2, 2, 2].concat([1, 1, 1, 1, 2, 2, 2, 2], [1, 1, 1, 1, 2, 2, 2, 2]));
    assert.deepEqual(x.expand(-1, 3).shape, [2, 3]);
    assert.deepEqual(x.expandAs(zeros([2, 5])).shape, [2, 5]);
  });

  it("rejects non-singleton and negative sizes", () => {
    assertThrows(() => tensor([1, 2]).expand(3), ShapeError, "expand: cannot expand [2] to [3] (dim 0: 2 vs 3)");
    assertThrows(() => tensor([1, 2]).expand(2, 3, 3), ShapeError, "expand: cannot expand [2] to [2,3,3] (dim 2: 2 vs 3)");
    assert.deepEqual(tensor([1, 2]).expand(2, 3, 2).shape, [2, 3, 2]);
    assertThrows(() => tensor([1]).expand(-2), ShapeError, /expand: invalid target \[-2\]/);
    assertThrows(() => tensor([1]).expand(-1, 1), ShapeError, /expand: invalid target \[-1,1\]/);
    assertThrows(() => tensor([[1, 2]]).expand(2), ShapeError, "expand: target [2] has fewer dims than the [1,2] tensor");
  });
});

describe("squeeze / unsqueeze / flatten", () => {
  it("squeeze removes size-1 dims (all, or one; a non-1 dim is left alone)", () => {
    const x = iota([1, 3, 1, 2]);
    assert.deepEqual(x.squeeze().shape, [3, 2]);
    assert.deepEqual(x.squeeze(0).shape, [3, 1, 2]);
    assert.deepEqual(x.squeeze(-2).shape, [1, 3, 2]);
    assert.equal(x.squeeze(1), x);
    assertView(x.squeeze(), x);
    assert.deepEqual(values(x.squeeze()), values(x));
  });

  it("unsqueeze inserts a dim (negative counts from the end of the result)", () => {
    const x = iota([2, 3]);
    assert.deepEqual(x.unsqueeze(0).shape, [1, 2, 3]);
    assert.deepEqual(x.unsqueeze(2).shape, [2, 3, 1]);
    assert.deepEqual(x.unsqueeze(-1).shape, [2, 3, 1]);
    assert.deepEqual(x.unsqueeze(-2).shape, [2, 1, 3]);
    assertView(x.transpose(0, 1).unsqueeze(1), x);
    assertThrows(() => x.unsqueeze(3), ValueError, "unsqueeze: dim 3 is out of range [-3, 2] for inserting a dim into a [2,3] tensor");
    assertThrows(() => x.unsqueeze(-4), ValueError, /^unsqueeze: dim -4 is out of range \[-3, 2\]/);
  });

  it("flatten merges a range of dims", () => {
    const x = iota([2, 3, 4, 5]);
    assert.deepEqual(x.flatten().shape, [120]);
    assert.deepEqual(x.flatten(1).shape, [2, 60]);
    assert.deepEqual(x.flatten(1, 2).shape, [2, 12, 5]);
    assert.deepEqual(x.flatten(-2).shape, [2, 3, 20]);
    assert.deepEqual(tensor(5).flatten().shape, [1]);
    assertView(x.flatten(1, 2), x);
    assertThrows(() => x.flatten(2, 1), ValueError, "flatten: startDim 2 comes after endDim 1");
  });
});

describe("slice / narrow / select", () => {
  it("slice follows Python slice semantics and is a view", () => {
    const x = iota([4, 6]);
    const s = x.slice(1, 1, 5, 2);
    assertView(s, x);
    assert.equal(s.offset, 1);
    assert.deepEqual(s.strides, [6, 2]);
    assertClose(s, [[1, 3], [7, 9], [13, 15], [19, 21]]);
    assertClose(x.slice(0, -1), [[18, 19, 20, 21, 22, 23]]); // negative start
    assertClose(x.slice(0, 2, 100).select(1, 0), [12, 18]); // clamped end
    assert.deepEqual(x.slice(0, 3, 1).shape, [0, 6]); // empty when end < start
    assert.deepEqual(x.slice(1, 0, 6, 4).shape, [4, 2]);
    assertThrows(() => x.slice(0, 0, 2, 0), ValueError, "slice: step must be a positive integer, got 0");
  });

  it("narrow takes a length, with bounds checked", () => {
    const x = iota([3, 5]);
    const n = x.narrow(1, 2, 2);
    assertView(n, x);
    assertClose(n, [[2, 3], [7, 8], [12, 13]]);
    assertThrows(() => x.narrow(1, 4, 2), ValueError, "narrow: range [4, 6) is out of bounds for dim 1 of size 5");
  });

  it("select drops the dim; negative indices count from the end", () => {
    const x = iota([3, 4]);
    assertClose(x.select(0, 1), [4, 5, 6, 7]);
    assertClose(x.select(1, -1), [3, 7, 11]);
    assertView(x.select(1, 2), x);
    assert.deepEqual(x.select(0, 0).select(0, 2).shape, []);
    assert.equal(x.select(0, 2).select(0, 3).item(), 11);
    assertThrows(() => x.select(0, 3), ValueError, "select: index 3 is out of range for dim 0 of size 3");
    assertThrows(() => x.select(0, -4), ValueError, /out of range/);
  });

  it("chains of views index the right elements", () => {
    // x[1:, ::2].T[1] ⇒ x[1:, ::2][:, 1] = x[1:, 2]
    const x = iota([3, 5]);
    const v = x.slice(0, 1).slice(1, 0, 5, 2).transpose(0, 1).select(0, 1);
    assertView(v, x);
    assertClose(v, [7, 12]);
  });
});

describe("contiguous / clone", () => {
  it("contiguous returns the tensor itself when already dense, else a dense copy", () => {
    const x = iota([2, 3]);
    assert.equal(x.contiguous(), x);
    const t = x.transpose(0, 1);
    assert.equal(t.isContiguous(), false);
    const c = t.contiguous();
    assert.notEqual(c.data, x.data);
    assert.ok(c.isContiguous());
    assert.deepEqual(c.strides, stridesOf([3, 2]));
    assert.deepEqual(c.toArray(), nest([0, 3, 1, 4, 2, 5], [3, 2]));
  });

  it("clone never shares storage", () => {
    const x = iota([2, 2]);
    const c = x.clone();
    assert.notEqual(c.data, x.data);
    noGrad(() => c.fill_(0));
    assert.deepEqual(values(x), [0, 1, 2, 3]);
  });

  it("toTypedArray of a strided view gathers the right elements", () => {
    const x = iota([2, 3, 4]).permute(2, 1, 0).slice(0, 1, 3);
    const expected: number[] = [];
    for (let i = 1; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) expected.push(k * 12 + j * 4 + i);
    assert.deepEqual(values(x), expected);
  });
});
