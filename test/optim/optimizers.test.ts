/**
 * Each optimizer against its update rule written out here over plain numbers (several steps,
 * every option), plus parameter groups, zeroGrad, skipped parameters and input validation.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, ValueError, DTypeError, ShapeError, Tensor } from "../../src/index.js";
import { SGD, Adam, AdamW, RMSprop, Adagrad, type Optimizer } from "../../src/optim/index.js";
import { assertNear, numbers, param, values } from "./helpers.js";

const STEPS = 5;
const N = 6;
const p0 = numbers(N, 1);
const gradSeq = Array.from({ length: STEPS }, (_, s) => numbers(N, 100 + s).map((x) => 2 * x));

/** One reference update: mutates p (and its own state) given a gradient. */
type Rule = (p: number[], g: number[], t: number) => void;

/** Runs `opt` and `rule` side by side for STEPS steps and compares after every step. */
function check(make: (p: Tensor) => Optimizer, rule: Rule, dtype: "float32" | "float64" = "float64"): void {
  const t = param(p0, [2, 3], dtype);
  const opt = make(t);
  const ref = [...p0];
  for (let s = 0; s < STEPS; s++) {
    t.grad = tensor(gradSeq[s], { shape: [2, 3], dtype });
    opt.step();
    rule(ref, gradSeq[s], s + 1);
    assertNear(values(t), ref, dtype === "float64" ? 1e-12 : 1e-5, `step ${s + 1}`);
  }
}

// ---- the rules, as in PyTorch's documentation ----

function sgdRule(o: { lr: number; momentum?: number; dampening?: number; wd?: number; nesterov?: boolean; maximize?: boolean }): Rule {
  const { lr, momentum = 0, dampening = 0, wd = 0, nesterov = false, maximize = false } = o;
  const buf: number[] = [];
  return (p, g, t) => {
    for (let i = 0; i < p.length; i++) {
      let d = (maximize ? -g[i] : g[i]) + wd * p[i];
      if (momentum !== 0) {
        buf[i] = t === 1 ? d : momentum * buf[i] + (1 - dampening) * d;
        d = nesterov ? d + momentum * buf[i] : buf[i];
      }
      p[i] = p[i] - lr * d;
    }
  };
}

function adamRule(o: { lr: number; b1?: number; b2?: number; eps?: number; wd?: number; amsgrad?: boolean; decoupled?: boolean; maximize?: boolean }): Rule {
  const { lr, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0, amsgrad = false, decoupled = false, maximize = false } = o;
  const m = new Array<number>(N).fill(0), v = new Array<number>(N).fill(0), vmax = new Array<number>(N).fill(0);
  return (p, g, t) => {
    for (let i = 0; i < p.length; i++) {
      if (decoupled) p[i] = p[i] * (1 - lr * wd);
      const d = (maximize ? -g[i] : g[i]) + (decoupled ? 0 : wd * p[i]);
      m[i] = b1 * m[i] + (1 - b1) * d;
      v[i] = b2 * v[i] + (1 - b2) * d * d;
      vmax[i] = Math.max(vmax[i], v[i]);
      const mHat = m[i] / (1 - b1 ** t);
      const vHat = (amsgrad ? vmax[i] : v[i]) / (1 - b2 ** t);
      p[i] = p[i] - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  };
}

function rmspropRule(o: { lr: number; alpha?: number; eps?: number; wd?: number; momentum?: number; centered?: boolean }): Rule {
  const { lr, alpha = 0.99, eps = 1e-8, wd = 0, momentum = 0, centered = false } = o;
  const sq = new Array<number>(N).fill(0), ga = new Array<number>(N).fill(0), buf = new Array<number>(N).fill(0);
  return (p, g) => {
    for (let i = 0; i < p.length; i++) {
      const d = g[i] + wd * p[i];
      sq[i] = alpha * sq[i] + (1 - alpha) * d * d;
      ga[i] = alpha * ga[i] + (1 - alpha) * d;
      const avg = Math.sqrt(centered ? sq[i] - ga[i] * ga[i] : sq[i]) + eps;
      if (momentum > 0) {
        buf[i] = momentum * buf[i] + d / avg;
        p[i] -= lr * buf[i];
      } else {
        p[i] -= (lr * d) / avg;
      }
    }
  };
}

function adagradRule(o: { lr: number; lrDecay?: number; wd?: number; init?: number; eps?: number }): Rule {
  const { lr, lrDecay = 0, wd = 0, init = 0, eps = 1e-10 } = o;
  const sum = new Array<number>(N).fill(init);
  return (p, g, t) => {
    const clr = lr / (1 + (t - 1) * lrDecay);
    for (let i = 0; i < p.length; i++) {
      const d = g[i] + wd * p[i];
      sum[i] += d * d;
      p[i] -= (clr * d) / (Math.sqrt(sum[i]) + eps);
    }
  };
}

describe("SGD", () => {
  it("plain", () => check((p) => new SGD([p], { lr: 0.1 }), sgdRule({ lr: 0.1 })));
  it("weight decay", () => check((p) => new SGD([p], { lr: 0.1, weightDecay: 0.01 }), sgdRule({ lr: 0.1, wd: 0.01 })));
  it("momentum with dampening", () => check((p) => new SGD([p], { lr: 0.05, momentum: 0.9, dampening: 0.2 }), sgdRule({ lr: 0.05, momentum: 0.9, dampening: 0.2 })));
  it("nesterov with weight decay", () => check((p) => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.05 }), sgdRule({ lr: 0.1, momentum: 0.9, nesterov: true, wd: 0.05 })));
  it("maximize", () => check((p) => new SGD([p], { lr: 0.1, momentum: 0.5, maximize: true }), sgdRule({ lr: 0.1, momentum: 0.5, maximize: true })));
  it("float32", () => check((p) => new SGD([p], { lr: 0.1, momentum: 0.9 }), sgdRule({ lr: 0.1, momentum: 0.9 }), "float32"));
  it("first momentum step uses the gradient itself (no dampening)", () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 1, momentum: 0.9, dampening: 0.5 });
    p.grad = tensor([2], { dtype: "float64" });
    opt.step();
    assert.deepEqual(values(p), [1 - 2]);
  });
});

