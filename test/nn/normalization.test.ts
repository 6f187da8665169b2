import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, randn, gradcheck, Generator, ShapeError, ValueError, DTypeError, type Tensor } from "../../src/index.js";
import { count, unravel } from "../core/helpers.js";
import {
  batchNorm, groupNorm, instanceNorm, layerNorm, localResponseNorm,
} from "../../src/nn/functional/normalization.js";
import {
  BatchNorm1d, BatchNorm2d, BatchNorm3d, GroupNorm, InstanceNorm1d, InstanceNorm2d, LayerNorm, LocalResponseNorm,
} from "../../src/nn/layers/normalization.js";

// ---- independent reference: statistics by explicit grouping of flat indices ----

const flat = (t: Tensor) => Array.from(t.toTypedArray());

/** Mean, biased and unbiased variance of the elements of xs whose group key is `key`. */
function groupStats(xs: number[], keyOf: (i: number) => string): Map<string, { mean: number; biased: number; unbiased: number }> {
  const members = new Map<string, number[]>();
  xs.forEach((v, i) => {
    const k = keyOf(i);
    if (!members.has(k)) members.set(k, []);
    members.get(k)!.push(v);
  });
  const out = new Map<string, { mean: number; biased: number; unbiased: number }>();
  for (const [k, vs] of members) {
    const mean = vs.reduce((a, b) => a + b, 0) / vs.length;
    const ss = vs.reduce((a, b) => a + (b - mean) ** 2, 0);
    out.set(k, { mean, biased: ss / vs.length, unbiased: ss / (vs.length - 1) });
  }
  return out;
}

/**
 * y_i = (x_i − mean_g)/√(var_g + eps)·w[p] + b[p] with g = keyOf(i) and p = paramOf(i); mean and
 * biased variance per group computed from the data unless `fixed` supplies them.
 */
function refNormalize(
  x: Tensor, keyOf: (idx: number[]) => string, paramOf: (idx: number[]) => number,
  w: number[] | null, b: number[] | null, eps: number,
  fixed?: (idx: number[]) => { mean: number; variance: number },
): number[] {
  const xs = flat(x);
  const stats = groupStats(xs, (i) => keyOf(unravel(i, x.shape)));
  return xs.map((v, i) => {
    const idx = unravel(i, x.shape);
    const s = fixed ? fixed(idx) : { mean: stats.get(keyOf(idx))!.mean, variance: stats.get(keyOf(idx))!.biased };
    const p = paramOf(idx);
    return ((v - s.mean) / Math.sqrt(s.variance + eps)) * (w ? w[p] : 1) + (b ? b[p] : 0);
  });
}

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5, what = "values"): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])), `${what}[${i}]: got ${got[i]}, want ${want[i]}`);
  }
}

const gen = (seed: number) => new Generator(seed);
const rnd = (shape: number[], seed: number, dtype: "float32" | "float64" = "float64") => randn(shape, { generator: gen(seed), dtype });
const channelKey = (idx: number[]) => String(idx[1]);
const channelParam = (idx: number[]) => idx[1];

// ---------------------------------------------------------------------------------------------

