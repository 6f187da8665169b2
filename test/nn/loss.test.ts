import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, randn, rand, randint, gradcheck, softmax, logSoftmax, Generator, ShapeError, ValueError, DTypeError, type Tensor } from "../../src/index.js";
import {
  crossEntropy, nllLoss, bceLoss, bceWithLogits, mseLoss, halfMseLoss, l1Loss, smoothL1Loss, huberLoss, klDiv,
  multiMarginLoss, multiclassHingeLoss, type Reduction,
} from "../../src/nn/functional/loss.js";
import {
  CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, MSELoss, HalfMSELoss, L1Loss, SmoothL1Loss, HuberLoss, KLDivLoss,
  MultiMarginLoss, MultiClassHingeLoss,
} from "../../src/nn/layers/loss.js";

const vals = (t: Tensor) => Array.from(t.toTypedArray());
const int = (data: number[], shape?: number[]) => tensor(data, { dtype: "int32", shape });
const gen = (seed: number) => new Generator(seed);
const sumOf = (a: number[]) => a.reduce((s, v) => s + v, 0);
const REDUCTIONS: Reduction[] = ["mean", "sum", "none"];

function assertNear(actual: number, expected: number, tol = 1e-6, what = ""): void {
  assert.ok(Math.abs(actual - expected) <= tol * (1 + Math.abs(expected)), `${what}: got ${actual}, expected ${expected}`);
}
function assertAllNear(actual: Tensor, expected: number[], tol = 1e-6): void {
  const a = vals(actual);
  assert.equal(a.length, expected.length, "element count");
  a.forEach((v, i) => assertNear(v, expected[i], tol, `element ${i}`));
}
/** Applies a reduction to per-element reference losses, as PyTorch defines it. */
function refReduce(per: number[], reduction: Reduction, divisor = per.length): number[] {
  if (reduction === "none") return per;
  return [reduction === "sum" ? sumOf(per) : sumOf(per) / divisor];
}

/**
 * Reference cross-entropy written the way PyTorch decomposes it: (1 − ε)·nll + ε/C·smooth,
 * with nll = −w_y·logp_y and smooth = −Σ_c w_c·logp_c, ignored positions 0, "mean" dividing by
 * Σ w_y over non-ignored targets. x is [n, c, s] flat; targets [n, s] flat.
 */
function refCrossEntropy(
  x: number[], n: number, c: number, s: number, y: number[],
  opts: { w?: number[]; ignore?: number; eps?: number; reduction: Reduction },
): number[] {
  const w = opts.w ?? new Array<number>(c).fill(1);
  const eps = opts.eps ?? 0;
  const per: number[] = [];
  let denom = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < s; j++) {
      const logits = Array.from({ length: c }, (_, k) => x[i * c * s + k * s + j]);
      const m = Math.max(...logits);
      const z = Math.log(sumOf(logits.map((v) => Math.exp(v - m)))) + m;
      const logp = logits.map((v) => v - z);
      const t = y[i * s + j];
      if (t === (opts.ignore ?? -100)) {
        per.push(0);
        continue;
      }
      denom += w[t];
      const nll = -w[t] * logp[t];
      const smooth = -sumOf(logp.map((v, k) => w[k] * v));
      per.push((1 - eps) * nll + (eps / c) * smooth);
    }
  }
  return refReduce(per, opts.reduction, denom);
}

