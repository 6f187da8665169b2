/**
 * The course's XOR example: a 2→hidden(ReLU)→1 MLP built from nn.Linear/nn.ReLU/nn.Sequential
 * learns XOR from scratch with hand-written full-batch gradient descent, and the course's
 * hand-made solution W=[[1,1],[1,1]], c=[0,−1], w=[1,−2], b=0 computes XOR exactly.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, noGrad, manualSeed, type Tensor } from "./core.js";
import { Linear, ReLU, Sequential } from "../../src/nn/index.js";

const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const Y = tensor([[0], [1], [1], [0]]);
const mse = (pred: Tensor, target: Tensor) => pred.sub(target).square().mean();

describe("XOR", () => {
  it("an MLP learns XOR with plain gradient descent", () => {
    manualSeed(0);
    const net = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1));
    const lr = 0.1;
    let loss = Infinity;
    for (let step = 0; step < 3000 && loss >= 1e-3; step++) {
      net.zeroGrad();
      const l = mse(net.forward(X), Y);
      l.backward();
      loss = l.item();
      // p ← p − lr·∇p, in place under noGrad so the update is not recorded.
      noGrad(() => {
        for (const p of net.parameters()) p.copy_(p.sub(p.grad!.mul(lr)));
      });
    }
    const pred = noGrad(() => net.forward(X));
    const finalLoss = mse(pred, Y).item();
    assert.ok(finalLoss < 0.01, `loss ${finalLoss}`);
    const out = Array.from(pred.toTypedArray());
    assert.deepEqual(out.map((v) => (v > 0.5 ? 1 : 0)), [0, 1, 1, 0], `predictions ${out}`);
  });

  it("the course's fixed weights compute XOR exactly", () => {
    const hidden = new Linear(2, 2);
    const output = new Linear(2, 1);
    noGrad(() => {
      hidden.weight.copy_(tensor([[1, 1], [1, 1]])); // W (symmetric, so Wᵀ = W)
      hidden.bias!.copy_(tensor([0, -1])); // c
      output.weight.copy_(tensor([[1, -2]])); // w
      output.bias!.copy_(tensor([0])); // b
    });
    const net = new Sequential(hidden, new ReLU(), output);
    // h = relu(XW + c): [0,0], [1,0], [1,0], [2,1]; y = h·w + b: 0, 1, 1, 0.
    assert.deepEqual(Array.from(net.forward(X).toTypedArray()), [0, 1, 1, 0]);
  });
});
