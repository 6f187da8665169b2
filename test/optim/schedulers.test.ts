/**
 * Learning-rate schedulers: each one's lr sequence against its closed form written out here,
 * composition on one optimizer, SequentialLR warm-up + cosine, ReduceLROnPlateau's patience,
 * cooldown, thresholds and floors, state dicts, resuming, and argument errors.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ValueError } from "../../src/index.js";
import {
  SGD, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, LambdaLR, SequentialLR, ReduceLROnPlateau,
  type Scheduler, type SchedulerStateDict,
} from "../../src/optim/index.js";
import { packState, unpackState } from "../../src/io/state-packing.js";
import { assertNear, param } from "./helpers.js";

/** An optimizer with two groups (lr 0.1 and 0.02). */
const makeOpt = () => new SGD([{ params: [param([1])] }, { params: [param([2])], lr: 0.02 }], { lr: 0.1 });
const BASES = [0.1, 0.02];

/** The lrs of group `g` at epochs 0..epochs: after construction, then after each step(). */
function lrs(opt: SGD, sched: Scheduler, epochs: number, g = 0): number[] {
  const out = [opt.paramGroups[g].lr];
  for (let e = 1; e <= epochs; e++) {
    sched.step();
    out.push(opt.paramGroups[g].lr);
  }
  return out;
}

/** Checks both groups against closed(base, epoch). */
function checkClosedForm(make: (opt: SGD) => Scheduler, closed: (base: number, e: number) => number, epochs = 30): void {
  BASES.forEach((base, g) => {
    const opt = makeOpt();
    const got = lrs(opt, make(opt), epochs, g);
    assertNear(got, got.map((_, e) => closed(base, e)), 1e-12, `group ${g}`);
  });
}

describe("epoch schedulers match their closed forms", () => {
  it("StepLR: base·γ^⌊e/stepSize⌋", () => checkClosedForm((o) => new StepLR(o, 4, { gamma: 0.5 }), (b, e) => b * 0.5 ** Math.floor(e / 4)));
  it("StepLR default γ = 0.1", () => checkClosedForm((o) => new StepLR(o, 3), (b, e) => b * 0.1 ** Math.floor(e / 3), 10));
  it("MultiStepLR: base·γ^(milestones ≤ e), a repeated milestone counts twice", () =>
    checkClosedForm((o) => new MultiStepLR(o, [12, 3, 7, 7], { gamma: 0.3 }), (b, e) => b * 0.3 ** [3, 7, 7, 12].filter((m) => m <= e).length));
  it("ExponentialLR: base·γᵉ", () => checkClosedForm((o) => new ExponentialLR(o, 0.9), (b, e) => b * 0.9 ** e));
  it("CosineAnnealingLR: ηmin + (base − ηmin)(1 + cos(πe/T))/2, continuing past T", () =>
    checkClosedForm((o) => new CosineAnnealingLR(o, 7, { etaMin: 0.001 }), (b, e) => 0.001 + ((b - 0.001) * (1 + Math.cos((Math.PI * e) / 7))) / 2, 30));
  it("LinearLR: base·(s + (f − s)·min(e, n)/n)", () =>
    checkClosedForm((o) => new LinearLR(o, { startFactor: 0.25, endFactor: 0.9, totalIters: 6 }), (b, e) => b * (0.25 + ((0.9 - 0.25) * Math.min(e, 6)) / 6), 12));
  it("LinearLR defaults: 1/3 → 1 over 5 epochs", () => checkClosedForm((o) => new LinearLR(o), (b, e) => b * (1 / 3 + ((2 / 3) * Math.min(e, 5)) / 5), 8));
  it("LambdaLR: base·λ(e), one function per group", () => {
    const opt = makeOpt();
    const sched = new LambdaLR(opt, [(e) => 1 / (e + 1), (e) => 0.5 ** e]);
    const g0 = [opt.paramGroups[0].lr], g1 = [opt.paramGroups[1].lr];
    for (let e = 1; e <= 5; e++) {
      sched.step();
      g0.push(opt.paramGroups[0].lr);
      g1.push(opt.paramGroups[1].lr);
    }
    assertNear(g0, [0, 1, 2, 3, 4, 5].map((e) => 0.1 / (e + 1)));
    assertNear(g1, [0, 1, 2, 3, 4, 5].map((e) => 0.02 * 0.5 ** e));
  });

  it("getLastLr gives every group's lr, as a copy", () => {
    const opt = makeOpt();
    const sched = new StepLR(opt, 1, { gamma: 0.5 });
    sched.step();
    const last = sched.getLastLr();
    assertNear(last, [0.05, 0.01]);
    last[0] = 7;
    assertNear(sched.getLastLr(), [0.05, 0.01]);
  });

  it("two schedulers on one optimizer compose (chainable forms)", () => {
    const opt = makeOpt();
    const a = new StepLR(opt, 3, { gamma: 0.5 });
    const b = new ExponentialLR(opt, 0.9);
    const got = [opt.paramGroups[0].lr];
    for (let e = 1; e <= 10; e++) {
      a.step();
      b.step();
      got.push(opt.paramGroups[0].lr);
    }
    assertNear(got, got.map((_, e) => 0.1 * 0.5 ** Math.floor(e / 3) * 0.9 ** e));
  });
});

