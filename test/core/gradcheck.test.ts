/**
 * Gradient check of every differentiable core op, driven by one table: [name, fn, inputShapes]
 * (plus "pos" for ops defined on positive inputs only). Inputs have magnitudes in [0.5, 2] with
 * mixed signs and no ties, so no finite difference straddles a kink (relu, abs, clamp, max).
 * Also checks that gradcheck itself catches a wrong gradient.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as M from "./core.js";
import { tensor, gradcheck, GradcheckError, attach, noGrad, type Tensor } from "./core.js";
import { count } from "./helpers.js";

type Fn = (...xs: Tensor[]) => Tensor;
type Case = [name: string, fn: Fn, shapes: number[][], domain?: "pos"];

const i32 = (data: number[], shape?: number[]) => tensor(data, { dtype: "int32", shape });

const cases: Case[] = [
  // unary
  ["neg", (x) => x.neg(), [[2, 3]]],
  ["abs", (x) => x.abs(), [[2, 3]]],
  ["exp", (x) => x.exp(), [[2, 3]]],
  ["log", (x) => x.log(), [[2, 3]], "pos"],
  ["sqrt", (x) => x.sqrt(), [[2, 3]], "pos"],
  ["rsqrt", (x) => x.rsqrt(), [[2, 3]], "pos"],
  ["reciprocal", (x) => x.reciprocal(), [[2, 3]]],
  ["square", (x) => x.square(), [[2, 3]]],
  ["sin", (x) => x.sin(), [[2, 3]]],
  ["cos", (x) => x.cos(), [[2, 3]]],
  ["tanh", (x) => x.tanh(), [[2, 3]]],
  ["sigmoid", (x) => x.sigmoid(), [[2, 3]]],
  ["relu", (x) => x.relu(), [[2, 3]]],
  ["erf", (x) => M.erf(x), [[2, 3]]],
  ["log1p", (x) => M.log1p(x), [[2, 3]], "pos"],
  ["expm1", (x) => M.expm1(x), [[2, 3]]],
  ["pow scalar int", (x) => x.pow(3), [[2, 3]]],
  ["pow scalar frac", (x) => x.pow(2.5), [[2, 3]], "pos"],
  ["pow scalar neg", (x) => x.pow(-1.5), [[2, 3]], "pos"],
  ["clamp", (x) => x.clamp(-1, 1), [[3, 4]]],
  ["clamp min", (x) => x.clamp(0.9), [[3, 4]]],
  // binary, with broadcasting
  ["add", (a, b) => a.add(b), [[2, 3], [3]]],
  ["sub", (a, b) => a.sub(b), [[2, 1], [1, 3]]],
  ["mul", (a, b) => a.mul(b), [[2, 3], [2, 1]]],
  ["div", (a, b) => a.div(b), [[3], [2, 3]]],
  ["pow tensor", (a, b) => a.pow(b), [[2, 3], [3]], "pos"],
  ["maximum", (a, b) => a.maximum(b), [[2, 3], [2, 3]]],
  ["minimum", (a, b) => a.minimum(b), [[2, 3], [3]]],
  ["scalar ops", (a) => M.sub(2, a).mul(3).div(a.add(5)), [[4]]],
  ["where", (a, b) => M.where(a.gt(0), a, b), [[2, 3], [3]]],
  // reductions
  ["sum all", (x) => x.sum(), [[2, 3, 2]]],
  ["sum dims keepdim", (x) => x.sum([0, 2], true), [[2, 3, 2]]],
  ["mean", (x) => x.mean(1), [[2, 3, 2]]],
  ["max all", (x) => x.max(), [[3, 4]]],
  ["min all", (x) => x.min(), [[3, 4]]],
  ["max dim", (x) => x.max(1).values, [[3, 4]]],
  ["min dim keepdim", (x) => x.min(0, true).values, [[3, 4]]],
  ["var", (x) => x.var(1), [[3, 4]]],
  ["var correction 0", (x) => x.var([0, 1], { correction: 0 }), [[3, 4]]],
  ["std", (x) => x.std(0, { keepdim: true }), [[3, 4]]],
  ["logsumexp", (x) => x.logsumexp(-1), [[3, 4]]],
  // matmul
  ["matmul 2-D", (a, b) => a.matmul(b), [[2, 3], [3, 4]]],
  ["matmul batched broadcast", (a, b) => a.matmul(b), [[2, 1, 2, 3], [3, 3, 2]]],
  ["matmul 1-D", (a, b) => M.matmul(a, b), [[3], [3]]],
  ["mT", (x) => x.mT.mul(x.mT), [[2, 3]]],
  // movement
  ["reshape", (x) => x.reshape(3, 2).mul(tensor([[1], [2], [3]])), [[2, 3]]],
  ["reshape of strided (copy)", (x) => x.transpose(0, 1).reshape(6).square(), [[2, 3]]],
  ["view", (x) => x.view(-1).square(), [[2, 3]]],
  ["permute", (x) => x.permute(2, 0, 1).square(), [[2, 3, 2]]],
  ["transpose", (x) => x.transpose(0, 1).matmul(x), [[2, 3]]],
  ["expand", (x) => x.expand(2, 3, 4).square(), [[3, 1]]],
  ["squeeze", (x) => x.squeeze().square(), [[1, 3, 1]]],
  ["unsqueeze", (x) => x.unsqueeze(0).mul(tensor([[1], [2]])), [[3]]],
  ["flatten", (x) => x.flatten(1).square(), [[2, 2, 2]]],
  ["slice step", (x) => x.slice(1, 1, 4, 2).square(), [[2, 5]]],
  ["narrow", (x) => x.narrow(0, 1, 2).square(), [[4, 2]]],
  ["select", (x) => x.select(1, -1).square(), [[3, 4]]],
  ["contiguous", (x) => x.transpose(0, 1).contiguous().square(), [[2, 3]]],
  ["clone", (x) => x.clone().square(), [[2, 3]]],
  ["cat", (a, b) => M.cat([a, b.square()], 1), [[2, 3], [2, 2]]],
  ["stack", (a, b) => M.stack([a, b.exp()], 1), [[2, 3], [2, 3]]],
  ["split", (x) => { const [p, q] = x.split([1, 2], 1); return p.mul(q); }, [[3, 3]]],
  ["chunk", (x) => { const [p, q] = x.chunk(2); return p.mul(q.square()); }, [[4, 2]]],
  ["pad", (x) => M.pad(x, [1, 2, 0, 1], 3).square(), [[2, 3]]],
  // indexing
  ["gather", (x) => x.gather(1, i32([2, 0, 0, 1, 1, 1], [2, 3])), [[2, 3]]],
  ["indexSelect", (x) => x.indexSelect(0, i32([1, 1, 0])).square(), [[2, 3]]],
  // softmax family
  ["softmax", (x) => x.softmax(0), [[3, 4]]],
  ["logSoftmax", (x) => x.logSoftmax(-1), [[3, 4]]],
  ["softmin", (x) => M.softmin(x, 1), [[3, 4]]],
];

/** Distinct values with |v| in [0.5, 2] (golden-ratio sequence), mixed signs unless "pos". */
function input(shape: number[], seed: number, domain?: "pos"): Tensor {
  const data = Array.from({ length: count(shape) }, (_, i) => {
    const mag = 0.5 + 1.5 * (((i + 1) * 0.6180339887498949 + seed * 0.377) % 1);
    return domain === "pos" || (i + seed) % 3 !== 0 ? mag : -mag;
  });
  return tensor(data, { shape, requiresGrad: true });
}