describe("batchNorm (functional)", () => {
  for (const shape of [[6, 3], [4, 3, 5], [2, 3, 4, 4], [2, 2, 2, 3, 2]]) {
    it(`training normalizes per channel over the other dims, ${JSON.stringify(shape)}`, () => {
      const x = rnd(shape, 1).mul(3).add(2);
      const w = rnd([shape[1]], 2);
      const b = rnd([shape[1]], 3);
      const y = batchNorm(x, null, null, w, b, { training: true, eps: 1e-5 });
      assertClose(flat(y), refNormalize(x, channelKey, channelParam, flat(w), flat(b), 1e-5), 1e-10);
    });
  }

  it("updates running statistics with the unbiased variance", () => {
    const x = rnd([5, 3, 4], 4).mul(2).add(1);
    const rm = tensor([0.5, -1, 2], { dtype: "float64" });
    const rv = tensor([1, 2, 0.5], { dtype: "float64" });
    const [rm0, rv0] = [flat(rm), flat(rv)];
    batchNorm(x, rm, rv, null, null, { training: true, momentum: 0.3 });
    const stats = groupStats(flat(x), (i) => channelKey(unravel(i, x.shape)));
    assertClose(flat(rm), [0, 1, 2].map((c) => 0.7 * rm0[c] + 0.3 * stats.get(String(c))!.mean), 1e-12);
    assertClose(flat(rv), [0, 1, 2].map((c) => 0.7 * rv0[c] + 0.3 * stats.get(String(c))!.unbiased), 1e-12);
  });

  it("evaluation mode uses the running statistics and leaves them unchanged", () => {
    const x = rnd([4, 3, 2], 5);
    const rm = tensor([0.5, -1, 2], { dtype: "float64" });
    const rv = tensor([1, 2, 0.5], { dtype: "float64" });
    const w = tensor([1.5, -0.5, 2], { dtype: "float64" });
    const b = tensor([0, 1, -1], { dtype: "float64" });
    const y = batchNorm(x, rm, rv, w, b, { training: false, eps: 1e-3 });
    const want = refNormalize(x, channelKey, channelParam, flat(w), flat(b), 1e-3, (idx) => ({ mean: flat(rm)[idx[1]], variance: flat(rv)[idx[1]] }));
    assertClose(flat(y), want, 1e-12);
    assert.deepEqual(flat(rm), [0.5, -1, 2]);
    assert.deepEqual(flat(rv), [1, 2, 0.5]);
  });

  it("float32 input keeps float32 and matches the float64 result", () => {
    const x64 = rnd([4, 3, 3], 6);
    const y32 = batchNorm(x64.float(), null, null, null, null, { training: true });
    assert.equal(y32.dtype, "float32");
    assertClose(flat(y32), refNormalize(x64, channelKey, channelParam, null, null, 1e-5), 1e-5);
  });

  it("gradcheck in training mode (through the batch statistics)", () => {
    const x = rnd([3, 2, 4], 7).requiresGrad_();
    const w = rnd([2], 8).requiresGrad_();
    const b = rnd([2], 9).requiresGrad_();
    assert.ok(gradcheck((xx, ww, bb) => batchNorm(xx, null, null, ww, bb, { training: true }), [x, w, b]));
    const x4 = rnd([2, 2, 2, 3], 10).requiresGrad_();
    assert.ok(gradcheck((xx) => batchNorm(xx, null, null, null, null, { training: true }), [x4]));
  });

  it("gradcheck in evaluation mode (statistics are constants)", () => {
    const x = rnd([3, 2, 4], 11).requiresGrad_();
    const w = rnd([2], 12).requiresGrad_();
    const b = rnd([2], 13).requiresGrad_();
    const rm = tensor([0.3, -0.2], { dtype: "float64" });
    const rv = tensor([0.8, 1.7], { dtype: "float64" });
    assert.ok(gradcheck((xx, ww, bb) => batchNorm(xx, rm, rv, ww, bb, { training: false }), [x, w, b]));
  });

  it("errors", () => {
    const x = rnd([4, 3], 14);
    assert.throws(() => batchNorm(x, null, null), /batchNorm: runningMean and runningVar are required when not training/);
    assert.throws(() => batchNorm(rnd([1, 3], 1), null, null, null, null, { training: true }), (e: Error) =>
      e instanceof ValueError && e.message === "batchNorm: expected more than 1 value per channel when training, got input of shape [1,3]");
    assert.throws(() => batchNorm(x, null, null, rnd([4], 1), null, { training: true }), (e: Error) =>
      e instanceof ShapeError && e.message === "batchNorm: weight must have shape [3], got [4]");
    assert.throws(() => batchNorm(x, rnd([3], 1), null, null, null, { training: true }), /must be given together/);
    assert.throws(() => batchNorm(rnd([3], 1), null, null, null, null, { training: true }), /at least 2 dims, got \[3\]/);
    assert.throws(() => batchNorm(tensor([[1, 2], [3, 4]], { dtype: "int32" }), null, null, null, null, { training: true }), DTypeError);
  });
});

