/** matmul: 2-D, 1-D promotion, batched with broadcasting, strided operands, dtypes, NaN/inf, errors. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, zeros, matmul, gradcheck, ShapeError, type Tensor } from "./core.js";
import { assertClose, assertThrows, count, nest, pseudo, unravel } from "./helpers.js";

/** Reference: a [..., M, K] @ b [..., K, N] with broadcast batch dims, by the definition. */
function naiveMatmul(a: number[], as: number[], b: number[], bs: number[]): { data: number[]; shape: number[] } {
  const [M, K] = as.slice(-2);
  const N = bs[bs.length - 1];
  const ab = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const nd = Math.max(ab.length, bb.length);
  const pa = [...Array(nd - ab.length).fill(1), ...ab];
  const pb = [...Array(nd - bb.length).fill(1), ...bb];
  const batch = pa.map((d, i) => Math.max(d, pb[i]));
  const flatBatch = (idx: number[], s: number[]) => idx.reduce((o, v, i) => o * s[i] + (s[i] === 1 ? 0 : v), 0);
  const out: number[] = [];
  for (let t = 0; t < count(batch); t++) {
    const idx = unravel(t, batch);
    const ao = flatBatch(idx, pa) * M * K;
    const bo = flatBatch(idx, pb) * K * N;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[ao + i * K + k] * b[bo + k * N + j];
        out.push(s);
      }
    }
  }
  return { data: out, shape: [...batch, M, N] };
}

function check(as: number[], bs: number[]): void {
  const a = pseudo(count(as), 1);
  const b = pseudo(count(bs), 2);
  const want = naiveMatmul(a, as, b, bs);
  const got = matmul(tensor(a, { shape: as, dtype: "float64" }), tensor(b, { shape: bs, dtype: "float64" }));
  assertClose(got, nest(want.data, want.shape), 1e-12, `${JSON.stringify(as)} @ ${JSON.stringify(bs)}`);
}

describe("matmul", () => {
  it("2-D by hand", () => {
    assertClose(matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])), [[19, 22], [43, 50]]);
    assertClose(tensor([[1, 2, 3]]).matmul(tensor([[1], [0], [-1]])), [[-2]]);
  });

  it("2-D of various sizes against the definition", () => {
    for (const [m, k, n] of [[1, 1, 1], [3, 4, 5], [7, 1, 3], [2, 9, 1], [5, 5, 5]]) check([m, k], [k, n]);
  });

  it("promotes 1-D operands and removes the added dims", () => {
    assertClose(matmul(tensor([1, 2, 3]), tensor([4, 5, 6])), 32); // dot product → 0-d
    assertClose(matmul(tensor([1, 2]), tensor([[1, 2], [3, 4]])), [7, 10]);
    assertClose(matmul(tensor([[1, 2], [3, 4]]), tensor([1, 2])), [5, 11]);
    assert.deepEqual(matmul(zeros([4, 2, 3]), zeros([3])).shape, [4, 2]);
    assert.deepEqual(matmul(zeros([3]), zeros([4, 3, 2])).shape, [4, 2]);
  });

  it("batched, with broadcast batch dims", () => {
    check([2, 3, 4], [2, 4, 5]);
    check([2, 3, 4], [4, 5]);
    check([3, 4], [2, 4, 5]);
    check([2, 1, 3, 4], [5, 4, 2]);
    check([1, 2, 3], [4, 1, 3, 2]);
  });

  it("handles transposed, sliced and expanded operands", () => {
    const a = tensor(pseudo(12, 4), { shape: [3, 4], dtype: "float64" });
    const b = tensor(pseudo(20, 5), { shape: [5, 4], dtype: "float64" });
    const want = (x: Tensor, y: Tensor) => naiveMatmul(Array.from(x.contiguous().toTypedArray()), [...x.shape], Array.from(y.contiguous().toTypedArray()), [...y.shape]);
    const bt = b.transpose(0, 1); // [4,5] strided
    let w = want(a, bt);
    assertClose(matmul(a, bt), nest(w.data, w.shape), 1e-12);
    const at = a.transpose(0, 1).slice(1, 0, 3, 2); // [4,2] strided, offset
    w = want(at.mT, b.mT);
    assertClose(matmul(at.mT, b.mT), nest(w.data, w.shape), 1e-12);
    const ae = a.unsqueeze(0).expand(3, 3, 4);
    w = want(ae, bt);
    assertClose(matmul(ae, bt), nest(w.data, w.shape), 1e-12);
  });

  it("promotes dtypes; integers multiply in float32", () => {
    const i = tensor([[1, 2], [3, 4]], { dtype: "int32" });
    assert.equal(matmul(i, i).dtype, "float32");
    assertClose(matmul(i, i), [[7, 10], [15, 22]]);
    assert.equal(matmul(tensor([[1]]), tensor([[1]], { dtype: "float64" })).dtype, "float64");
  });

  it("propagates NaN and inf even through zeros (0·inf = NaN)", () => {
    const r = matmul(tensor([[0, 1]]), tensor([[Infinity], [2]]));
    assert.ok(Number.isNaN(r.item()), `got ${r.item()}`);
    assert.ok(Number.isNaN(matmul(tensor([[0, 0]]), tensor([[NaN], [1]])).item()));
    assert.equal(matmul(tensor([[1, 1]]), tensor([[Infinity], [2]])).item(), Infinity);
  });

  it("has zero-size results where a dim is 0", () => {
    assert.deepEqual(matmul(zeros([0, 3]), zeros([3, 2])).shape, [0, 2]);
    assertClose(matmul(zeros([2, 0]), zeros([0, 3])), [[0, 0, 0], [0, 0, 0]]);
  });

  it("gradients match finite differences, including broadcast batch and 1-D cases", () => {
    const r = (s: number[], seed: number) => tensor(pseudo(count(s), seed), { shape: s, requiresGrad: true });
    for (const [as, bs] of [[[3, 4], [4, 2]], [[2, 3, 4], [4, 2]], [[4], [4, 3]], [[3, 4], [4]], [[4], [4]], [[2, 1, 2, 3], [3, 3, 2]]]) {
      gradcheck((a, b) => matmul(a, b), [r(as, 1), r(bs, 2)]);
    }
  });

  it("names both shapes when they do not fit", () => {
    assertThrows(() => matmul(zeros([2, 3]), zeros([4, 5])), ShapeError, "matmul: shapes [2,3] and [4,5] are not aligned (3 != 4)");
    assertThrows(() => matmul(zeros([3]), zeros([4])), ShapeError, "matmul: shapes [3] and [4] are not aligned (3 != 4)");
    assertThrows(
      () => matmul(zeros([2, 2, 3]), zeros([3, 3, 4])),
      ShapeError,
      "matmul: batch dims of shapes [2,2,3] and [3,3,4] cannot be broadcast together",
    );
    assertThrows(() => matmul(zeros([]), zeros([3])), ShapeError, "matmul: both arguments need at least 1 dimension, got shapes [] and [3]");
  });
});
