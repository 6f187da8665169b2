/**
 * Error reporting: bad input throws at the call site with a message naming the op and the
 * shapes or values involved, as a typed MyelinError subclass (never a NaN or an out-of-bounds read).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as M from "./core.js";
import { tensor, zeros, MyelinError, ShapeError, ValueError, DTypeError, AutogradError } from "./core.js";
import { assertThrows } from "./helpers.js";

const i32 = (data: number[]) => tensor(data, { dtype: "int32" });

/** [what, call, class, exact message]. */
const cases: [string, () => unknown, typeof ShapeError, string][] = [
  ["matmul inner dims", () => M.matmul(zeros([2, 3]), zeros([4, 5])), ShapeError, "matmul: shapes [2,3] and [4,5] are not aligned (3 != 4)"],
  ["matmul batch dims", () => M.matmul(zeros([2, 1, 3]), zeros([3, 3, 1])), ShapeError, "matmul: batch dims of shapes [2,1,3] and [3,3,1] cannot be broadcast together"],
  ["broadcast add", () => zeros([2, 3]).add(zeros([3, 2])), ShapeError, "add: shapes [2,3] and [3,2] cannot be broadcast together (dimension -2: 2 vs 3)"],
  ["broadcast div", () => M.div(zeros([5]), zeros([4, 4])), ShapeError, "div: shapes [5] and [4,4] cannot be broadcast together (dimension -1: 5 vs 4)"],
  ["broadcast comparison", () => zeros([2]).lt(zeros([3])), ShapeError, "lt: shapes [2] and [3] cannot be broadcast together (dimension -1: 2 vs 3)"],
  ["reshape size", () => zeros([2, 3]).reshape(4, 2), ShapeError, "reshape: shape [4,2] is invalid for input of size 6 (shape [2,3])"],
  ["reshape -1 not dividing", () => zeros([2, 3]).reshape(-1, 4), ShapeError, "reshape: shape [-1,4] is invalid for input of size 6 (shape [2,3])"],
  ["reshape two -1", () => zeros([4]).reshape(-1, -1), ShapeError, "reshape: only one dimension can be -1, got [-1,-1]"],
  ["view of strided", () => zeros([2, 3]).mT.view(6), ShapeError, "view: shape [6] is not compatible with the strides of a [3,2] tensor; use reshape (or contiguous first)"],
  ["expand", () => zeros([3]).expand(2, 4), ShapeError, "expand: cannot expand [3] to [2,4] (dim 1: 3 vs 4)"],
  ["permute", () => zeros([2, 3]).permute(1, 1), ShapeError, "permute: dims [1,1] are not a permutation of the 2 dims of a [2,3] tensor"],
  ["cat", () => M.cat([zeros([2, 3]), zeros([2, 4])]), ShapeError, "cat: shapes [2,3], [2,4] do not match outside dim 0"],
  ["stack", () => M.stack([zeros([2]), zeros([3])]), ShapeError, "stack: all tensors must have the same shape, got [2], [3]"],
  ["split sizes", () => zeros([5]).split([2, 2]), ShapeError, "split: sizes [2,2] sum to 4, but dim 0 has size 5"],
  ["item", () => zeros([2, 2]).item(), ShapeError, "item: tensor of shape [2,2] has 4 elements, expected 1"],
  ["dim out of range", () => zeros([2, 3]).sum(2), ValueError, "sum: dim 2 is out of range for a tensor with 2 dimensions"],
  ["negative dim out of range", () => zeros([2, 3]).softmax(-3), ValueError, "softmax: dim -3 is out of range for a tensor with 2 dimensions"],
  ["select index", () => zeros([2, 3]).select(1, 3), ValueError, "select: index 3 is out of range for dim 1 of size 3"],
  ["narrow range", () => zeros([4]).narrow(0, 3, 2), ValueError, "narrow: range [3, 5) is out of bounds for dim 0 of size 4"],
  ["gather index", () => zeros([2, 3]).gather(1, tensor([[0, 5]], { dtype: "int32" })), ValueError, "gather: index 5 is out of range for size 3"],
  ["indexSelect index", () => zeros([2, 3]).indexSelect(0, i32([2])), ValueError, "indexSelect: index 2 is out of range for size 2"],
  ["oneHot class", () => M.oneHot(i32([1, 10]), 10), ValueError, "oneHot: class index 10 is out of range for size 10"],
  ["float index", () => zeros([3]).indexSelect(0, tensor([1])), DTypeError, "indexSelect: index must be an int32 tensor, got float32"],
  ["max of empty", () => zeros([0, 2]).max(), ValueError, "max: cannot reduce an empty tensor of shape [0,2]"],
  ["invalid shape", () => zeros([2, -3]), ValueError, "full: invalid shape [2,-3]"],
  ["requiresGrad on int", () => i32([1]).requiresGrad_(), DTypeError, "requiresGrad: only floating-point tensors can require gradients, got int32"],
  ["backward of non-scalar", () => tensor([1, 2], { requiresGrad: true }).mul(1).backward(), AutogradError, "backward: grad can be implicitly created only for scalar outputs; got shape [2] — pass an upstream gradient of that shape"],
];

describe("error messages", () => {
  for (const [what, call, cls, message] of cases) {
    it(what, () => assertThrows(call, cls, message));
  }

  it("every error is a MyelinError with its class name", () => {
    for (const [, call, cls] of cases) {
      try {
        call();
        assert.fail("expected a throw");
      } catch (e) {
        assert.ok(e instanceof MyelinError);
        assert.equal((e as Error).name, cls.name);
      }
    }
  });

  it("tensors stay usable after an error (no half-recorded state)", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    assert.throws(() => x.add(zeros([3])));
    x.mul(2).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [2, 2]);
  });
});
