/** End to end: optimizers with autograd drive a quadratic to its minimum. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor } from "../../src/index.js";
import { SGD, Adam, CosineAnnealingLR, clipGradNorm_ } from "../../src/optim/index.js";
import { param, values } from "./helpers.js";

/** f(w) = Σ aᵢ (wᵢ − cᵢ)², minimum at c, badly conditioned (a from 0.1 to 10). */
const a = tensor([0.1, 1, 10], { dtype: "float64" });
const c = tensor([3, -2, 0.5], { dtype: "float64" });
const loss = (w: ReturnType<typeof param>) => w.sub(c).square().mul(a).sum();

describe("training", () => {
  it("SGD with momentum minimizes a badly conditioned quadratic", () => {
    const w = param([0, 0, 0]);
    const opt = new SGD([w], { lr: 0.04, momentum: 0.9 });
    const start = loss(w).item();
    for (let i = 0; i < 300; i++) {
      opt.zeroGrad();
      loss(w).backward();
      opt.step();
    }
    assert.ok(loss(w).item() < 1e-8 * start, `loss ${loss(w).item()}`);
    values(w).forEach((x, i) => assert.ok(Math.abs(x - [3, -2, 0.5][i]) < 1e-4));
  });

  it("plain SGD at the same lr is much slower on the flat direction (momentum matters)", () => {
    const w = param([0, 0, 0]);
    const opt = new SGD([w], { lr: 0.04 });
    for (let i = 0; i < 300; i++) {
      opt.zeroGrad();
      loss(w).backward();
      opt.step();
    }
    assert.ok(loss(w).item() > 1e-3);
  });

  it("Adam with clipping and a cosine schedule converges too", () => {
    const w = param([0, 0, 0]);
    const opt = new Adam([w], { lr: 0.3 });
    const sched = new CosineAnnealingLR(opt, 10, { etaMin: 0.001 });
    for (let epoch = 0; epoch < 10; epoch++) {
      for (let i = 0; i < 40; i++) {
        opt.zeroGrad();
        loss(w).backward();
        clipGradNorm_([w], 5);
        opt.step();
      }
      sched.step();
    }
    assert.ok(loss(w).item() < 1e-4, `loss ${loss(w).item()}`);
  });
});