describe("BatchNorm layers", () => {
  it("state dict keys, initial values and printout", () => {
    const bn = new BatchNorm2d(3);
    const sd = bn.stateDict();
    assert.deepEqual(Object.keys(sd), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    assert.deepEqual(flat(sd.weight), [1, 1, 1]);
    assert.deepEqual(flat(sd.bias), [0, 0, 0]);
    assert.deepEqual(flat(sd.running_mean), [0, 0, 0]);
    assert.deepEqual(flat(sd.running_var), [1, 1, 1]);
    assert.equal(sd.num_batches_tracked.dtype, "int32");
    assert.deepEqual(sd.num_batches_tracked.shape, []);
    assert.equal(bn.parameters().length, 2);
    assert.equal(bn.toString(), "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  });

  it("running statistics after several training steps follow the momentum formula", () => {
    const bn = new BatchNorm1d(3, { momentum: 0.2 }).double();
    let mean = [0, 0, 0];
    let variance = [1, 1, 1];
    for (let step = 0; step < 4; step++) {
      const x = rnd([6, 3, 2], 20 + step).mul(step + 1).add(step);
      const y = bn.forward(x);
      assertClose(flat(y), refNormalize(x, channelKey, channelParam, null, null, 1e-5), 1e-10, `step ${step} output`);
      const stats = groupStats(flat(x), (i) => channelKey(unravel(i, x.shape)));
      mean = mean.map((m, c) => 0.8 * m + 0.2 * stats.get(String(c))!.mean);
      variance = variance.map((v, c) => 0.8 * v + 0.2 * stats.get(String(c))!.unbiased);
    }
    assertClose(flat(bn.runningMean!), mean, 1e-12, "running_mean");
    assertClose(flat(bn.runningVar!), variance, 1e-12, "running_var");
    assert.equal(bn.numBatchesTracked!.item(), 4);
  });

  it("momentum null keeps a cumulative average of the batch statistics", () => {
    const bn = new BatchNorm1d(2, { momentum: null }).double();
    const means: number[][] = [];
    const vars: number[][] = [];
    for (let step = 0; step < 3; step++) {
      const x = rnd([5, 2], 30 + step).mul(step + 1).add(2 * step);
      bn.forward(x);
      const stats = groupStats(flat(x), (i) => String(i % 2));
      means.push([0, 1].map((c) => stats.get(String(c))!.mean));
      vars.push([0, 1].map((c) => stats.get(String(c))!.unbiased));
    }
    const avg = (rows: number[][]) => [0, 1].map((c) => rows.reduce((s, r) => s + r[c], 0) / rows.length);
    assertClose(flat(bn.runningMean!), avg(means), 1e-12);
    assertClose(flat(bn.runningVar!), avg(vars), 1e-12);
    assert.equal(bn.toString(), "BatchNorm1d(2, eps=1e-05, momentum=None, affine=True, track_running_stats=True)");
  });

  it("eval() uses the running statistics; train() the batch statistics", () => {
    const bn = new BatchNorm2d(2).double();
    bn.loadStateDict({ ...bn.stateDict(), running_mean: tensor([1, -2]), running_var: tensor([4, 0.25]), weight: tensor([2, 3]), bias: tensor([0.5, -0.5]) });
    const x = rnd([2, 2, 3, 3], 40);
    bn.eval();
    const want = refNormalize(x, channelKey, channelParam, [2, 3], [0.5, -0.5], 1e-5, (idx) => ({ mean: [1, -2][idx[1]], variance: [4, 0.25][idx[1]] }));
    assertClose(flat(bn.forward(x)), want, 1e-12);
    assert.deepEqual(flat(bn.runningMean!), [1, -2]);
    assert.equal(bn.numBatchesTracked!.item(), 0);
    bn.train();
    assertClose(flat(bn.forward(x)), refNormalize(x, channelKey, channelParam, [2, 3], [0.5, -0.5], 1e-5), 1e-10);
    assert.equal(bn.numBatchesTracked!.item(), 1);
  });

  it("affine false has no parameters; trackRunningStats false has no buffers and always uses batch statistics", () => {
    const plain = new BatchNorm1d(3, { affine: false });
    assert.equal(plain.weight, null);
    assert.deepEqual(Object.keys(plain.stateDict()), ["running_mean", "running_var", "num_batches_tracked"]);
    const x = rnd([4, 3], 41);
    assertClose(flat(plain.double().forward(x)), refNormalize(x, channelKey, channelParam, null, null, 1e-5), 1e-10);

    const untracked = new BatchNorm3d(2, { trackRunningStats: false }).double();
    assert.deepEqual(Object.keys(untracked.stateDict()), ["weight", "bias"]);
    untracked.eval();
    const x5 = rnd([2, 2, 2, 2, 2], 42);
    assertClose(flat(untracked.forward(x5)), refNormalize(x5, channelKey, channelParam, [1, 1], [0, 0], 1e-5), 1e-10);
  });

  it("double() converts parameters and running statistics, not the step counter", () => {
    const bn = new BatchNorm2d(2).double();
    assert.equal(bn.weight!.dtype, "float64");
    assert.equal(bn.runningVar!.dtype, "float64");
    assert.equal(bn.numBatchesTracked!.dtype, "int32");
    assert.equal(bn.stateDict().running_mean, bn.runningMean);
  });

  it("gradients reach weight and bias through the layer", () => {
    const bn = new BatchNorm1d(2);
    const x = tensor([[1, 2], [3, 5], [4, 11]]);
    const g = [1, 0, 0, 1, 2, 1];
    bn.forward(x).mul(tensor(g, { shape: [3, 2] })).sum().backward();
    // dβ[c] = Σ_n g[n,c]; dγ[c] = Σ_n g[n,c]·x̂[n,c].
    const xhat = refNormalize(x, channelKey, channelParam, null, null, 1e-5);
    const perChannel = (v: number[]) => [0, 1].map((c) => v.reduce((s, e, i) => (i % 2 === c ? s + e : s), 0));
    assertClose(flat(bn.bias!.grad!), perChannel(g), 1e-6);
    assertClose(flat(bn.weight!.grad!), perChannel(g.map((gi, i) => gi * xhat[i])), 1e-5);
  });

  it("errors name the layer and the shapes", () => {
    assert.throws(() => new BatchNorm2d(16).forward(rnd([8, 3, 32, 32], 1)), (e: Error) =>
      e instanceof ShapeError && e.message === "BatchNorm2d(16): expected 4-D input [N,16,H,W], got [8,3,32,32]");
    assert.throws(() => new BatchNorm1d(4).forward(rnd([2, 4, 3, 3], 1)), (e: Error) =>
      e.message === "BatchNorm1d(4): expected 2-D input [N,4] or 3-D input [N,4,L], got [2,4,3,3]");
    assert.throws(() => new BatchNorm3d(2).forward(rnd([2, 2, 3, 3], 1)), /BatchNorm3d\(2\): expected 5-D input \[N,2,D,H,W\]/);
    assert.throws(() => new BatchNorm1d(3).forward(rnd([1, 3], 1)), (e: Error) =>
      e instanceof ValueError && e.message === "BatchNorm1d(3): expected more than 1 value per channel when training, got input of shape [1,3]");
    // In eval mode a single sample is fine.
    assert.deepEqual(new BatchNorm1d(3).eval().forward(tensor([[1, 2, 3]])).shape, [1, 3]);
    assert.throws(() => new BatchNorm2d(0), /BatchNorm2d\(0\): numFeatures must be a positive integer/);
    assert.throws(() => new BatchNorm2d(3, { momentum: 2 }), /momentum must be in \[0, 1\]/);
  });
});

describe("layerNorm / LayerNorm", () => {
  it("normalizes over the trailing normalizedShape dims with elementwise affine", () => {
    const x = rnd([2, 3, 4], 50).mul(2).add(1);
    const w = rnd([3, 4], 51);
    const b = rnd([3, 4], 52);
    const y = layerNorm(x, [3, 4], w, b, 1e-5);
    assertClose(flat(y), refNormalize(x, (idx) => String(idx[0]), (idx) => idx[1] * 4 + idx[2], flat(w), flat(b), 1e-5), 1e-10);
    const y1 = layerNorm(x, 4);
    assertClose(flat(y1), refNormalize(x, (idx) => `${idx[0]},${idx[1]}`, () => 0, null, null, 1e-5), 1e-10);
  });

  it("layer: parameters, keys, printout, forward", () => {
    const ln = new LayerNorm([3, 4]);
    assert.deepEqual(Object.keys(ln.stateDict()), ["weight", "bias"]);
    assert.deepEqual(ln.weight!.shape, [3, 4]);
    assert.equal(ln.toString(), "LayerNorm((3, 4), eps=1e-05, elementwise_affine=True)");
    assert.equal(new LayerNorm(5, { elementwiseAffine: false }).toString(), "LayerNorm((5,), eps=1e-05, elementwise_affine=False)");
    assert.equal(new LayerNorm(5, { elementwiseAffine: false }).parameters().length, 0);
    const x = rnd([2, 3, 4], 53);
    assertClose(flat(ln.double().forward(x)), refNormalize(x, (idx) => String(idx[0]), () => 0, null, null, 1e-5), 1e-10);
  });

  it("gradcheck", () => {
    const x = rnd([3, 2, 3], 54).requiresGrad_();
    const w = rnd([2, 3], 55).requiresGrad_();
    const b = rnd([2, 3], 56).requiresGrad_();
    assert.ok(gradcheck((xx, ww, bb) => layerNorm(xx, [2, 3], ww, bb), [x, w, b]));
    assert.ok(gradcheck((xx) => layerNorm(xx, 3), [x]));
  });

  it("errors", () => {
    assert.throws(() => new LayerNorm(4).forward(rnd([2, 3, 5], 1)), (e: Error) =>
      e instanceof ShapeError && e.message === "LayerNorm([4]): expected input with shape [*,4] (normalizedShape [4]), got [2,3,5]");
    assert.throws(() => layerNorm(rnd([2, 3], 1), [2, 3], rnd([3], 1)), /layerNorm: weight must have shape \[2,3\], got \[3\]/);
    assert.throws(() => new LayerNorm([]), /normalizedShape must be a non-empty list/);
  });
});

describe("groupNorm / GroupNorm", () => {
  const groupKey = (G: number, C: number) => (idx: number[]) => `${idx[0]},${Math.floor(idx[1] / (C / G))}`;
  for (const [shape, G] of [[[2, 4, 2, 3], 1], [[2, 4, 3, 3], 2], [[2, 6, 4], 3], [[3, 4], 4]] as [number[], number][]) {
    it(`per (sample, group) statistics, x ${JSON.stringify(shape)} with ${G} groups`, () => {
      const x = rnd(shape, 60).mul(1.5).add(-0.5);
      const w = rnd([shape[1]], 61);
      const b = rnd([shape[1]], 62);
      const y = groupNorm(x, G, w, b, 1e-5);
      const C = shape[1];
      // A group of size 1 has variance 0: y = b.
      assertClose(flat(y), refNormalize(x, groupKey(G, C), channelParam, flat(w), flat(b), 1e-5), 1e-8);
    });
  }

  it("layer: keys, printout, forward, train/eval identical", () => {
    const gn = new GroupNorm(2, 4).double();
    assert.deepEqual(Object.keys(gn.stateDict()), ["weight", "bias"]);
    assert.equal(gn.toString(), "GroupNorm(2, 4, eps=1e-05, affine=True)");
    const x = rnd([2, 4, 3], 63);
    const want = refNormalize(x, groupKey(2, 4), channelParam, [1, 1, 1, 1], [0, 0, 0, 0], 1e-5);
    assertClose(flat(gn.forward(x)), want, 1e-10);
    assertClose(flat(gn.eval().forward(x)), want, 1e-10);
    assert.equal(new GroupNorm(2, 4, { affine: false }).parameters().length, 0);
  });

  it("gradcheck", () => {
    const x = rnd([2, 4, 3], 64).requiresGrad_();
    const w = rnd([4], 65).requiresGrad_();
    const b = rnd([4], 66).requiresGrad_();
    assert.ok(gradcheck((xx, ww, bb) => groupNorm(xx, 2, ww, bb), [x, w, b]));
  });

  it("errors", () => {
    assert.throws(() => new GroupNorm(3, 16), (e: Error) =>
      e instanceof ValueError && e.message === "GroupNorm(3, 16): numChannels (16) must be divisible by numGroups (3)");
    assert.throws(() => new GroupNorm(2, 4).forward(rnd([2, 6, 3], 1)), /GroupNorm\(2, 4\): expected input \[N,4,\*\], got \[2,6,3\]/);
    assert.throws(() => groupNorm(rnd([2, 6, 3], 1), 4), /groupNorm: 6 channels cannot be split into 4 groups/);
  });
});

describe("instanceNorm / InstanceNorm", () => {
  const instanceKey = (idx: number[]) => `${idx[0]},${idx[1]}`;

  it("normalizes each (sample, channel) over its spatial positions", () => {
    const x = rnd([2, 3, 4, 4], 70).mul(2).add(3);
    const w = rnd([3], 71);
    const b = rnd([3], 72);
    assertClose(flat(instanceNorm(x, null, null, w, b)), refNormalize(x, instanceKey, channelParam, flat(w), flat(b), 1e-5), 1e-10);
  });

  it("layer defaults (no affine, no running stats) and unbatched input", () => {
    const inorm = new InstanceNorm2d(3).double();
    assert.deepEqual(Object.keys(inorm.stateDict()), []);
    assert.equal(inorm.toString(), "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)");
    const x = rnd([3, 2, 5], 73);
    const y = inorm.forward(x);
    assert.deepEqual(y.shape, [3, 2, 5]);
    assertClose(flat(y), refNormalize(x, (idx) => String(idx[0]), () => 0, null, null, 1e-5), 1e-10);
  });

  it("tracked running statistics: batch average of instance statistics, used in eval", () => {
    const inorm = new InstanceNorm1d(2, { trackRunningStats: true, momentum: 0.5 }).double();
    const x = rnd([3, 2, 4], 74).mul(2);
    inorm.forward(x);
    const stats = groupStats(flat(x), (i) => instanceKey(unravel(i, x.shape)));
    const avg = (c: number, f: "mean" | "unbiased") => [0, 1, 2].reduce((s, n) => s + stats.get(`${n},${c}`)![f], 0) / 3;
    const rm = [0, 1].map((c) => 0.5 * 0 + 0.5 * avg(c, "mean"));
    const rv = [0, 1].map((c) => 0.5 * 1 + 0.5 * avg(c, "unbiased"));
    assertClose(flat(inorm.runningMean!), rm, 1e-12);
    assertClose(flat(inorm.runningVar!), rv, 1e-12);
    inorm.eval();
    const y = inorm.forward(x);
    assertClose(flat(y), refNormalize(x, channelKey, channelParam, null, null, 1e-5, (idx) => ({ mean: rm[idx[1]], variance: rv[idx[1]] })), 1e-10);
  });

  it("gradcheck", () => {
    const x = rnd([2, 2, 3], 75).requiresGrad_();
    const w = rnd([2], 76).requiresGrad_();
    const b = rnd([2], 77).requiresGrad_();
    assert.ok(gradcheck((xx, ww, bb) => instanceNorm(xx, null, null, ww, bb), [x, w, b]));
  });

  it("errors", () => {
    assert.throws(() => new InstanceNorm2d(3).forward(rnd([2, 4, 3, 3], 1)), (e: Error) =>
      e instanceof ShapeError && e.message === "InstanceNorm2d(3): expected 3-D input [3,H,W] or 4-D input [N,3,H,W], got [2,4,3,3]");
    assert.throws(() => instanceNorm(rnd([2, 3, 1], 1)), /instanceNorm: expected more than 1 spatial element when training, got input of shape \[2,3,1\]/);
  });
});

describe("localResponseNorm / LocalResponseNorm", () => {
  /** b[n,c,…] = a / (k + α/size · Σ_{c' = c−⌊size/2⌋}^{c+⌊(size−1)/2⌋} a[n,c',…]²)^β, channels outside [0, C) count as 0. */
  function refLrn(x: Tensor, size: number, alpha: number, beta: number, k: number): number[] {
    const xs = flat(x);
    const C = x.shape[1];
    const inner = count(x.shape.slice(2));
    return xs.map((v, i) => {
      const c = Math.floor(i / inner) % C;
      let s = 0;
      for (let cc = c - Math.floor(size / 2); cc <= c + Math.floor((size - 1) / 2); cc++) {
        if (cc >= 0 && cc < C) s += xs[i + (cc - c) * inner] ** 2;
      }
      return v / (k + (alpha / size) * s) ** beta;
    });
  }

  for (const size of [1, 2, 3, 4, 7]) {
    it(`matches the window formula, size ${size}`, () => {
      const x = rnd([2, 5, 2, 3], 80 + size).mul(2);
      assertClose(flat(localResponseNorm(x, size, 0.3, 0.6, 1.5)), refLrn(x, size, 0.3, 0.6, 1.5), 1e-10);
    });
  }

  it("layer: defaults and printout", () => {
    const lrn = new LocalResponseNorm(2);
    assert.equal(lrn.toString(), "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)");
    const x = rnd([1, 3, 4], 90);
    assertClose(flat(lrn.forward(x)), refLrn(x, 2, 1e-4, 0.75, 1), 1e-10);
  });

  it("gradcheck", () => {
    const x = rnd([2, 4, 3], 91).requiresGrad_();
    assert.ok(gradcheck((xx) => localResponseNorm(xx, 3, 0.5, 0.75, 1), [x]));
  });

  it("errors", () => {
    assert.throws(() => localResponseNorm(rnd([2, 3], 1), 2), /localResponseNorm: expected input \[N,C,...\] with at least 3 dims, got \[2,3\]/);
    assert.throws(() => new LocalResponseNorm(0), /LocalResponseNorm: size must be a positive integer, got 0/);
  });
});