describe("crossEntropy", () => {
  it("reproduces the course's softmax example: scores cat 3.2, car 5.1, frog −1.7, true class cat → 2.04", () => {
    const scores = tensor([[3.2, 5.1, -1.7]]);
    const loss = crossEntropy(scores, int([0]));
    const exact = -Math.log(Math.exp(3.2) / (Math.exp(3.2) + Math.exp(5.1) + Math.exp(-1.7)));
    assertNear(loss.item(), exact, 1e-6);
    assert.ok(Math.abs(loss.item() - 2.04) < 0.005);
    assert.ok(Math.abs(vals(softmax(scores, 1))[0] - 0.13) < 0.005, "p(cat) ≈ 0.13");
  });

  it("is ≈ log(10) for 10 classes with tiny random logits", () => {
    const logits = randn([32, 10], { generator: gen(1) }).mul(1e-4);
    const loss = crossEntropy(logits, randint(0, 10, [32], { generator: gen(2) }));
    assertNear(loss.item(), Math.log(10), 1e-3);
  });

  it("is finite and exact for logits of ±1000 (log-sum-exp), gradient included", () => {
    const x = tensor([[1000, -1000, 0], [-1000, 1000, 1000]], { requiresGrad: true });
    const loss = crossEntropy(x, int([0, 2]));
    // Row 0: logsumexp = 1000, loss 0. Row 1: logsumexp = 1000 + log 2, loss log 2.
    assertNear(loss.item(), Math.log(2) / 2, 1e-6);
    loss.backward();
    // (softmax − onehot)/N: row 0 → 0; row 1 → ([0, ½, ½] − [0, 0, 1])/2.
    assertAllNear(x.grad as Tensor, [0, 0, 0, 0, 0.25, -0.25], 1e-6);
    const none = crossEntropy(tensor([[-1000, 1000]]), int([0]), { reduction: "none" });
    assertAllNear(none, [2000], 1e-6);
  });

  it("matches the reference for every reduction, with class weights, ignoreIndex and label smoothing", () => {
    const n = 5, c = 4;
    const x = randn([n, c], { generator: gen(3) });
    const y = [0, 3, -100, 1, 3];
    const w = [0.5, 2, 1, 1.5];
    for (const reduction of REDUCTIONS) {
      for (const eps of [0, 0.2]) {
        for (const weighted of [false, true]) {
          const got = crossEntropy(x, int(y), { reduction, labelSmoothing: eps, weight: weighted ? tensor(w) : null });
          const want = refCrossEntropy(vals(x), n, c, 1, y, { reduction, eps, w: weighted ? w : undefined });
          assertAllNear(got, want, 1e-5);
        }
      }
    }
    // A custom ignoreIndex that is a valid class.
    const got = crossEntropy(x, int([0, 3, 2, 1, 3]), { ignoreIndex: 3 });
    assertAllNear(got, refCrossEntropy(vals(x), n, c, 1, [0, 3, 2, 1, 3], { ignore: 3, reduction: "mean" }), 1e-5);
  });

  it("handles extra dims [N,C,d1,d2] with targets [N,d1,d2]", () => {
    const x = randn([2, 3, 2, 2], { generator: gen(4) });
    const y = [0, 1, 2, 1, 2, 2, 0, -100];
    const got = crossEntropy(x, int(y, [2, 2, 2]), { reduction: "none" });
    assert.deepEqual([...got.shape], [2, 2, 2]);
    assertAllNear(got, refCrossEntropy(vals(x), 2, 3, 4, y, { reduction: "none" }), 1e-5);
    assertAllNear(crossEntropy(x, int(y, [2, 2, 2])), refCrossEntropy(vals(x), 2, 3, 4, y, { reduction: "mean" }), 1e-5);
  });

  it("accepts an unbatched [C] input with a 0-d target", () => {
    const x = tensor([3.2, 5.1, -1.7]);
    assertNear(crossEntropy(x, int([0], [])).item(), crossEntropy(x.reshape(1, 3), int([0])).item(), 1e-7);
  });

  it("takes class probabilities: −Σ w_c·q_c·log softmax_c with q = (1 − ε)t + ε/C, mean over positions", () => {
    const x = randn([3, 4], { generator: gen(5) });
    const t = softmax(randn([3, 4], { generator: gen(6) }), 1);
    const w = [1, 2, 0.5, 1];
    const logp = vals(logSoftmax(x, 1));
    const tv = vals(t);
    for (const reduction of REDUCTIONS) {
      const per = [0, 1, 2].map((i) => -sumOf([0, 1, 2, 3].map((k) => w[k] * (0.9 * tv[i * 4 + k] + 0.1 / 4) * logp[i * 4 + k])));
      const got = crossEntropy(x, t, { weight: tensor(w), labelSmoothing: 0.1, reduction });
      assertAllNear(got, refReduce(per, reduction, 3), 1e-5);
    }
    // One-hot probabilities give the same loss as indices.
    const onehot = tensor([[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
    assertNear(crossEntropy(x, onehot).item(), crossEntropy(x, int([0, 2, 3])).item(), 1e-6);
  });

  it("equals nllLoss(logSoftmax(x))", () => {
    const x = randn([6, 5], { generator: gen(7) });
    const y = int([4, 0, 1, 1, 3, 2]);
    assertNear(crossEntropy(x, y).item(), nllLoss(logSoftmax(x, 1), y).item(), 1e-6);
  });

  it("follows PyTorch when every target is ignored: mean is NaN (0/0), sum is 0", () => {
    const x = randn([2, 3], { generator: gen(8) });
    assert.ok(Number.isNaN(crossEntropy(x, int([-100, -100])).item()));
    assert.equal(crossEntropy(x, int([-100, -100]), { reduction: "sum" }).item(), 0);
  });

  it("passes gradcheck for each reduction, weights, ignoreIndex, label smoothing, extra dims", () => {
    const x = randn([4, 3], { generator: gen(9), requiresGrad: true });
    const y = int([2, 0, -100, 1]);
    const w = tensor([0.3, 1.2, 2]);
    for (const reduction of REDUCTIONS) {
      gradcheck((a) => crossEntropy(a, y, { reduction }), [x]);
      gradcheck((a) => crossEntropy(a, y, { reduction, weight: w, labelSmoothing: 0.15 }), [x]);
    }
    const x4 = randn([2, 3, 2, 2], { generator: gen(10), requiresGrad: true });
    gradcheck((a) => crossEntropy(a, int([0, 1, 2, 1, 2, 2, 0, 1], [2, 2, 2]), { labelSmoothing: 0.1 }), [x4]);
  });

  it("passes gradcheck with probability targets, for the logits and the target", () => {
    const x = randn([3, 4], { generator: gen(11), requiresGrad: true });
    const t = rand([3, 4], { generator: gen(12), requiresGrad: true });
    for (const reduction of REDUCTIONS) {
      gradcheck((a, b) => crossEntropy(a, b, { reduction, weight: tensor([1, 2, 0.5, 1]), labelSmoothing: 0.2 }), [x, t]);
    }
  });

  it("rejects bad input with clear errors", () => {
    const x = randn([4, 10], { generator: gen(13) });
    assert.throws(() => crossEntropy(x, int([1, 2, 12, 0])), (e: Error) => e instanceof ValueError && e.message === "crossEntropy: target 12 is out of range for 10 classes");
    assert.throws(() => crossEntropy(x, int([1, 2, -1, 0])), /target -1 is out of range for 10 classes/);
    assert.throws(() => crossEntropy(x, int([1, 2, 3])), (e: Error) => e instanceof ShapeError && /\[3\]/.test(e.message) && /\[4\]/.test(e.message));
    assert.throws(() => crossEntropy(x, tensor([1, 2, 3, 0])), DTypeError);
    assert.throws(() => crossEntropy(x, randint(0, 2, [4, 10], { generator: gen(14) })), DTypeError);
    assert.throws(() => crossEntropy(x, rand([4, 9])), (e: Error) => e instanceof ShapeError && /\[4,9\]/.test(e.message) && /\[4,10\]/.test(e.message));
    assert.throws(() => crossEntropy(tensor(3), int([0], [])), ShapeError);
    assert.throws(() => crossEntropy(int([1, 2], [1, 2]), int([0])), DTypeError);
    assert.throws(() => crossEntropy(x, int([1, 2, 3, 0]), { weight: tensor([1, 2]) }), /weight must have shape \[10\]/);
    assert.throws(() => crossEntropy(x, int([1, 2, 3, 0]), { reduction: "avg" as Reduction }), ValueError);
    assert.throws(() => crossEntropy(x, int([1, 2, 3, 0]), { labelSmoothing: 1.5 }), ValueError);
  });
});

describe("nllLoss", () => {
  it("is −w_y·input[y], mean divided by the summed weight of non-ignored targets", () => {
    const x = tensor([[-1, -2, -3], [-0.5, -1.5, -2.5], [-0.1, -0.2, -0.3]]);
    const y = int([2, 0, -100]);
    assertNear(nllLoss(x, y).item(), (3 + 0.5) / 2);
    assertNear(nllLoss(x, y, { weight: tensor([2, 1, 4]) }).item(), (4 * 3 + 2 * 0.5) / (4 + 2));
    assertAllNear(nllLoss(x, y, { reduction: "none" }), [3, 0.5, 0]);
    assertNear(nllLoss(x, y, { reduction: "sum" }).item(), 3.5);
  });

  it("passes gradcheck for each reduction", () => {
    const x = randn([5, 4], { generator: gen(20), requiresGrad: true });
    for (const reduction of REDUCTIONS) {
      gradcheck((a) => nllLoss(a, int([3, 0, 1, -100, 2]), { reduction, weight: tensor([1, 2, 3, 4]) }), [x]);
    }
    const x3 = randn([2, 3, 4], { generator: gen(21), requiresGrad: true });
    gradcheck((a) => nllLoss(a, int([0, 1, 2, 0, 2, 2, 1, 0], [2, 4])), [x3]);
  });

  it("rejects float targets, shape mismatches and out-of-range classes", () => {
    const x = randn([2, 3], { generator: gen(22) });
    assert.throws(() => nllLoss(x, tensor([0, 1])), (e: Error) => e instanceof DTypeError && /int32/.test(e.message));
    assert.throws(() => nllLoss(x, int([0, 1, 2])), ShapeError);
    assert.throws(() => nllLoss(x, int([0, 3])), /nllLoss: target 3 is out of range for 3 classes/);
  });
});

describe("bceLoss", () => {
  it("is −(t·log p + (1 − t)·log(1 − p)), weighted per element", () => {
    const p = [0.9, 0.2, 0.6, 0.5];
    const t = [1, 0, 0.3, 1];
    const w = [1, 2, 0.5, 3];
    const per = p.map((v, i) => -(t[i] * Math.log(v) + (1 - t[i]) * Math.log(1 - v)));
    for (const reduction of REDUCTIONS) {
      assertAllNear(bceLoss(tensor(p), tensor(t), { reduction }), refReduce(per, reduction), 1e-6);
      assertAllNear(bceLoss(tensor(p), tensor(t), { reduction, weight: tensor(w) }), refReduce(per.map((v, i) => v * w[i]), reduction), 1e-6);
    }
  });

  it("clamps log at −100 like PyTorch, so p = 0 or 1 gives a finite loss and gradient", () => {
    const p = tensor([0, 1, 1], { requiresGrad: true });
    const loss = bceLoss(p, tensor([1, 0, 1]), { reduction: "none" });
    assertAllNear(loss, [100, 100, 0]);
    loss.sum().backward();
    assert.ok(vals(p.grad as Tensor).every(Number.isFinite));
  });

  it("passes gradcheck for each reduction (input and target)", () => {
    const p = rand([3, 4], { generator: gen(30) }).mul(0.8).add(0.1).requiresGrad_();
    const t = rand([3, 4], { generator: gen(31), requiresGrad: true });
    for (const reduction of REDUCTIONS) gradcheck((a, b) => bceLoss(a, b, { reduction, weight: tensor([1, 2, 0.5, 1]) }), [p, t]);
  });

  it("rejects values outside [0, 1] and mismatched shapes", () => {
    assert.throws(() => bceLoss(tensor([0.5, 1.5]), tensor([0, 1])), /bceLoss: input must hold probabilities in \[0, 1\], got 1.5/);
    assert.throws(() => bceLoss(tensor([0.5, 0.5]), tensor([[0, 1]])), (e: Error) => e instanceof ShapeError && /\[1,2\]/.test(e.message) && /\[2\]/.test(e.message));
    assert.throws(() => bceLoss(tensor([0.5, 0.5]), int([0, 1])), DTypeError);
    assert.throws(() => bceLoss(tensor([0.5, 0.5]), tensor([0, 1]), { weight: tensor([1, 2, 3]) }), ShapeError);
  });
});

describe("bceWithLogits", () => {
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  it("equals BCE of sigmoid(x), with posWeight scaling the positive term", () => {
    const x = [1.5, -0.3, 2, -2.2];
    const t = [1, 0, 0.4, 1];
    const pw = 3;
    const per = x.map((z, i) => -(t[i] * Math.log(sig(z)) + (1 - t[i]) * Math.log(1 - sig(z))));
    const perPw = x.map((z, i) => -(pw * t[i] * Math.log(sig(z)) + (1 - t[i]) * Math.log(1 - sig(z))));
    for (const reduction of REDUCTIONS) {
      assertAllNear(bceWithLogits(tensor(x), tensor(t), { reduction }), refReduce(per, reduction), 1e-6);
      assertAllNear(bceWithLogits(tensor(x), tensor(t), { reduction, posWeight: tensor([pw]) }), refReduce(perPw, reduction), 1e-6);
    }
  });

  it("is finite and exact for logits of ±1000", () => {
    const x = tensor([1000, -1000, 1000, -1000], { requiresGrad: true });
    const loss = bceWithLogits(x, tensor([0, 1, 1, 0]), { reduction: "none" });
    assertAllNear(loss, [1000, 1000, 0, 0]);
    loss.sum().backward();
    assertAllNear(x.grad as Tensor, [1, -1, 0, 0]); // σ(x) − t
  });

  it("passes gradcheck for each reduction, with weight and posWeight", () => {
    const x = randn([3, 4], { generator: gen(40), requiresGrad: true });
    const t = rand([3, 4], { generator: gen(41), requiresGrad: true });
    for (const reduction of REDUCTIONS) {
      gradcheck((a, b) => bceWithLogits(a, b, { reduction, weight: tensor([[1], [2], [0.5]]), posWeight: tensor([1, 2, 3, 0.5]) }), [x, t]);
    }
  });

  it("rejects mismatched shapes and a posWeight that does not broadcast", () => {
    assert.throws(() => bceWithLogits(randn([4, 1]), rand([4])), /target shape \[4\] does not match input shape \[4,1\]/);
    assert.throws(() => bceWithLogits(randn([4, 3]), rand([4, 3]), { posWeight: tensor([1, 2]) }), ShapeError);
  });
});

describe("regression losses", () => {
  const x = [0.5, -1.2, 3, 0.1, -2.5, 1.4];
  const y = [0.2, 0.3, 1, 0.1, -1.4, 1.5];
  const d = x.map((v, i) => v - y[i]);
  const input = tensor(x, { shape: [2, 3] });
  const target = tensor(y, { shape: [2, 3] });

  it("mseLoss = (x − y)², halfMseLoss = ½(x − y)² (J = 1/(2N)Σ…), l1Loss = |x − y|", () => {
    for (const reduction of REDUCTIONS) {
      assertAllNear(mseLoss(input, target, { reduction }), refReduce(d.map((v) => v * v), reduction));
      assertAllNear(halfMseLoss(input, target, { reduction }), refReduce(d.map((v) => 0.5 * v * v), reduction));
      assertAllNear(l1Loss(input, target, { reduction }), refReduce(d.map(Math.abs), reduction));
    }
    assertNear(halfMseLoss(input, target).item(), sumOf(d.map((v) => v * v)) / (2 * 6));
  });

  it("smoothL1Loss: 0.5d²/β below β, |d| − β/2 above; β = 0 is L1", () => {
    for (const beta of [1, 0.5, 2]) {
      const per = d.map((v) => (Math.abs(v) < beta ? (0.5 * v * v) / beta : Math.abs(v) - 0.5 * beta));
      for (const reduction of REDUCTIONS) assertAllNear(smoothL1Loss(input, target, { reduction, beta }), refReduce(per, reduction));
    }
    assertAllNear(smoothL1Loss(input, target, { beta: 0, reduction: "none" }), d.map(Math.abs));
  });

  it("huberLoss: 0.5d² below δ, δ(|d| − δ/2) above", () => {
    for (const delta of [1, 0.5, 2]) {
      const per = d.map((v) => (Math.abs(v) < delta ? 0.5 * v * v : delta * (Math.abs(v) - 0.5 * delta)));
      for (const reduction of REDUCTIONS) assertAllNear(huberLoss(input, target, { reduction, delta }), refReduce(per, reduction));
    }
  });

  it("pass gradcheck for each reduction", () => {
    const a = randn([3, 4], { generator: gen(50) }).mul(2).requiresGrad_();
    const b = randn([3, 4], { generator: gen(51), requiresGrad: true });
    for (const reduction of REDUCTIONS) {
      gradcheck((p, q) => mseLoss(p, q, { reduction }), [a, b]);
      gradcheck((p, q) => halfMseLoss(p, q, { reduction }), [a, b]);
      gradcheck((p, q) => l1Loss(p, q, { reduction }), [a, b]);
      gradcheck((p, q) => smoothL1Loss(p, q, { reduction, beta: 0.7 }), [a, b]);
      gradcheck((p, q) => smoothL1Loss(p, q, { reduction, beta: 0 }), [a, b]);
      gradcheck((p, q) => huberLoss(p, q, { reduction, delta: 1.3 }), [a, b]);
    }
  });

  it("reject mismatched shapes (naming both), integer targets and bad thresholds", () => {
    assert.throws(() => mseLoss(randn([8, 1]), randn([8])), /mseLoss: target shape \[8\] does not match input shape \[8,1\]/);
    assert.throws(() => l1Loss(randn([2]), int([1, 2])), DTypeError);
    assert.throws(() => smoothL1Loss(input, target, { beta: -1 }), ValueError);
    assert.throws(() => huberLoss(input, target, { delta: 0 }), ValueError);
    assert.throws(() => halfMseLoss(input, target, { reduction: "batchmean" as Reduction }), ValueError);
  });
});

describe("klDiv", () => {
  const logq = vals(logSoftmax(tensor([[0.2, 1, -0.5], [2, 0, 0.3]]), 1));
  const p = [0.2, 0.8, 0, 0.5, 0.25, 0.25];
  const per = p.map((t, i) => (t === 0 ? 0 : t * (Math.log(t) - logq[i])));
  const input = tensor(logq, { shape: [2, 3] });

  it("is t·(log t − input) (0 where t = 0), with mean, batchmean, sum and none", () => {
    const target = tensor(p, { shape: [2, 3] });
    assertAllNear(klDiv(input, target, { reduction: "none" }), per);
    assertNear(klDiv(input, target, { reduction: "sum" }).item(), sumOf(per));
    assertNear(klDiv(input, target).item(), sumOf(per) / 6);
    assertNear(klDiv(input, target, { reduction: "batchmean" }).item(), sumOf(per) / 2);
  });

  it("with logTarget: eᵗ·(t − input)", () => {
    const lt = [-1.6, -0.2, -3, -0.7, -1.4, -1.4];
    const want = lt.map((t, i) => Math.exp(t) * (t - logq[i]));
    assertAllNear(klDiv(input, tensor(lt, { shape: [2, 3] }), { reduction: "none", logTarget: true }), want);
  });

  it("passes gradcheck for each reduction (input and target, zeros in the target included)", () => {
    const x = randn([2, 3], { generator: gen(60), requiresGrad: true });
    const t = tensor([[0.2, 0, 0.8], [0.5, 0.25, 0.25]], { requiresGrad: true });
    for (const reduction of ["mean", "batchmean", "sum", "none"] as const) {
      gradcheck((a) => klDiv(a, t.detach(), { reduction }), [x]);
      gradcheck((a, b) => klDiv(a, b, { reduction, logTarget: true }), [x, randn([2, 3], { generator: gen(61), requiresGrad: true })]);
    }
    const pos = rand([2, 3], { generator: gen(62) }).add(0.1).requiresGrad_();
    gradcheck((a, b) => klDiv(a, b, { reduction: "batchmean" }), [x, pos]);
  });
});

describe("margin losses", () => {
  // The CS231n example: three images' scores for (cat, car, frog).
  const scores = tensor([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]);
  const labels = int([0, 1, 2]);

  it("multiclassHingeLoss is the course's Σ_{j≠y} max(0, s_j − s_y + 1): 2.9, 0, 12.9 → mean 5.27", () => {
    assertAllNear(multiclassHingeLoss(scores, labels, { reduction: "none" }), [2.9, 0, 12.9], 1e-6);
    assertNear(multiclassHingeLoss(scores, labels).item(), (2.9 + 0 + 12.9) / 3, 1e-6);
    assertNear(multiclassHingeLoss(scores, labels, { reduction: "sum" }).item(), 15.8, 1e-6);
    // margin 2: cat row = max(0, 5.1 − 3.2 + 2) + max(0, −1.7 − 3.2 + 2) = 3.9.
    assertAllNear(multiclassHingeLoss(scores.slice(0, 0, 1), labels.slice(0, 0, 1), { margin: 2, reduction: "none" }), [3.9], 1e-6);
  });

  it("multiMarginLoss is PyTorch's: Σ_{j≠y} w_y·max(0, margin − s_y + s_j)^p / C", () => {
    const s = vals(scores);
    const w = [0.5, 2, 1];
    for (const p of [1, 2]) {
      for (const weighted of [false, true]) {
        const per = [0, 1, 2].map((i) => {
          const y = i; // labels are 0, 1, 2
          let acc = 0;
          for (let j = 0; j < 3; j++) if (j !== y) acc += Math.max(0, 1 - s[i * 3 + y] + s[i * 3 + j]) ** p * (weighted ? w[y] : 1);
          return acc / 3;
        });
        for (const reduction of REDUCTIONS) {
          assertAllNear(multiMarginLoss(scores, labels, { p, reduction, weight: weighted ? tensor(w) : null }), refReduce(per, reduction), 1e-6);
        }
      }
    }
  });

  it("pass gradcheck for each reduction", () => {
    const x = randn([5, 4], { generator: gen(70), requiresGrad: true });
    const y = int([0, 3, 1, 1, 2]);
    for (const reduction of REDUCTIONS) {
      gradcheck((a) => multiclassHingeLoss(a, y, { reduction }), [x]);
      gradcheck((a) => multiMarginLoss(a, y, { reduction, p: 2, weight: tensor([1, 2, 0.5, 1]) }), [x]);
      gradcheck((a) => multiMarginLoss(a, y, { reduction, margin: 0.5 }), [x]);
    }
  });

  it("reject bad ranks, targets and p", () => {
    assert.throws(() => multiclassHingeLoss(randn([2, 3, 4]), int([0, 1])), ShapeError);
    assert.throws(() => multiclassHingeLoss(scores, tensor([0, 1, 2])), DTypeError);
    assert.throws(() => multiclassHingeLoss(scores, int([0, 1])), ShapeError);
    assert.throws(() => multiclassHingeLoss(scores, int([0, 1, 3])), /multiclassHingeLoss: target 3 is out of range for 3 classes/);
    assert.throws(() => multiMarginLoss(scores, labels, { p: 3 }), ValueError);
  });
});

describe("loss modules", () => {
  it("forward(input, target) equals the functional form with the constructor's options", () => {
    const x = randn([4, 3], { generator: gen(80) });
    const y = int([0, 2, 1, 1]);
    const w = tensor([1, 2, 0.5]);
    const a = randn([4, 3], { generator: gen(81) });
    const p = rand([4, 3], { generator: gen(82) });
    const same = (m: { forward(i: Tensor, t: Tensor): Tensor }, f: Tensor, i: Tensor, t: Tensor) => assertAllNear(m.forward(i, t), vals(f));
    same(new CrossEntropyLoss({ weight: w, labelSmoothing: 0.1, reduction: "sum" }), crossEntropy(x, y, { weight: w, labelSmoothing: 0.1, reduction: "sum" }), x, y);
    same(new NLLLoss({ ignoreIndex: 2 }), nllLoss(x, y, { ignoreIndex: 2 }), x, y);
    assertAllNear(new BCELoss({ reduction: "none" }).forward(p, p.mul(0.5)), vals(bceLoss(p, p.mul(0.5), { reduction: "none" })));
    same(new BCEWithLogitsLoss({ posWeight: tensor([2, 1, 1]) }), bceWithLogits(x, p, { posWeight: tensor([2, 1, 1]) }), x, p);
    same(new MSELoss(), mseLoss(x, a), x, a);
    same(new HalfMSELoss(), halfMseLoss(x, a), x, a);
    same(new L1Loss({ reduction: "sum" }), l1Loss(x, a, { reduction: "sum" }), x, a);
    same(new SmoothL1Loss({ beta: 0.5 }), smoothL1Loss(x, a, { beta: 0.5 }), x, a);
    same(new HuberLoss({ delta: 0.5 }), huberLoss(x, a, { delta: 0.5 }), x, a);
    same(new KLDivLoss({ reduction: "batchmean" }), klDiv(logSoftmax(x, 1), p, { reduction: "batchmean" }), logSoftmax(x, 1), p);
    same(new MultiMarginLoss({ p: 2, margin: 0.5 }), multiMarginLoss(x, y, { p: 2, margin: 0.5 }), x, y);
    same(new MultiClassHingeLoss({ reduction: "sum" }), multiclassHingeLoss(x, y, { reduction: "sum" }), x, y);
  });

  it("print their options PyTorch-style and keep weights as buffers", () => {
    assert.equal(new MSELoss().toString(), "MSELoss(reduction='mean')");
    assert.equal(
      new CrossEntropyLoss({ labelSmoothing: 0.1 }).toString(),
      "CrossEntropyLoss(reduction='mean', weight=None, ignore_index=-100, label_smoothing=0.1)",
    );
    assert.equal(new KLDivLoss({ reduction: "batchmean" }).toString(), "KLDivLoss(reduction='batchmean', log_target=False)");
    assert.equal(new BCEWithLogitsLoss({ posWeight: tensor([1, 2]) }).toString(), "BCEWithLogitsLoss(reduction='mean', weight=None, pos_weight=Tensor[2])");
    assert.deepEqual(Object.keys(new BCEWithLogitsLoss({ weight: tensor([1]), posWeight: tensor([1, 2]) }).stateDict()), ["weight", "pos_weight"]);
    assert.deepEqual(Object.keys(new CrossEntropyLoss().stateDict()), []);
    const ce = new CrossEntropyLoss({ weight: tensor([1, 2, 3]) }).double();
    assert.equal(ce.weight?.dtype, "float64");
  });
});