describe("SequentialLR", () => {
  it("linear warm-up then cosine annealing restarted at the milestone", () => {
    const opt = makeOpt();
    const warm = new LinearLR(opt, { startFactor: 0.1, totalIters: 4 });
    const cos = new CosineAnnealingLR(opt, 10, { etaMin: 0.002 });
    const sched = new SequentialLR(opt, [warm, cos], [4]);
    const got = lrs(opt, sched, 20);
    const want = got.map((_, e) => (e < 4 ? 0.1 * (0.1 + (0.9 * e) / 4) : 0.002 + ((0.1 - 0.002) * (1 + Math.cos((Math.PI * (e - 4)) / 10))) / 2));
    assertNear(got, want);
    assertNear(sched.getLastLr(), [want[20], 0.002 + ((0.02 - 0.002) * (1 + Math.cos((Math.PI * 16) / 10))) / 2]);
  });

  it("three stages", () => {
    const opt = makeOpt();
    const s = new SequentialLR(opt, [new ExponentialLR(opt, 0.8), new StepLR(opt, 2, { gamma: 0.5 }), new ExponentialLR(opt, 0.5)], [3, 8]);
    const got = lrs(opt, s, 12);
    assertNear(got, got.map((_, e) => (e < 3 ? 0.1 * 0.8 ** e : e < 8 ? 0.1 * 0.5 ** Math.floor((e - 3) / 2) : 0.1 * 0.5 ** (e - 8))));
  });

  it("rejects mismatched schedulers and milestones", () => {
    const opt = makeOpt();
    const a = new LinearLR(opt), b = new ExponentialLR(opt, 0.9);
    assert.throws(() => new SequentialLR(opt, [a, b], []), /SequentialLR: expected 1 milestones \(one fewer than the 2 schedulers\), got 0/);
    assert.throws(() => new SequentialLR(makeOpt(), [a, b], [3]), /scheduler 0 belongs to a different optimizer/);
    assert.throws(() => new SequentialLR(opt, [a, b, a], [5, 2]), /milestones must increase/);
    assert.throws(() => new SequentialLR(opt, [], []), /non-empty list of schedulers/);
  });
});

