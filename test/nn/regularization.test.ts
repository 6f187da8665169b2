import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, randn, gradcheck, nn, Generator, DTypeError, type Tensor } from "../../src/index.js";
import { l1Penalty, l2Penalty, elasticNetPenalty, weightsOf } from "../../src/nn/functional/regularization.js";
import { mseLoss } from "../../src/nn/functional/loss.js";

const vals = (t: Tensor) => Array.from(t.toTypedArray());
const sumOf = (a: number[]) => a.reduce((s, v) => s + v, 0);
const near = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `got ${a}, expected ${b}`);

describe("weight penalties", () => {
  const w1 = [0.5, -1.5, 2, -0.25];
  const w2 = [[1, -2], [0.1, 3]];
  const all = [...w1, ...w2.flat()];

  it("l1Penalty = Σ|w|, l2Penalty = Σw² (no ½, no λ), elasticNetPenalty = Σ(βw² + |w|)", () => {
    near(l1Penalty(tensor(w1)).item(), sumOf(w1.map(Math.abs)));
    near(l2Penalty(tensor(w1)).item(), sumOf(w1.map((v) => v * v)));
    near(elasticNetPenalty(tensor(w1), 0.3).item(), sumOf(w1.map((v) => 0.3 * v * v + Math.abs(v))));
  });

  it("sum over a list of tensors, and give 0 for an empty list", () => {
    const list = [tensor(w1), tensor(w2)];
    near(l1Penalty(list).item(), sumOf(all.map(Math.abs)));
    near(l2Penalty(list).item(), sumOf(all.map((v) => v * v)));
    near(elasticNetPenalty(list, 2).item(), sumOf(all.map((v) => 2 * v * v + Math.abs(v))));
    assert.equal(l2Penalty([]).item(), 0);
    assert.deepEqual([...l2Penalty(list).shape], []);
  });

  it("have gradients sign(w), 2w and 2βw + sign(w) (gradcheck)", () => {
    const g = new Generator(1);
    const a = randn([3, 4], { generator: g, requiresGrad: true });
    const b = randn([5], { generator: g, requiresGrad: true });
    gradcheck((p, q) => l1Penalty([p, q]), [a, b]);
    gradcheck((p, q) => l2Penalty([p, q]), [a, b]);
    gradcheck((p, q) => elasticNetPenalty([p, q], 0.7), [a, b]);
    const w = tensor(w1, { requiresGrad: true });
    elasticNetPenalty(w, 0.5).backward();
    assert.deepEqual(vals(w.grad as Tensor), w1.map((v) => 2 * 0.5 * v + Math.sign(v)));
  });

  it("compose with a data loss: loss = data + λ·R adds λ·2w to the weight's gradient", () => {
    const net = new nn.Linear(3, 2);
    const x = randn([4, 3], { generator: new Generator(2) });
    const y = randn([4, 2], { generator: new Generator(3) });
    const lambda = 0.1;
    mseLoss(net.forward(x), y).backward();
    const dataGrad = vals(net.weight.grad as Tensor);
    const biasGrad = vals(net.bias?.grad as Tensor);
    net.zeroGrad();
    mseLoss(net.forward(x), y).add(l2Penalty(weightsOf(net)).mul(lambda)).backward();
    const w = vals(net.weight);
    vals(net.weight.grad as Tensor).forEach((v, i) => near(v, dataGrad[i] + lambda * 2 * w[i], 1e-5));
    assert.deepEqual(vals(net.bias?.grad as Tensor), biasGrad, "the bias is not regularized");
  });

  it("weightsOf picks parameters with more than one dimension (weights, not biases)", () => {
    const net = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    const picked = weightsOf(net);
    assert.deepEqual(picked.map((p) => [...p.shape]), [[4, 3], [2, 4]]);
    assert.ok(picked.every((p) => net.parameters().includes(p)));
  });

  it("reject integer tensors", () => {
    assert.throws(() => l2Penalty(tensor([1, 2], { dtype: "int32" })), (e: Error) => e instanceof DTypeError && /l2Penalty/.test(e.message));
  });
});
