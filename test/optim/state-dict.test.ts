/**
 * Optimizer state dicts: PyTorch's layout, a save/restore in the middle of training that
 * continues bit for bit, and clear errors (nothing changed) for state dicts that do not fit.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, Tensor, ValueError, ShapeError } from "../../src/index.js";
import { packState, unpackState } from "../../src/io/state-packing.js";
import { SGD, Adam, AdamW, RMSprop, Adagrad, type Optimizer, type OptimizerStateDict } from "../../src/optim/index.js";
import { numbers, param, values } from "./helpers.js";

type Make = (groups: { params: Tensor[]; lr?: number }[]) => Optimizer;

const makers: Record<string, Make> = {
  "SGD nesterov": (g) => new SGD(g, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  "Adam amsgrad": (g) => new Adam(g, { lr: 0.01, amsgrad: true }),
  AdamW: (g) => new AdamW(g, { lr: 0.01 }),
  "RMSprop centered momentum": (g) => new RMSprop(g, { lr: 0.01, centered: true, momentum: 0.9 }),
  Adagrad: (g) => new Adagrad(g, { lr: 0.1, lrDecay: 0.01 }),
};

/** Two groups (two tensors and one), float32, with per-step gradients by seed. */
function setup(make: Make) {
  const ps = [param(numbers(6, 1), [2, 3], "float32"), param(numbers(3, 2), [3], "float32"), param(numbers(2, 3), [2], "float32")];
  const opt = make([{ params: [ps[0], ps[1]] }, { params: [ps[2]], lr: 0.05 }]);
  const step = (s: number) => {
    ps.forEach((p, i) => (p.grad = tensor(numbers(p.size, 1000 * s + i), { shape: p.shape, dtype: "float32" })));
    opt.step();
  };
  return { ps, opt, step };
}

describe("Optimizer state dict", () => {
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: restoring mid-training continues bit for bit (also through packState)`, () => {
      const a = setup(make);
      for (let s = 0; s < 3; s++) a.step(s);
      const midParams = a.ps.map((p) => Float32Array.from(p.toTypedArray()));
      const saved = a.opt.stateDict();
      const packed = unpackState(packState(saved)) as OptimizerStateDict; // as written to a checkpoint
      for (let s = 3; s < 6; s++) a.step(s);
      for (const sd of [saved, packed]) {
        const b = setup(make);
        b.ps.forEach((p, i) => p.data.set(midParams[i]));
        b.opt.loadStateDict(sd);
        for (let s = 3; s < 6; s++) b.step(s);
        b.ps.forEach((p, i) => assert.deepEqual(values(p), values(a.ps[i])));
      }
    });
  }

  it("has PyTorch's layout: snake_case keys, indices counted through the groups, tensor copies", () => {
    const { opt, step, ps } = setup((g) => new Adam(g, { lr: 0.01, weightDecay: 0.1 }));
    ps[1].grad = null;
    step(0);
    ps[1].grad = null;
    const sd = opt.stateDict();
    assert.deepEqual(sd.param_groups, [
      { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.1, amsgrad: false, maximize: false, params: [0, 1] },
      { lr: 0.05, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.1, amsgrad: false, maximize: false, params: [2] },
    ]);
    assert.deepEqual(Object.keys(sd.state), ["0", "1", "2"]);
    assert.deepEqual(Object.keys(sd.state[0]), ["step", "exp_avg", "exp_avg_sq"]);
    assert.equal(sd.state[0].step, 1);
    const m = sd.state[0].exp_avg as Tensor;
    assert.deepEqual([...m.shape], [2, 3]);
    const live = (opt as Adam).state.get(ps[0])!.expAvg;
    assert.notEqual(m, live);
    assert.deepEqual(values(m), values(live));
  });

  it("restores hyper-parameters (a scheduler's lr, initial_lr) and accepts PyTorch's step tensors and extra keys", () => {
    const { opt, ps } = setup((g) => new Adagrad(g, { lr: 0.1 }));
    const sd: OptimizerStateDict = {
      state: { 2: { step: tensor([4]), sum: tensor([1, 2], { dtype: "float64" }) } },
      param_groups: [
        { lr: 0.3, lr_decay: 0, eps: 1e-10, weight_decay: 0, initial_accumulator_value: 0, maximize: false, foreach: null, params: [0, 1] },
        { lr: 0.02, initial_lr: 0.05, lr_decay: 0, eps: 1e-10, weight_decay: 0, initial_accumulator_value: 0, maximize: false, params: [2] },
      ],
    };
    opt.loadStateDict(sd);
    assert.equal(opt.paramGroups[0].lr, 0.3);
    assert.equal(opt.paramGroups[1].lr, 0.02);
    assert.equal(opt.paramGroups[1].initialLr, 0.05);
    const s = (opt as Adagrad).state.get(ps[2])!;
    assert.equal(s.step, 4);
    assert.equal(s.sum.dtype, "float32"); // cast to the parameter's dtype
    assert.deepEqual(values(s.sum), [1, 2]);
    assert.equal(opt.state.has(ps[0]), false);
  });

  it("rejects state dicts that do not fit, and changes nothing", () => {
    const { opt, step, ps } = setup((g) => new SGD(g, { lr: 0.1, momentum: 0.9 }));
    step(0);
    const good = opt.stateDict();
    const before = opt.stateDict();
    const bad = (f: (sd: OptimizerStateDict) => void): OptimizerStateDict => {
      const sd = opt.stateDict();
      f(sd);
      return sd;
    };
    const cases: [OptimizerStateDict, new (...a: never[]) => Error, RegExp][] = [
      [bad((sd) => sd.param_groups.pop()), ValueError, /SGD\.loadStateDict: the state dict has 1 parameter groups, this optimizer has 2/],
      [bad((sd) => sd.param_groups[0].params.pop()), ValueError, /parameter group 0 has 1 parameters in the state dict, 2 in this optimizer/],
      [bad((sd) => (sd.state[1].momentum_buffer = tensor([1, 2]))), ShapeError, /state "momentum_buffer" of parameter 1 has shape \[2\], the parameter has shape \[3\]/],
      [bad((sd) => (sd.state[7] = {})), ValueError, /state for parameter index 7, which no parameter group lists/],
      [bad((sd) => (sd.param_groups[1].lr = -1)), ValueError, /SGD: invalid lr -1 in parameter group 1/],
      [bad((sd) => (sd.param_groups[0].momentum = true)), ValueError, /momentum in parameter group 0 should be a number, got true/],
      [{ state: {} } as unknown as OptimizerStateDict, ValueError, /expected an object \{ state, param_groups \}/],
    ];
    for (const [sd, type, re] of cases) {
      sd.param_groups?.[0] && (sd.param_groups[0].lr = 0.7); // would change group 0 if applied
      assert.throws(() => opt.loadStateDict(sd), (e: unknown) => e instanceof type && re.test((e as Error).message));
    }
    assert.deepEqual(opt.paramGroups.map((g) => g.lr), [0.1, 0.05]);
    const after = opt.stateDict();
    assert.deepEqual(Object.keys(after.state), Object.keys(before.state));
    for (const k of Object.keys(before.state)) {
      assert.deepEqual(values(after.state[+k].momentum_buffer as Tensor), values(before.state[+k].momentum_buffer as Tensor));
    }
    opt.loadStateDict(good);
    assert.ok(ps.every((p) => opt.state.has(p)));
  });
});