describe("ReduceLROnPlateau", () => {
  /** Feeds metrics and returns group 0's lr after each step. */
  const feed = (sched: ReduceLROnPlateau, opt: SGD, metrics: number[]) => metrics.map((m) => (sched.step(m), opt.paramGroups[0].lr));

  it("reduces after more than `patience` bad epochs, then counts again", () => {
    const opt = makeOpt();
    const sched = new ReduceLROnPlateau(opt, { patience: 2, factor: 0.5 });
    // epoch 1 sets best; 2, 3, 4 are bad → reduce at 4; 5, 6, 7 bad → reduce at 7.
    assertNear(feed(sched, opt, [1, 1, 1, 1, 1, 1, 1]), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]);
    assertNear(sched.getLastLr(), [0.025, 0.005]);
  });

  it("an improvement resets the count; one within the relative threshold does not", () => {
    const opt = makeOpt();
    const sched = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5, threshold: 0.1 });
    // best 1 → 0.95 is not < 1·(1 − 0.1): bad; 0.85 < 0.9: better; then 0.8 > 0.765: bad, bad → reduce.
    assertNear(feed(sched, opt, [1, 0.95, 0.85, 0.8, 0.8]), [0.1, 0.1, 0.1, 0.1, 0.05]);
    assert.equal(sched.best, 0.85);
  });

  it("cooldown ignores the epochs right after a reduction", () => {
    const opt = makeOpt();
    const sched = new ReduceLROnPlateau(opt, { patience: 1, cooldown: 2, factor: 0.5 });
    // reduce at 3; epochs 4, 5 in cooldown; 6, 7 bad → reduce at 7.
    assertNear(feed(sched, opt, [1, 1, 1, 1, 1, 1, 1]), [0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025]);
  });

  it("mode max with an absolute threshold, and per-group lr floors", () => {
    const opt = makeOpt();
    const sched = new ReduceLROnPlateau(opt, { mode: "max", thresholdMode: "abs", threshold: 0.1, patience: 0, factor: 0.1, minLr: [0.005, 0.01] });
    // 0.5 best; 0.55 is not > 0.6: bad → reduce; 0.7 better; 0.75 bad → reduce (floored).
    assertNear(feed(sched, opt, [0.5, 0.55, 0.7, 0.75]), [0.1, 0.01, 0.01, 0.005]);
    assertNear(sched.getLastLr(), [0.005, 0.01]);
  });

  it("skips reductions smaller than eps", () => {
    const opt = new SGD([param([1])], { lr: 1e-8 });
    const sched = new ReduceLROnPlateau(opt, { patience: 0 });
    feed(sched, opt, [1, 1, 1]);
    assert.equal(opt.paramGroups[0].lr, 1e-8);
  });

  it("state dict round trip continues identically (best = Infinity survives packing as a number)", () => {
    const a = makeOpt();
    const sa = new ReduceLROnPlateau(a, { patience: 1, cooldown: 1 });
    feed(sa, a, [3, 2, 2]);
    const b = makeOpt();
    b.loadStateDict(a.stateDict());
    const sb = new ReduceLROnPlateau(b);
    sb.loadStateDict(unpackState(packState(sa.stateDict())) as SchedulerStateDict);
    assert.equal(sb.patience, 1);
    const fresh = new ReduceLROnPlateau(makeOpt());
    fresh.loadStateDict(unpackState(packState(new ReduceLROnPlateau(makeOpt(), { mode: "max" }).stateDict())) as SchedulerStateDict);
    assert.equal(fresh.best, -Infinity);
    assert.deepEqual(feed(sb, b, [2, 2, 2, 1, 1, 1]), feed(sa, a, [2, 2, 2, 1, 1, 1]));
  });

  it("rejects bad arguments", () => {
    const opt = makeOpt();
    assert.throws(() => new ReduceLROnPlateau(opt, { factor: 1 }), /ReduceLROnPlateau: invalid factor 1: must be in \[0, 1\)/);
    assert.throws(() => new ReduceLROnPlateau(opt, { mode: "avg" as never }), /mode should be "min" or "max", got "avg"/);
    assert.throws(() => new ReduceLROnPlateau(opt, { thresholdMode: "x" as never }), /thresholdMode should be "rel" or "abs"/);
    assert.throws(() => new ReduceLROnPlateau(opt, { minLr: [0] }), /expected 2 minLr values \(one per parameter group\), got 1/);
    assert.throws(() => new ReduceLROnPlateau(opt, { patience: 1.5 }), /invalid patience 1\.5: must be an integer ≥ 0/);
    assert.throws(() => new ReduceLROnPlateau(opt, { min_lr: 0 } as never), /unknown option "min_lr" \(did you mean "minLr"\?\)/);
    assert.throws(() => new ReduceLROnPlateau(opt).step(), ValueError);
  });
});