describe("Adam / AdamW", () => {
  it("Adam defaults", () => check((p) => new Adam([p]), adamRule({ lr: 1e-3 })));
  it("Adam L2 weight decay and betas", () => check((p) => new Adam([p], { lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.1 }), adamRule({ lr: 0.01, b1: 0.8, b2: 0.99, wd: 0.1 })));
  // β2 = 0.5 lets v fall between steps, so max(v) differs from v.
  it("Adam amsgrad", () => check((p) => new Adam([p], { lr: 0.01, betas: [0.9, 0.5], amsgrad: true, eps: 1e-3 }), adamRule({ lr: 0.01, b2: 0.5, amsgrad: true, eps: 1e-3 })));
  it("Adam maximize", () => check((p) => new Adam([p], { lr: 0.01, maximize: true }), adamRule({ lr: 0.01, maximize: true })));
  it("AdamW decoupled decay (default 1e-2)", () => check((p) => new AdamW([p], { lr: 0.01 }), adamRule({ lr: 0.01, wd: 1e-2, decoupled: true })));
  it("AdamW amsgrad, strong decay", () => check((p) => new AdamW([p], { lr: 0.01, betas: [0.9, 0.5], weightDecay: 0.5, amsgrad: true }), adamRule({ lr: 0.01, b2: 0.5, wd: 0.5, amsgrad: true, decoupled: true })));
  it("float32", () => check((p) => new AdamW([p], { lr: 0.01 }), adamRule({ lr: 0.01, wd: 1e-2, decoupled: true }), "float32"));
  it("AdamW's defaults differ from Adam's only in weightDecay", () => {
    assert.deepEqual({ ...AdamW.defaultOptions, weightDecay: 0 }, { ...Adam.defaultOptions });
    assert.equal(new AdamW([param([1])]).defaults.weightDecay, 0.01);
  });
});

describe("RMSprop", () => {
  it("defaults", () => check((p) => new RMSprop([p]), rmspropRule({ lr: 1e-2 })));
  it("momentum and weight decay", () => check((p) => new RMSprop([p], { lr: 0.01, momentum: 0.9, weightDecay: 0.1 }), rmspropRule({ lr: 0.01, momentum: 0.9, wd: 0.1 })));
  it("centered", () => check((p) => new RMSprop([p], { lr: 0.01, centered: true, alpha: 0.9 }), rmspropRule({ lr: 0.01, centered: true, alpha: 0.9 })));
  it("centered with momentum, float32", () => check((p) => new RMSprop([p], { lr: 0.01, centered: true, momentum: 0.5 }), rmspropRule({ lr: 0.01, centered: true, momentum: 0.5 }), "float32"));
});