describe("gradcheck of every differentiable op", () => {
  for (const [name, fn, shapes, domain] of cases) {
    it(name, () => {
      assert.equal(gradcheck(fn, shapes.map((s, k) => input(s, k + 1, domain))), true);
    });
  }
});

describe("gradcheck itself", () => {
  it("throws on a deliberately wrong gradient, naming input and element", () => {
    // y = x², with a backward that forgets the factor 2.
    const badSquare = (x: Tensor) => attach(noGrad(() => x.square()), "badSquare", [x], (g) => [g.mul(x)]);
    assert.throws(
      () => gradcheck(badSquare, [input([3], 1)]),
      (e: unknown) => e instanceof GradcheckError && /^gradcheck: input 0 \(shape \[3\]\), element 0: numerical .* vs analytical /.test(e.message),
    );
    // The same op with the right backward passes.
    const goodSquare = (x: Tensor) => attach(noGrad(() => x.square()), "goodSquare", [x], (g) => [g.mul(x).mul(2)]);
    assert.equal(gradcheck(goodSquare, [input([3], 1)]), true);
  });

  it("catches a gradient that is wrong for only the second input", () => {
    const badMul = (a: Tensor, b: Tensor) => attach(noGrad(() => a.mul(b)), "badMul", [a, b], (g) => [g.mul(b), g.mul(b)]);
    assert.throws(() => gradcheck(badMul, [input([2], 1), input([2], 2)]), /gradcheck: input 1/);
  });

  it("checks only inputs that require grad, and refuses outputs without a graph", () => {
    const constant = tensor([1, 2]);
    assert.equal(gradcheck((a, c) => a.mul(c), [input([2], 1), constant]), true);
    assert.throws(() => gradcheck((c) => c.mul(2), [constant]), GradcheckError);
  });

  it("gradients flow through dtype casts between floating types", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.double().mul(tensor([3, 4], { dtype: "float64" })).sum().backward();
    assert.equal(x.grad!.dtype, "float32");
    assert.deepEqual(x.grad!.toArray(), [3, 4]);
  });
});