describe("scheduler state and resuming", () => {
  const makers: Record<string, (o: SGD) => StepLR | CosineAnnealingLR | MultiStepLR | LinearLR> = {
    StepLR: (o) => new StepLR(o, 3, { gamma: 0.5 }),
    MultiStepLR: (o) => new MultiStepLR(o, [2, 6]),
    CosineAnnealingLR: (o) => new CosineAnnealingLR(o, 8, { etaMin: 0.01 }),
    LinearLR: (o) => new LinearLR(o, { totalIters: 6 }),
  };
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: optimizer + scheduler state dicts restore the schedule exactly`, () => {
      const a = makeOpt();
      const sa = make(a);
      for (let e = 0; e < 5; e++) sa.step();
      const b = makeOpt();
      const sb = make(b);
      b.loadStateDict(a.stateDict());
      sb.loadStateDict(JSON.parse(JSON.stringify(sa.stateDict())));
      assert.equal(sb.lastEpoch, 5);
      assert.deepEqual(lrs(b, sb, 10), lrs(a, sa, 10));
    });
  }

  it("uses PyTorch's state-dict keys", () => {
    const sd = new CosineAnnealingLR(makeOpt(), 8, { etaMin: 0.01 }).stateDict();
    assert.deepEqual(sd, { T_max: 8, eta_min: 0.01, base_lrs: [0.1, 0.02], last_epoch: 0, _step_count: 1, _last_lr: [0.1, 0.02] });
  });

  it("a scheduler built with lastEpoch resumes from the optimizer's initialLr (closed form)", () => {
    const a = makeOpt();
    new CosineAnnealingLR(a, 10);
    const b = makeOpt();
    b.loadStateDict(a.stateDict()); // carries initial_lr
    b.paramGroups.forEach((g) => (g.lr = 123)); // the resumed lr is recomputed, not read
    const s = new CosineAnnealingLR(b, 10, { lastEpoch: 5 });
    assert.equal(s.lastEpoch, 6);
    assertNear(s.getLastLr(), BASES.map((base) => (base * (1 + Math.cos((Math.PI * 6) / 10))) / 2));
    assert.throws(() => new StepLR(makeOpt(), 2, { lastEpoch: 3 }), /StepLR: parameter group 0 has no initialLr; resuming with lastEpoch 3/);
  });

  it("rejects malformed state dicts", () => {
    const s = new StepLR(makeOpt(), 2);
    assert.throws(() => s.loadStateDict({ step_size: 2, gamma: 0.1, base_lrs: [0.1, 0.02], last_epoch: 0, _last_lr: [0.1, 0.02] }), /StepLR\.loadStateDict: missing "_step_count"/);
    assert.throws(() => s.loadStateDict({ ...s.stateDict(), gamma: "x" }), /"gamma" should be a number, got "x"/);
    assert.throws(() => s.loadStateDict({ ...s.stateDict(), base_lrs: [0.1] }), /"base_lrs" has 1 values, the optimizer has 2 parameter groups/);
  });

  it("rejects bad arguments", () => {
    const opt = makeOpt();
    assert.throws(() => new StepLR(opt, 0), /StepLR: invalid stepSize 0: must be an integer ≥ 1/);
    assert.throws(() => new StepLR(opt, 2, { gamma: -1 }), /StepLR: invalid gamma -1/);
    assert.throws(() => new StepLR(opt, 2, { step_size: 3 } as never), /StepLR: unknown option "step_size"/);
    assert.throws(() => new MultiStepLR(opt, [1, -2]), /MultiStepLR: invalid milestone -2/);
    assert.throws(() => new CosineAnnealingLR(opt, 0), /CosineAnnealingLR: invalid tMax 0/);
    assert.throws(() => new LinearLR(opt, { startFactor: 0 }), /LinearLR: invalid startFactor 0: must be in \(0, 1\]/);
    assert.throws(() => new LinearLR(opt, { endFactor: 1.5 }), /LinearLR: invalid endFactor 1\.5: must be in \[0, 1\]/);
    assert.throws(() => new LambdaLR(opt, [() => 1]), /LambdaLR: expected 2 lr lambdas \(one per parameter group\), got 1/);
  });

  it("toString shows the hyper-parameters and the current lr", () => {
    assert.equal(new StepLR(makeOpt(), 3).toString(), "StepLR(stepSize=3, gamma=0.1, lastEpoch=0, lr=[0.1, 0.02])");
  });
});