describe("Adagrad", () => {
  it("defaults", () => check((p) => new Adagrad([p]), adagradRule({ lr: 1e-2 })));
  it("lr decay, weight decay, initial accumulator", () =>
    check((p) => new Adagrad([p], { lr: 0.1, lrDecay: 0.3, weightDecay: 0.05, initialAccumulatorValue: 0.4 }), adagradRule({ lr: 0.1, lrDecay: 0.3, wd: 0.05, init: 0.4 })));
  it("float32", () => check((p) => new Adagrad([p], { lr: 0.5 }), adagradRule({ lr: 0.5 }), "float32"));
});

describe("Optimizer", () => {
  it("parameter groups take their own lr and inherit the other defaults", () => {
    const a = param([1, 2]), b = param([3]);
    const opt = new SGD([{ params: [a] }, { params: b, lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    assert.equal(opt.paramGroups[0].lr, 0.1);
    assert.equal(opt.paramGroups[1].lr, 0.5);
    assert.equal(opt.paramGroups[1].momentum, 0.9);
    a.grad = tensor([1, 1], { dtype: "float64" });
    b.grad = tensor([1], { dtype: "float64" });
    opt.step();
    assertNear(values(a), [0.9, 1.9]);
    assertNear(values(b), [2.5]);
  });

  it("changing group.lr takes effect at the next step", () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1 });
    opt.paramGroups[0].lr = 1;
    p.grad = tensor([0.5], { dtype: "float64" });
    opt.step();
    assertNear(values(p), [0.5]);
  });

  it("skips parameters without a gradient, and creates no state for them", () => {
    const a = param([1]), b = param([2]);
    const opt = new Adam([a, b], { lr: 0.1 });
    a.grad = tensor([1], { dtype: "float64" });
    opt.step();
    assert.deepEqual(values(b), [2]);
    assert.ok(opt.state.has(a) && !opt.state.has(b));
    assert.equal(opt.state.get(a)?.step, 1);
  });

  it("zeroGrad sets grads to null, or to zeros with setToNone = false", () => {
    const a = param([1, 2]);
    const opt = new SGD([a], { lr: 0.1 });
    a.grad = tensor([3, 4], { dtype: "float64" });
    opt.zeroGrad(false);
    assert.deepEqual(values(a.grad), [0, 0]);
    opt.zeroGrad();
    assert.equal(a.grad, null);
  });

  it("works with autograd: gradients from backward, step records no graph", () => {
    const w = param([2, -1]);
    const opt = new SGD([w], { lr: 0.25 });
    w.mul(w).sum().backward(); // grad = 2w
    opt.step();
    assertNear(values(w), [1, -0.5]);
    assert.equal(w.gradFn, null);
    assert.ok(w.requiresGrad);
  });

  it("step(closure) evaluates the closure with grad enabled and returns its result", () => {
    const w = param([3]);
    const opt = new SGD([w], { lr: 0.1 });
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = w.mul(w).sum();
      l.backward();
      return l.item();
    });
    assert.equal(loss, 9);
    assertNear(values(w), [3 - 0.1 * 6]);
  });

  it("toString lists each group's hyper-parameters", () => {
    const opt = new SGD([{ params: [param([1, 2])] }, { params: [param([3])], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    assert.equal(
      opt.toString(),
      [
        "SGD (", "Parameter Group 0", "    params: 1 tensor, 2 elements", "    dampening: 0", "    lr: 0.1", "    maximize: false",
        "    momentum: 0.9", "    nesterov: false", "    weightDecay: 0", "Parameter Group 1", "    params: 1 tensor, 1 element",
        "    dampening: 0", "    lr: 0.5", "    maximize: false", "    momentum: 0.9", "    nesterov: false", "    weightDecay: 0", ")",
      ].join("\n"),
    );
    assert.match(new Adam([param([1])]).toString(), /betas: \[0\.9, 0\.999\]/);
  });

  it("addParamGroup adds a group with the defaults", () => {
    const opt = new Adam([param([1])], { lr: 0.1 });
    opt.addParamGroup({ params: [param([2])], eps: 1e-3 });
    assert.equal(opt.paramGroups.length, 2);
    assert.equal(opt.paramGroups[1].lr, 0.1);
    assert.equal(opt.paramGroups[1].eps, 1e-3);
  });
});

describe("Optimizer errors", () => {
  const p = () => param([1]);
  const throwsMsg = (fn: () => unknown, type: new (...a: never[]) => Error, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof type && re.test((e as Error).message));

  it("rejects invalid hyper-parameters", () => {
    throwsMsg(() => new SGD([p()], { lr: -0.1 }), ValueError, /^SGD: invalid lr -0\.1: must be a number ≥ 0$/);
    throwsMsg(() => new SGD([p()], { lr: 0.1, momentum: -1 }), ValueError, /SGD: invalid momentum -1/);
    throwsMsg(() => new SGD([p()], { lr: 0.1, nesterov: true }), ValueError, /nesterov momentum requires momentum > 0 and dampening 0/);
    throwsMsg(() => new SGD([p()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), ValueError, /dampening 0.1/);
    throwsMsg(() => new Adam([p()], { betas: [1, 0.999] }), ValueError, /Adam: invalid betas\[0\] 1: must be in \[0, 1\)/);
    throwsMsg(() => new AdamW([p()], { betas: [0.9, -0.1] }), ValueError, /AdamW: invalid betas\[1\] -0\.1/);
    throwsMsg(() => new Adam([p()], { eps: -1 }), ValueError, /Adam: invalid eps -1/);
    throwsMsg(() => new Adam([p()], { lr: NaN }), ValueError, /invalid lr NaN/);
    throwsMsg(() => new RMSprop([p()], { alpha: -0.5 }), ValueError, /RMSprop: invalid alpha -0\.5/);
    throwsMsg(() => new Adagrad([p()], { initialAccumulatorValue: -1 }), ValueError, /Adagrad: invalid initialAccumulatorValue -1/);
    throwsMsg(() => new Adagrad([p()], { lrDecay: -1 }), ValueError, /Adagrad: invalid lrDecay -1/);
    throwsMsg(() => new SGD([{ params: [p()] }, { params: [p()], lr: -1 }], { lr: 0.1 }), ValueError, /invalid lr -1 in parameter group 1/);
  });

  it("requires lr for SGD (no default, as in PyTorch 1.13), in the options or every group", () => {
    throwsMsg(() => new SGD([p()]), ValueError, /SGD: lr is required \(no default\) but was not given in parameter group 0/);
    assert.equal(new SGD([{ params: [p()], lr: 0.3 }]).paramGroups[0].lr, 0.3);
  });

  it("rejects unknown options and wrong kinds, with a hint for snake_case", () => {
    throwsMsg(() => new Adam([p()], { weight_decay: 0.1 } as never), ValueError, /Adam: unknown option "weight_decay" \(did you mean "weightDecay"\?\)/);
    throwsMsg(() => new SGD([{ params: [p()], lrr: 1 } as never], { lr: 0.1 }), ValueError, /unknown option "lrr" in parameter group 0/);
    throwsMsg(() => new Adam([p()], { betas: [0.9] as never }), ValueError, /betas should be a list of 2 numbers, got \[0\.9\]/);
    throwsMsg(() => new SGD([p()], { lr: 0.1, nesterov: 1 as never }), ValueError, /nesterov should be a boolean, got 1/);
  });

  it("rejects bad parameter lists", () => {
    throwsMsg(() => new SGD([], { lr: 0.1 }), ValueError, /SGD: got an empty parameter list/);
    throwsMsg(() => new SGD(p() as never, { lr: 0.1 }), ValueError, /got a single Tensor; wrap it in an array/);
    throwsMsg(() => new SGD([tensor([1, 2], { dtype: "int32" })], { lr: 0.1 }), DTypeError, /can only optimize floating-point tensors/);
    const leaf = p();
    throwsMsg(() => new SGD([leaf.mul(2)], { lr: 0.1 }), ValueError, /can't optimize a non-leaf tensor/);
    throwsMsg(() => new SGD([param([1, 2, 3, 4], [2, 2]).detach().transpose(0, 1)], { lr: 0.1 }), ValueError, /non-contiguous view/);
    throwsMsg(() => new SGD([leaf, leaf], { lr: 0.1 }), ValueError, /appears twice in parameter group 0/);
    throwsMsg(() => new SGD([{ params: [leaf] }, { params: [leaf] }], { lr: 0.1 }), ValueError, /appears in more than one parameter group/);
    throwsMsg(() => new SGD([{ params: [leaf] }, leaf] as never, { lr: 0.1 }), ValueError, /parameter group 1 should be an object \{ params, \.\.\.options \}.*do not mix/);
  });

  it("rejects a gradient of the wrong shape at step", () => {
    const w = param([1, 2]);
    const opt = new SGD([w], { lr: 0.1 });
    w.grad = tensor([1, 2, 3], { dtype: "float64" });
    throwsMsg(() => opt.step(), ShapeError, /SGD\.step: parameter 0 of group 0: a parameter of shape \[2\] has a gradient of shape \[3\]/);
  });
});
