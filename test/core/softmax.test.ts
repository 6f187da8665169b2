/** softmax, logSoftmax, softmin along any dim; values by the definition; stability for ±1000. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, softmax, logSoftmax, softmin, gradcheck, ValueError } from "./core.js";
import { assertClose, assertThrows, naiveReduce, nest, pseudo, unravel, values } from "./helpers.js";

/** Reference softmax along `dim` of row-major data: exp(x_i − max) / Σ exp(x_j − max). */
function naiveSoftmax(data: number[], shape: number[], dim: number, sign = 1): number[] {
  const xs = data.map((v) => sign * v);
  const mx = naiveReduce(xs, shape, [dim], true, (v) => Math.max(...v));
  const den = naiveReduce(xs, shape, [dim], true, (v) => {
    const m = Math.max(...v);
    return v.reduce((s, a) => s + Math.exp(a - m), 0);
  });
  const kept = shape.map((d, i) => (i === dim ? 1 : d));
  return xs.map((v, i) => {
    const at = unravel(i, shape);
    at[dim] = 0;
    const o = at.reduce((acc, a, d) => acc * kept[d] + a, 0);
    return Math.exp(v - mx.data[o]) / den.data[o];
  });
}

const shape = [2, 3, 4];
const data = pseudo(24, 7);
const x = tensor(data, { shape, dtype: "float64" });

describe("softmax family", () => {
  it("softmax matches the definition along every dim", () => {
    for (let d = 0; d < 3; d++) {
      assertClose(softmax(x, d), nest(naiveSoftmax(data, shape, d), shape), 1e-12, `dim ${d}`);
      assertClose(x.softmax(d - 3), nest(naiveSoftmax(data, shape, d), shape), 1e-12);
    }
    assertClose(tensor([1, 2, 3]).softmax(), [1, Math.E, Math.E ** 2].map((v) => v / (1 + Math.E + Math.E ** 2)));
  });

  it("rows sum to one", () => {
    const s = x.softmax(1).sum(1);
    for (const v of values(s)) assert.ok(Math.abs(v - 1) < 1e-12);
  });

  it("logSoftmax is log(softmax); softmin is softmax(−x)", () => {
    for (let d = 0; d < 3; d++) {
      assertClose(logSoftmax(x, d), nest(naiveSoftmax(data, shape, d).map(Math.log), shape), 1e-12);
      assertClose(softmin(x, d), nest(naiveSoftmax(data, shape, d, -1), shape), 1e-12);
    }
    assertClose(x.logSoftmax(), nest(naiveSoftmax(data, shape, 2).map(Math.log), shape), 1e-12);
  });

  it("is stable for logits of ±1000 (no NaN or inf)", () => {
    const big = tensor([[1000, 0, -1000], [1000, 1000, -1000], [-1000, -1000, -1000]]);
    const s = big.softmax(1);
    for (const v of values(s)) assert.ok(Number.isFinite(v), `softmax gave ${v}`);
    assertClose(s, [[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]]);
    const ls = big.logSoftmax(1);
    for (const v of values(ls)) assert.ok(Number.isFinite(v), `logSoftmax gave ${v}`);
    assertClose(ls, [[0, -1000, -2000], [-Math.LN2, -Math.LN2, -2000 - Math.LN2], [-Math.log(3), -Math.log(3), -Math.log(3)]], 1e-6);
    assertClose(softmin(big, 1), [[0, 0, 1], [0, 0, 1], [1 / 3, 1 / 3, 1 / 3]]);
  });

  it("gradients stay finite for ±1000 logits", () => {
    const big = tensor([[1000, 0, -1000]], { requiresGrad: true });
    big.logSoftmax().select(1, 0).sum().backward();
    for (const v of values(big.grad!)) assert.ok(Number.isFinite(v));
    assertClose(big.grad!, [[0, 0, 0]], 1e-6);
  });

  it("gives zero probability to −inf logits", () => {
    assertClose(tensor([0, -Infinity, 0]).softmax(), [0.5, 0, 0.5]);
    assertClose(tensor([0, -Infinity]).logSoftmax(), [0, -Infinity]);
  });

  it("gradients match finite differences", () => {
    const p = (seed: number) => tensor(pseudo(12, seed), { shape: [3, 4], requiresGrad: true });
    gradcheck((t) => t.softmax(0), [p(1)]);
    gradcheck((t) => t.logSoftmax(1), [p(2)]);
    gradcheck((t) => softmin(t, -1), [p(3)]);
  });

  it("rejects a bad dim", () => {
    assertThrows(() => x.softmax(3), ValueError, "softmax: dim 3 is out of range for a tensor with 3 dimensions");
    assertThrows(() => x.logSoftmax(-4), ValueError, /^logSoftmax: dim -4 is out of range/);
    assertThrows(() => softmin(x, 5), ValueError, /^softmin: dim 5 is out of range/);
  });
});
