/** gather, indexSelect, oneHot: values by the definition, index checks and their error messages. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, arange, gather, indexSelect, oneHot, gradcheck, DTypeError, ShapeError, ValueError } from "./core.js";
import { assertClose, assertThrows, count, nest, unravel, values } from "./helpers.js";

const idx = (data: number[], shape?: number[]) => tensor(data, { dtype: "int32", shape });

describe("gather", () => {
  const x = arange(12).float().reshape(3, 4); // x[i][j] = 4i + j

  it("picks x[i][index[i][j]] along dim 1 and x[index[i][j]][j] along dim 0", () => {
    assertClose(gather(x, 1, idx([3, 0, 1, 1], [2, 2])), [[3, 0], [5, 5]]);
    assertClose(x.gather(0, idx([2, 0, 1, 1], [1, 4])), [[8, 1, 6, 7]]);
    assertClose(x.gather(-1, idx([0, 0, 0], [3, 1])), [[0], [4], [8]]);
  });

  it("agrees with the definition on a 3-D tensor for every dim", () => {
    const shape = [2, 3, 4];
    const t = arange(24).float().reshape(shape);
    for (let d = 0; d < 3; d++) {
      const ishape = [2, 2, 3];
      const index = Array.from({ length: count(ishape) }, (_, i) => (i * 5 + d) % shape[d]);
      const want = index.map((v, i) => {
        const at = unravel(i, ishape);
        at[d] = v;
        return at[0] * 12 + at[1] * 4 + at[2];
      });
      assertClose(t.gather(d, idx(index, ishape)), nest(want, ishape));
    }
  });

  it("reads strided inputs and indices", () => {
    const t = x.transpose(0, 1); // [4,3], t[i][j] = 4j + i
    const index = idx([1, 2, 0, 0, 2, 1], [2, 3]).transpose(0, 1); // [3,2]
    // out[i][j] = t[i][index[i][j]]
    assertClose(t.gather(1, index), [[4, 0], [9, 9], [2, 6]]);
  });

  it("rejects out-of-range and negative indices, float indices and bad shapes", () => {
    assertThrows(() => x.gather(1, idx([4], [1, 1])), ValueError, "gather: index 4 is out of range for size 4");
    assertThrows(() => x.gather(0, idx([-1], [1, 1])), ValueError, "gather: index -1 is out of range for size 3");
    assertThrows(() => x.gather(1, tensor([[0]])), DTypeError, "gather: index must be an int32 tensor, got float32");
    assertThrows(() => x.gather(1, idx([0])), ShapeError, "gather: index of shape [1] does not fit input [3,4] along dim 1");
    assertThrows(() => x.gather(1, idx([0, 0, 0, 0], [4, 1])), ShapeError, /^gather: index of shape \[4,1\] does not fit input \[3,4\]/);
  });

  it("backward scatters (and accumulates repeated indices)", () => {
    const w = tensor([[1, 2, 3]], { requiresGrad: true });
    w.gather(1, idx([2, 2, 0], [1, 3])).sum().backward();
    assertClose(w.grad!, [[1, 0, 2]]);
    gradcheck((t) => t.gather(0, idx([1, 0, 1, 1, 1, 0], [2, 3])).mul(t.gather(0, idx([0, 0, 1], [1, 3])).sum()), [
      tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true }),
    ]);
  });
});

describe("indexSelect", () => {
  const x = arange(12).float().reshape(3, 4);

  it("selects whole slices along a dim, repeats allowed", () => {
    assertClose(indexSelect(x, 0, idx([2, 0, 2])), [[8, 9, 10, 11], [0, 1, 2, 3], [8, 9, 10, 11]]);
    assertClose(x.indexSelect(1, idx([3, 1])), [[3, 1], [7, 5], [11, 9]]);
    assertClose(x.indexSelect(-1, idx([])), [[], [], []]);
    assert.deepEqual(x.indexSelect(1, idx([0, 0, 0, 0, 0])).shape, [3, 5]);
    // an index that is itself a strided view
    assertClose(x.indexSelect(0, idx([0, 9, 2, 9, 1, 9]).slice(0, 0, 6, 2)), [[0, 1, 2, 3], [8, 9, 10, 11], [4, 5, 6, 7]]);
  });

  it("backward accumulates into repeated rows", () => {
    const w = tensor([[1, 1], [2, 2], [3, 3]], { requiresGrad: true });
    w.indexSelect(0, idx([1, 1, 2])).sum().backward();
    assertClose(w.grad!, [[0, 0], [2, 2], [1, 1]]);
  });

  it("rejects bad indices", () => {
    assertThrows(() => x.indexSelect(0, idx([3])), ValueError, "indexSelect: index 3 is out of range for size 3");
    assertThrows(() => x.indexSelect(1, idx([0, 1], [1, 2])), ShapeError, "indexSelect: index must be 1-D, got shape [1,2]");
    assertThrows(() => x.indexSelect(0, tensor([1])), DTypeError, "indexSelect: index must be an int32 tensor, got float32");
    assertThrows(() => x.indexSelect(2, idx([0])), ValueError, /^indexSelect: dim 2 is out of range/);
  });
});

describe("oneHot", () => {
  it("encodes class indices along a new last dim", () => {
    const o = oneHot(idx([0, 2, 1]), 3);
    assert.equal(o.dtype, "float32");
    assertClose(o, [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    const o2 = oneHot(idx([1, 0, 3, 3], [2, 2]), 4, "int32");
    assert.equal(o2.dtype, "int32");
    assert.deepEqual(o2.shape, [2, 2, 4]);
    assert.deepEqual(values(o2), [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    assertClose(oneHot(idx([2, 9, 0]).slice(0, 0, 3, 2), 3), [[0, 0, 1], [1, 0, 0]]);
  });

  it("rejects classes outside [0, numClasses) and non-integer labels", () => {
    assertThrows(() => oneHot(idx([0, 3]), 3), ValueError, "oneHot: class index 3 is out of range for size 3");
    assertThrows(() => oneHot(idx([-1]), 3), ValueError, "oneHot: class index -1 is out of range for size 3");
    assertThrows(() => oneHot(idx([0]), 2.5), ValueError, "oneHot: numClasses must be a positive integer, got 2.5");
    assertThrows(() => oneHot(tensor([1]), 3), DTypeError, "oneHot: class index must be an int32 tensor, got float32");
  });
});
